"""Who hears about what: turning a job's events into deliveries, and people's choices.

notify() is called where an event happens, inside the transaction that makes it happen: a
job's end (the jobs.services.job_finished hook), a launch waiting for approval, approved,
rejected or expired (approvals). It writes one Delivery per channel that wants the event and
queues its task in the same transaction (the queue is a table of the same database), so an
event that is committed has its deliveries, and one rolled back has none. Sending happens in
the worker (delivery.py). No message carries a Sensitive value or a token: messages name a
launch's parameters, never their values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.crypto import fernet, multi_fernet
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.notifications.channels import PURPOSE, encrypt, mask
from orchestrator_web.notifications.delivery import queue, sweep
from orchestrator_web.notifications.models import (
    DEFAULT_EMAIL_EVENTS,
    Channel,
    Delivery,
    Event,
    Kind,
    Message,
)
from orchestrator_web.schedules.timing import every_words
from orchestrator_web.times import exact

log = logging.getLogger(__name__)

__all__ = ["Message", "notify", "on_job_finished", "sweep"]

EVENT_OF = {
    Message.SUCCEEDED: Event.JOB_SUCCEEDED,
    Message.FAILED: Event.JOB_FAILED,
    Message.WAITING: Event.APPROVAL_WAITING,
    Message.APPROVED: Event.LAUNCH_DECIDED,
    Message.REJECTED: Event.LAUNCH_DECIDED,
    Message.EXPIRED: Event.LAUNCH_DECIDED,
}
FAILED_STATES = (State.FAILURE, State.REJECTED, State.NOT_SUBMITTED)


def on_job_finished(sender: Any, job: Job, previous: str, **kwargs: Any) -> None:
    """The jobs.services.job_finished hook: "my job succeeded / failed" to its requester, and to
    the groups' channels that follow such jobs. (A launch rejected or expired while waiting for
    approval is told by approvals, with who and why.)"""
    if job.state == State.SUCCESS:
        notify(Message.SUCCEEDED, job, people=_requester(job))
    elif job.state in FAILED_STATES:
        notify(Message.FAILED, job, people=_requester(job))


def _requester(job: Job) -> list[User]:
    return [job.requested_by] if job.requested_by is not None else []


def notify(
    message: Message,
    job: Job,
    *,
    people: Iterable[User] = (),
    groups: Iterable[int] | None = None,
    approval: Any = None,
    approvers: Iterable[str] = (),
) -> int:
    """Queue `message` about `job` to the channels of `people` that want it, and to groups'
    channels that want it about this job (only those of `groups` when given). Once per channel:
    the same event again adds nothing. Returns how many deliveries were queued. A fault here is
    logged and never fails the caller's change."""
    try:
        with transaction.atomic():
            return _notify(message, job, list(people), groups, approval, list(approvers))
    except Exception:
        log.exception("job %s: the %s notification could not be queued", job.pk, message)
        return 0


def _notify(
    message: Message, job: Job, people: list[User], groups: Iterable[int] | None, approval: Any, approvers: list[str]
) -> int:
    event = EVENT_OF[message]
    people = [person for person in people if person.is_active]
    channels: list[Channel] = []
    if people:
        for person in people:
            email_channel(person)
        personal = Channel.objects.filter(user__in=people).select_related("user")
        channels += [channel for channel in personal if channel.hears(event, None)]
    shared = Channel.objects.filter(group__isnull=False).select_related("group")
    if groups is not None:
        shared = shared.filter(group__in=list(groups))
    channels += [channel for channel in shared if channel.hears(event, job)]
    if not channels:
        return 0
    subject, body = compose(message, job, approval, approvers)
    queued = 0
    for channel in channels:
        if channel.kind == Kind.EMAIL and not (channel.address or (channel.user and channel.user.email)):
            continue  # a person without an address: their profile page says so
        delivery, created = Delivery.objects.get_or_create(
            channel=channel,
            job=job,
            message=message,
            defaults={
                "channel_name": str(channel),
                "recipient": channel.user,
                "subject": subject,
                "body": body,
            },
        )
        if created:
            queue(delivery)
            queued += 1
    return queued


# -- the words -------------------------------------------------------------------------------


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _stated(job: Job) -> str:
    if job.state == State.SUCCESS:
        return "succeeded"
    if job.state == State.FAILURE:
        return f"was stopped by {job.stopped_by_username}" if job.stopped_by_username else "failed"
    if job.state == State.REJECTED:
        return "was refused by PE"
    return "was not sent to PE"


def _schedule_words(schedule: Mapping[str, Any]) -> str:
    """`First run 2026-12-01 09:00:00 UTC, then every day.`: the site's zone, as the mail goes
    to approvers whatever their own zone is."""
    try:
        start = datetime.fromisoformat(str(schedule["start_time"]))
    except (KeyError, ValueError):
        return "It is a schedule (its first run could not be read)."
    interval = schedule.get("interval_seconds")
    repeats = f"then {every_words(interval)}" if interval else "once only"
    return f"First run {exact(start, ZoneInfo(settings.TIME_ZONE))}, {repeats}."


def compose(message: Message, job: Job | None, approval: Any = None, approvers: Iterable[str] = ()) -> tuple[str, str]:
    """(subject, body) of a message about `job`. Only what the history shows anyone who may see
    the job: never a parameter's value, so never a Sensitive one, and never a token."""
    if message == Message.TEST or job is None:
        return "Test message from orchestrator_web", "This channel works: orchestrator_web can reach it.\n"
    what = f"{job.plan_name} in {job.environment}"
    link = _link(reverse("jobs:detail", args=[job.pk]))
    if message in (Message.SUCCEEDED, Message.FAILED):
        stated = _stated(job)
        subject = f"Job {job.pk} {stated}: {what}"
        body = f"Job {job.pk}, {what}, requested by {job.requested_by_username}, {stated}."
        if job.pe_job_id:
            body += f" PE job {job.pe_job_id}."
        return subject, f"{body}\n\n{link}\n"
    if message == Message.WAITING:
        if job.schedule_request:
            subject = f"Approval wanted: schedule {what} (job {job.pk})"
            lines = [f"{job.requested_by_username} asks to schedule {what} (job {job.pk}) in PE's scheduler."]
            lines.append(_schedule_words(job.schedule_request))
        else:
            subject = f"Approval wanted: {what} (job {job.pk})"
            lines = [f"{job.requested_by_username} asks to run {what} (job {job.pk})."]
        if job.description:
            lines.append(f"Description: {job.description[:300]}")
        names = sorted(job.params)
        if names:
            lines.append(f"Parameters: {', '.join(names)}.")
        if job.sensitive_params:
            lines.append(f"Sensitive parameters (values never shown): {', '.join(sorted(job.sensitive_params))}.")
        if approval is not None:
            needed = f"{approval.required} approval{'s' if approval.required != 1 else ''}"
            lines.append(f"It needs {needed} from {approval.approver_group_name}, until {exact(approval.expires_at)}.")
        lines += [
            "",
            f"Approve or reject it: {link}",
            f"Everything waiting for you: {_link(reverse('approvals:queue'))}",
        ]
        return subject, "\n".join(lines) + "\n"
    whose = f"{job.requested_by_username}'s launch of {what} (job {job.pk})"
    if message == Message.APPROVED:
        by = ", ".join(approvers) or "its approvers"
        if job.state == State.SCHEDULED:
            outcome, subject = "and handed to PE's scheduler", "Approved and scheduled"
        elif job.state in (State.NOT_SUBMITTED, State.REJECTED):
            outcome, subject = f"but not sent: {job.error_message}", "Approved, not sent"
        elif job.state == State.UNKNOWN:
            outcome, subject = "and sent; whether PE received it is not known yet", "Approved"
        else:
            outcome, subject = "and sent", "Approved"
        return f"{subject}: {what} (job {job.pk})", f"{whose} was approved by {by} {outcome}.\n\n{link}\n"
    if message == Message.REJECTED:
        who = approval.decided_by_username if approval is not None else "an approver"
        why = approval.comment if approval is not None else ""
        body = f"{who} rejected {whose}: “{why}”. Nothing was sent."
        return f"Rejected: {what} (job {job.pk})", f"{body}\n\n{link}\n"
    until = f" by {exact(approval.expires_at)}" if approval is not None else ""
    withdrawn = approval is not None and approval.outcome == "withdrawn"
    if withdrawn:
        body = f"{whose} was withdrawn by {job.requested_by_username}: nothing was sent."
        return f"Withdrawn: {what} (job {job.pk})", f"{body}\n\n{link}\n"
    body = f"{whose} was not approved{until}: nothing was sent."
    return f"Expired: {what} (job {job.pk})", f"{body} Launch it again if it is still needed.\n\n{link}\n"


# -- a person's choices ------------------------------------------------------------------------


def email_channel(user: User) -> Channel:
    """The person's e-mail channel (to their account's address), made with the default choices
    the first time it is needed."""
    channel, _ = Channel.objects.get_or_create(
        user=user, kind=Kind.EMAIL, defaults={"name": "E-mail", "events": list(DEFAULT_EMAIL_EVENTS)}
    )
    return channel


def personal_channels(user: User) -> list[Channel]:
    """The person's channels: their e-mail first, then their webhooks."""
    email_channel(user)
    return list(Channel.objects.filter(user=user).order_by("kind", "id"))  # "email" sorts before "webhook"


def save_choices(user: User, chosen: dict[int, list[str]]) -> None:
    """Set, for each of the person's channels, the events it carries."""
    for channel in Channel.objects.filter(user=user):
        wanted = [event for event in Event.values if event in chosen.get(channel.pk, [])]
        if channel.events != wanted:
            channel.events = wanted
            channel.save(update_fields=["events"])


def add_webhook(user: User, name: str, url: str, request: HttpRequest | None = None) -> Channel:
    """Keep a person's chat webhook (its URL encrypted); it starts with their e-mail's choices."""
    channel = Channel.objects.create(
        user=user,
        kind=Kind.WEBHOOK,
        name=name,
        url_ciphertext=encrypt(url),
        url_shown=mask(url),
        events=list(email_channel(user).events),
    )
    record(Action.CHANNEL_ADDED, user.get_username(), request=request, channel=name, webhook=channel.url_shown)
    return channel


def remove_channel(channel: Channel, request: HttpRequest | None = None) -> None:
    owner = channel.user.get_username() if channel.user else channel.group.name if channel.group else ""
    record(Action.CHANNEL_REMOVED, owner, request=request, channel=channel.name, webhook=channel.url_shown)
    channel.delete()


def send_test(channel: Channel) -> Delivery:
    """Queue a test message to one channel (its outcome shows among the recent deliveries)."""
    subject, body = compose(Message.TEST, None)
    delivery = Delivery.objects.create(
        channel=channel,
        channel_name=str(channel),
        recipient=channel.user,
        message=Message.TEST,
        subject=subject,
        body=body,
    )
    queue(delivery)
    return delivery


@dataclass
class Rotation:
    rotated: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)


def rotate_urls(*, dry_run: bool = False) -> Rotation:
    """Re-encrypt every webhook URL with the newest of TOKEN_ENCRYPTION_KEYS (rotate_token_key)."""
    newest, every = (
        fernet(settings.TOKEN_ENCRYPTION_KEYS[0], PURPOSE),
        multi_fernet(settings.TOKEN_ENCRYPTION_KEYS, PURPOSE),
    )
    result = Rotation()
    for channel in Channel.objects.filter(kind=Kind.WEBHOOK).order_by("pk"):
        try:
            newest.decrypt(channel.url_ciphertext.encode())
        except (InvalidToken, ValueError):
            pass
        else:
            result.current += 1
            continue
        try:
            fresh = every.rotate(channel.url_ciphertext.encode()).decode()
        except (InvalidToken, ValueError):
            result.unreadable.append(str(channel))
            continue
        if not dry_run:
            Channel.objects.filter(pk=channel.pk, url_ciphertext=channel.url_ciphertext).update(url_ciphertext=fresh)
        result.rotated += 1
    return result
