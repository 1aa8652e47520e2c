"""Deciding a launch that waits for approval: approve, reject, withdraw, expire.

Every decision takes the approval request's row lock first (on SQLite the write lock: the
database's transactions are IMMEDIATE), then reads the job again, so two approvers clicking at
once are decided one after the other: the one whose approval completes the count sends the
plan, the other is told it is no longer waiting. The Sensitive values are erased in the
transaction that ends the wait, whatever ends it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from orchestrator_web.approvals.models import Approval, ApprovalRequest, Outcome
from orchestrator_web.approvals.secrets import Unreadable, unseal
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.jobs.services import change
from orchestrator_web.notifications.services import Message, notify
from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import send
from orchestrator_web.rbac import access
from orchestrator_web.schedules.services import schedule_approved
from orchestrator_web.times import exact

log = logging.getLogger(__name__)


class NotAllowed(Exception):
    """This person may not decide this launch (the view refuses with 403 and audits it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Decision:
    """What happened, in words for the person who clicked. `done` is False when nothing was
    changed (the launch was no longer waiting, the approval was given already ...)."""

    done: bool
    message: str


def _locked(job: Job) -> ApprovalRequest:
    approval = ApprovalRequest.objects.select_for_update().get(job_id=job.pk)
    job.refresh_from_db()
    approval.job = job
    return approval


def no_longer_waiting(approval: ApprovalRequest, job: Job) -> str:
    """Why a launch is no longer waiting, for a click that came too late."""
    who = approval.decided_by_username
    words = {
        Outcome.APPROVED: f"it was approved (by {who}) and sent",
        Outcome.REJECTED: f"{who} rejected it",
        Outcome.EXPIRED: "it expired without enough approvals",
        Outcome.WITHDRAWN: f"{who} withdrew it",
        Outcome.REFUSED: "it was approved but could not be sent",
    }.get(Outcome(approval.outcome), job.get_state_display().lower())
    return f"This launch is no longer waiting for approval: {words}. Nothing was changed."


def _note(job: Job, text: str) -> dict[str, Any]:
    return {"state": job.state, "at": timezone.now().isoformat(), "note": text}


def _end(
    approval: ApprovalRequest,
    state: str,
    outcome: Outcome,
    message: str,
    *,
    by: User | None,
    comment: str = "",
    notes: list[dict[str, Any]] | None = None,
    withdrawn: bool = False,
) -> None:
    """End the wait without sending: erase the secrets, end the job in `state`. A launch
    `withdrawn` by its requester (`by`) records them as who ended it (Job.stopped_by)."""
    job = approval.job
    now = timezone.now()
    approval.outcome, approval.decided_at, approval.sealed_secrets = outcome, now, ""
    approval.decided_by, approval.decided_by_username, approval.comment = by, by.get_username() if by else "", comment
    approval.save()
    change(
        job,
        State.AWAITING_APPROVAL,
        state=state,
        finished_at=now,
        error_message=message,
        timeline=[*job.timeline, *(notes or [])],
        **({"stopped_by": by, "stopped_by_username": by.get_username()} if withdrawn and by else {}),
    )


def _expired_now(approval: ApprovalRequest, request: HttpRequest | None = None) -> Decision:
    message = f"Not approved in time (it could wait until {exact(approval.expires_at)}): nothing was sent."
    _end(approval, State.EXPIRED, Outcome.EXPIRED, message, by=None)
    record(Action.APPROVAL_EXPIRED, f"job {approval.job_id}", actor_name="orchestrator_web", request=request)
    notify(Message.EXPIRED, approval.job, people=_requester(approval.job), approval=approval)
    return Decision(False, f"This launch expired at {exact(approval.expires_at)}: nothing was sent.")


def _requester(job: Job) -> list[User]:
    return [job.requested_by] if job.requested_by is not None else []


def _checked(approval: ApprovalRequest, user: User) -> None:
    refusal = access.approval_refusal(
        user, approval.job.requested_by_id, approval.approver_group_id, approval.approver_group_name
    )
    if refusal:
        raise NotAllowed(refusal)


def _still_counting(approval: ApprovalRequest) -> tuple[list[str], list[str]]:
    """Check every approval given so far again: (approvers who still may approve, those who no
    longer may, whose approvals stop counting)."""
    counted, dropped = [], []
    for given in approval.approvals.filter(counted=True).select_related("approver"):
        refusal = (
            "their account is gone"
            if given.approver is None
            else access.approval_refusal(
                given.approver, approval.job.requested_by_id, approval.approver_group_id, approval.approver_group_name
            )
        )
        if refusal:
            given.counted = False
            given.save(update_fields=["counted"])
            dropped.append(given.approver_username)
        else:
            counted.append(given.approver_username)
    return counted, dropped


def _closed(approval: ApprovalRequest, job: Job, request: HttpRequest | None) -> Decision | None:
    """Why the (locked) launch can no longer be decided, or None while it waits: decided
    already, or past its expiry (which ends it now)."""
    if not approval.waiting or job.state != State.AWAITING_APPROVAL:
        return Decision(False, no_longer_waiting(approval, job))
    if approval.expires_at <= timezone.now():
        return _expired_now(approval, request)
    return None


def approve(job: Job, user: User, comment: str = "", request: HttpRequest | None = None) -> Decision:
    """`user` approves the waiting launch; the approval that completes the count sends it."""
    with transaction.atomic():
        approval = _locked(job)
        closed = _closed(approval, job, request)
        if closed is not None:
            return closed
        _checked(approval, user)
        if approval.approvals.filter(approver_username=user.get_username(), counted=True).exists():
            return Decision(False, "You have approved this launch already; it waits for someone else.")
        Approval.objects.update_or_create(
            request=approval,
            approver_username=user.get_username(),
            defaults={"approver": user, "comment": comment, "counted": True},
        )
        counted, dropped = _still_counting(approval)
        record(
            Action.APPROVED,
            f"job {job.pk}",
            actor=user,
            request=request,
            plan=job.plan_name,
            environment=job.environment,
            comment=comment,
            approvals=len(counted),
            needed=approval.required,
        )
        notes = [_note(job, f"{name}'s approval no longer counts: they may no longer approve it") for name in dropped]
        notes.append(_note(job, f"Approved by {user.get_username()} ({len(counted)} of {approval.required})"))
        if len(counted) < approval.required:
            change(job, State.AWAITING_APPROVAL, timeline=[*job.timeline, *notes])
            more = approval.required - len(counted)
            return Decision(True, f"Your approval is recorded; it waits for {more} more.")

        # The count is reached: the requester must still be allowed to run it, now.
        requester = job.requested_by
        how = access.SCHEDULE if job.schedule_request else access.NOW
        if requester is None or not access.can_run(requester, job.plan_name, job.environment, how=how):
            verb = "schedule" if job.schedule_request else "run"
            who, what = job.requested_by_username, f"{job.plan_name} in {job.environment}"
            message = f"Not sent: {who} may no longer {verb} {what}."
            _end(approval, State.NOT_SUBMITTED, Outcome.REFUSED, message, by=user, notes=notes)
            record(Action.DENIED, f"job {job.pk}", actor=user, request=request, reason=message)
            notify(Message.APPROVED, job, people=_requester(job), approval=approval, approvers=counted)
            return Decision(True, message)
        try:
            secrets = unseal(approval.sealed_secrets)
        except Unreadable:
            message = "Not sent: its sensitive values can no longer be read (the token encryption key changed)."
            _end(approval, State.NOT_SUBMITTED, Outcome.REFUSED, message, by=user, notes=notes)
            notify(Message.APPROVED, job, people=_requester(job), approval=approval, approvers=counted)
            return Decision(True, message)
        approval.outcome, approval.decided_at, approval.sealed_secrets = Outcome.APPROVED, timezone.now(), ""
        approval.decided_by, approval.decided_by_username = user, user.get_username()
        approval.save()
        timeline = [*job.timeline, *notes]
        change(job, State.AWAITING_APPROVAL, state=State.SUBMITTING, timeline=timeline)
        launch = Launch(
            plan_name=job.plan_name,
            environment=job.environment,
            params={**job.params, **secrets},
            sensitive=list(job.sensitive_params),
            description=job.description,
            timeout=job.timeout,
            userdata=job.userdata,
            param_types=job.param_types,
            schedule=job.schedule_request,
        )
    # Committed: the job is `submitting` and its secrets are erased from the database (they
    # live on only in `launch`). Sent as its requester, exactly as an unapproved launch is.
    # The requester hears what became of it once PE has answered (sent, scheduled, or refused).
    if launch.schedule is not None:
        schedule_approved(job, launch, requester, counted)
        notify(Message.APPROVED, job, people=[requester], approval=approval, approvers=counted)
        if job.state == State.SCHEDULED:
            return Decision(True, "Approved and handed to PE's scheduler: its runs will show in the history.")
        return Decision(True, f"Approved, but not scheduled: {job.error_message}")
    send(job, launch, requester, approved_by=counted)
    notify(Message.APPROVED, job, people=[requester], approval=approval, approvers=counted)
    return Decision(True, f"Approved and sent: {job.get_state_display().lower()}.")


def reject(job: Job, user: User, comment: str, request: HttpRequest | None = None) -> Decision:
    """An approver says no, and why: the launch ends, nothing is sent."""
    comment = comment.strip()
    if not comment:
        return Decision(False, "Say why you reject it: a comment is required.")
    with transaction.atomic():
        approval = _locked(job)
        closed = _closed(approval, job, request)
        if closed is not None:
            return closed
        _checked(approval, user)
        message = f"Rejected by {user.get_username()}: {comment}"
        _end(approval, State.REJECTED_BY_APPROVER, Outcome.REJECTED, message, by=user, comment=comment)
        record(
            Action.APPROVAL_REJECTED,
            f"job {job.pk}",
            actor=user,
            request=request,
            plan=job.plan_name,
            environment=job.environment,
            comment=comment,
        )
        notify(Message.REJECTED, job, people=_requester(job), approval=approval)
    return Decision(True, "Rejected: nothing was sent, and the requester is told why.")


def withdraw(job: Job, user: User, request: HttpRequest | None = None) -> Decision:
    """The requester takes back their waiting launch (it ends as expired)."""
    if not access.may_withdraw(user, job):
        raise NotAllowed("Only the person who asked for this launch may withdraw it.")
    with transaction.atomic():
        approval = _locked(job)
        if not approval.waiting or job.state != State.AWAITING_APPROVAL:
            return Decision(False, no_longer_waiting(approval, job))
        message = f"Withdrawn by {user.get_username()}: nothing was sent."
        _end(approval, State.EXPIRED, Outcome.WITHDRAWN, message, by=user, withdrawn=True)
        record(Action.APPROVAL_WITHDRAWN, f"job {job.pk}", actor=user, request=request, plan=job.plan_name)
    return Decision(True, "Withdrawn: nothing was sent.")


def expire_due() -> int:
    """End every launch that waited past its expiry (the worker runs it every minute, and a
    click on one does it too). Returns how many ended."""
    ended = 0
    due = ApprovalRequest.objects.filter(outcome=Outcome.WAITING, expires_at__lte=timezone.now())
    for job_id in due.order_by("expires_at").values_list("job_id", flat=True)[:500]:
        with transaction.atomic():
            approval = _locked(Job.objects.get(pk=job_id))
            if approval.waiting and approval.job.state == State.AWAITING_APPROVAL:
                _expired_now(approval)
                ended += 1
    if ended:
        log.info("expired %s launch(es) that waited too long for approval", ended)
    return ended
