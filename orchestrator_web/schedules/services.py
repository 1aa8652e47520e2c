"""Schedules in PE's scheduler (orchestrator-api.md section 2.3): making one from a reviewed
launch, changing and removing (disabling) one, and bringing the plan jobs they start into the
history.

PE holds every schedule, Sensitive values included, and runs it whether or not this app is up.
The app keeps a Schedule row for the ones it made (who, for permissions and the history) and
never a Sensitive value: a change of values takes them from PE's own copy, in memory only.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.connection import orchestrator_for
from orchestrator_web.explain import explain
from orchestrator_web.jobs import services as jobs
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.jobs.services import record_scheduled_run
from orchestrator_web.pe import errors
from orchestrator_web.pe.client import OrchestratorClient
from orchestrator_web.pe.types import Schedule as Timing
from orchestrator_web.pe.types import ScheduledJob
from orchestrator_web.plans.forms import Launch
from orchestrator_web.schedules.models import Schedule, Status

log = logging.getLogger(__name__)

OURS = "orchestrator_web"  # the userdata key the app fills in


class NotDone(Exception):
    """PE did not take it (or could not be asked): nothing changed. `field` names the form field
    the message belongs next to, when there is one."""

    def __init__(self, message: str, field: str | None = None, *, refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.refused = refused  # PE answered no (rather than: PE could not be asked)


def _field_for(exc: errors.APIError) -> str | None:
    """The form field a refusal of PE's is about."""
    if isinstance(exc, errors.InvalidTime):
        return "start_at"
    if isinstance(exc, errors.UnknownEnvironment):
        return "environment"
    named = exc.details.get("field")
    if isinstance(named, str):
        if named.startswith("schedule.interval"):
            return "repeat_every"
        if named.startswith("schedule"):
            return "start_at"
        if named == "environment":
            return "environment"
    return None


def _refused(exc: errors.PEError, personal: bool, nothing: str) -> NotDone:
    """A PE failure as words for the person, `nothing` saying what did not happen."""
    message = explain(exc)
    if isinstance(exc, errors.AuthenticationError) and personal:
        message = f"{message.replace('the token', 'your personal PE token')} Renew it on your profile page."
    if isinstance(exc, errors.DisabledScheduledJob):
        message = f"PE refused: this schedule was removed (disabled), and PE allows no change to it ({exc.msg})."
    refused = isinstance(exc, (errors.APIError, errors.UnexpectedResponse))
    field = _field_for(exc) if isinstance(exc, errors.APIError) else None
    return NotDone(f"{nothing} {message}", field, refused=refused)


def preview_body(launch: Launch, username: str) -> dict[str, Any]:
    """The POST /scheduled_jobs/environment_jobs body as it will be sent, Sensitive values masked."""
    assert launch.schedule is not None
    params = {k: ("********" if k in launch.sensitive else v) for k, v in launch.params.items()}
    interval = launch.schedule.get("interval_seconds")
    return {
        "type": "plan",
        "input": {"name": launch.plan_name, "parameters": {k: {"value": v} for k, v in params.items()}},
        "environment": launch.environment,
        "schedule": {
            "start_time": launch.schedule["start_time"],
            "interval": None if interval is None else {"units": "seconds", "value": interval},
        },
        "description": launch.description,
        "userdata": {**launch.userdata, OURS: {"schedule": "(given when you schedule it)", "requested_by": username}},
    }


@dataclass
class Created:
    schedule: Schedule
    created: bool  # False: this review was scheduled already (a double click): nothing sent again
    confirmed: bool  # False: PE did not answer; it may hold the schedule


def create(
    user: User,
    launch: Launch,
    key: uuid.UUID,
    request: HttpRequest | None = None,
    *,
    approved_by: list[str] | None = None,
) -> Created:
    """Send a reviewed launch with `launch.schedule` to PE's scheduler, as `user` (their personal
    token when they stored one), and keep its row and audit entry. An approved schedule carries
    its approvers in userdata.orchestrator_web.approved_by.

    Raises NotDone, with nothing kept, when PE could not be reached or refused it. When PE took
    the request without answering, the row is kept as `unknown` and matched later by `key`
    (in the schedule's userdata).
    """
    existing = Schedule.objects.filter(key=key, created_by=user).first()
    if existing is not None:
        return Created(existing, False, existing.status != Status.UNKNOWN)
    assert launch.schedule is not None
    start = datetime.fromisoformat(launch.schedule["start_time"])
    interval = launch.schedule.get("interval_seconds")
    username = user.get_username()
    ours: dict[str, Any] = {"schedule": str(key), "requested_by": username}
    if approved_by:
        ours["approved_by"] = approved_by
    userdata = {**launch.userdata, OURS: ours}
    personal = False
    name: str | None = None
    status = Status.SCHEDULED
    try:
        client, personal = orchestrator_for(user)
        name = client.schedule_plan(
            launch.plan_name,
            launch.params,
            Timing(start, interval),
            environment=launch.environment,
            description=launch.description,
            userdata=userdata,
        )
    except errors.OutcomeUnknown as exc:
        log.warning("schedule %s of %s by %s: %s", key, launch.plan_name, username, exc)
        status = Status.UNKNOWN
    except errors.PEError as exc:
        raise _refused(exc, personal, "Nothing was scheduled.") from exc
    non_sensitive = {k: v for k, v in launch.params.items() if k not in launch.sensitive}
    with transaction.atomic():
        if name is not None:
            release(name)
        schedule = Schedule.objects.create(
            key=key,
            pe_scheduled_job_id=name,
            plan_name=launch.plan_name,
            environment=launch.environment,
            params=non_sensitive,
            sensitive_params=list(launch.sensitive),
            param_types=launch.param_types,
            description=launch.description,
            userdata=launch.userdata,
            start_time=start,
            interval_seconds=interval,
            time_zone=str(launch.schedule.get("time_zone", ""))[:64],
            created_by=user,
            created_by_username=username,
            personal_token=personal,
            status=status,
        )
        record(
            Action.SCHEDULE_CREATED,
            f"schedule {name or '(not confirmed)'}",
            actor=user,
            request=request,
            plan=launch.plan_name,
            environment=launch.environment,
            start_time=start.isoformat(),
            interval_seconds=interval,
            pe_scheduled_job=name,
            confirmed=status == Status.SCHEDULED,
            approved_by=approved_by or [],
        )
    return Created(schedule, True, status == Status.SCHEDULED)


def schedule_approved(job: Job, launch: Launch, requester: User, approved_by: list[str]) -> Job:
    """A request to schedule whose approval count was just reached (its job is `submitting`):
    hand it to PE's scheduler as its requester (create). The request's job then ends
    `scheduled`, naming the schedule, or `not_submitted` / `rejected` with the reason; the
    schedule's runs come into the history as jobs of their own."""
    now = timezone.now()
    try:
        made = create(requester, launch, job.submission_key, approved_by=approved_by)
    except NotDone as exc:
        state = State.REJECTED if exc.refused else State.NOT_SUBMITTED
        with transaction.atomic():  # the outcome and its audit entry in one commit, as for a launch
            jobs.change(job, State.SUBMITTING, state=state, error_message=exc.message, finished_at=now)
            record(
                Action.LAUNCH,
                f"job {job.pk}",
                actor=requester,
                plan=job.plan_name,
                environment=job.environment,
                state=state,
                schedule=True,
                message=exc.message,
                approved_by=approved_by,
            )
        return job
    name = made.schedule.pe_scheduled_job_id
    note = (
        f"Handed to PE's scheduler as schedule {name}"
        if made.confirmed
        else "PE did not answer in time: it may hold the schedule (see the schedules page)"
    )
    timeline = [*job.timeline, {"state": job.state, "at": now.isoformat(), "note": note}]
    jobs.change(job, State.SUBMITTING, state=State.SCHEDULED, finished_at=now, timeline=timeline, error_message="")
    return job


def secret_values(pe_job: ScheduledJob, secret_names: list[str]) -> dict[str, Any]:
    """The Sensitive values PE keeps for a schedule, from its own copy: only ever in memory,
    to send a whole `input` back (PUT replaces it whole)."""
    return {name: value for name, value in pe_job.parameters.items() if name in secret_names}


def change(
    user: User,
    pe_job: ScheduledJob,
    local: Schedule | None,
    *,
    timing: tuple[datetime, int | None],
    params: dict[str, Any] | None,
    secret_names: list[str],
    request: HttpRequest | None = None,
) -> None:
    """PUT a new time and interval (the whole `schedule`) and, when `params` is given, new
    values (the whole `input`: the Sensitive ones taken from PE's copy) for a schedule the
    caller checked `user` may manage. Raises NotDone when PE refused or could not be asked."""
    kwargs: dict[str, Any] = {"schedule": Timing(*timing)}
    if params is not None:
        kwargs["plan"] = (pe_job.plan_name, {**secret_values(pe_job, secret_names), **params})
    personal = False
    try:
        client, personal = orchestrator_for(user)
        client.change_scheduled_job(pe_job.name, **kwargs)
    except errors.PEError as exc:
        raise _refused(exc, personal, "Nothing was changed.") from exc
    start, interval = timing
    with transaction.atomic():
        if local is not None:
            local.start_time, local.interval_seconds = start, interval
            local.time_zone = str(getattr(timezone.get_current_timezone(), "key", ""))[:64]
            if params is not None:
                local.params = {k: v for k, v in params.items() if k not in secret_names}
            local.save()
        details: dict[str, Any] = {"start_time": start.isoformat(), "interval_seconds": interval}
        if params is not None:
            details["values_changed"] = sorted(k for k in params if pe_job.parameters.get(k) != params[k])
        record(
            Action.SCHEDULE_CHANGED,
            f"schedule {pe_job.name}",
            actor=user,
            request=request,
            plan=pe_job.plan_name,
            environment=pe_job.environment,
            **details,
        )


def remove(user: User, pe_job: ScheduledJob, local: Schedule | None, request: HttpRequest | None = None) -> None:
    """Disable the schedule in PE (its only removal: PE keeps it, disabled, and refuses any later
    change), for a schedule the caller checked `user` may manage. Raises NotDone."""
    personal = False
    try:
        client, personal = orchestrator_for(user)
        client.disable_scheduled_job(pe_job.name)
    except errors.PEError as exc:
        raise _refused(exc, personal, "Nothing was removed.") from exc
    with transaction.atomic():
        if local is not None:
            local.status, local.removed_at, local.removed_by_username = Status.REMOVED, timezone.now(), user.username
            local.save(update_fields=["status", "removed_at", "removed_by_username"])
        record(
            Action.SCHEDULE_REMOVED,
            f"schedule {pe_job.name}",
            actor=user,
            request=request,
            plan=pe_job.plan_name,
            environment=pe_job.environment,
        )


def key_in(userdata: dict[str, Any]) -> str | None:
    """The schedule key this app put in a userdata (`orchestrator_web.schedule`), if any."""
    ours = userdata.get(OURS)
    key = ours.get("schedule") if isinstance(ours, dict) else None
    return key if isinstance(key, str) else None


def is_ours(item: ScheduledJob, local: Schedule) -> bool:
    """Is PE's scheduled job `item` the schedule `local` this app made? Only when it carries
    local's key: PE's ids alone start again after a restore or rebuild, or on another PE, and
    would make a schedule made in PE directly look like one made here."""
    return item.name == local.pe_scheduled_job_id and key_in(item.userdata) == str(local.key)


def release(pe_id: str) -> None:
    """PE just gave `pe_id` to a new schedule: a row here still holding it is from before PE's
    ids started again (a restore, a rebuild): its schedule is gone from PE. It lets the id go,
    kept as removed, so that the new schedule can be recorded."""
    for stale in Schedule.objects.select_for_update().filter(pe_scheduled_job_id=pe_id):
        log.warning("schedule %s: PE gave its id to a new schedule; the old row (key %s) lets it go", pe_id, stale.key)
        stale.pe_scheduled_job_id, stale.status = None, Status.REMOVED
        stale.removed_at = stale.removed_at or timezone.now()
        stale.save(update_fields=["pe_scheduled_job_id", "status", "removed_at"])


def adopt(items: list[ScheduledJob]) -> None:
    """Schedules PE took without answering (`unknown`) get their PE id once PE lists them, by
    the key in their userdata."""
    waiting = {str(s.key): s for s in Schedule.objects.filter(status=Status.UNKNOWN, pe_scheduled_job_id=None)}
    if not waiting:
        return
    for item in items:
        key = key_in(item.userdata)
        schedule = waiting.get(key) if key is not None else None
        if schedule is not None:
            with transaction.atomic():
                release(item.name)  # PE's schedule carries this row's key: an older holder of the id is stale
                schedule.pe_scheduled_job_id, schedule.status = item.name, Status.SCHEDULED
                schedule.save(update_fields=["pe_scheduled_job_id", "status"])


# -- the runs, into the history ---------------------------------------------------------------


def _all_plan_schedules(client: OrchestratorClient, page_size: int = 500, max_pages: int = 10) -> list[ScheduledJob]:
    items: list[ScheduledJob] = []
    for number in range(max_pages):
        page = client.list_scheduled_jobs(type="plan", limit=page_size, offset=number * page_size)
        items.extend(page.items)
        if len(page.items) < page_size or len(items) >= page.total:
            break
    return items


@dataclass
class ImportReport:
    imported: int = 0
    problems: list[str] = field(default_factory=list)


def import_runs(client: OrchestratorClient) -> ImportReport:
    """Bring into the history every PE plan job started by a schedule made here, as a job
    requested by the schedule's creator and marked with its schedule (sync_jobs and the worker
    run it). Walks GET /plan_jobs newest first, back to the oldest such schedule; a run already
    in the history is skipped, so it can run any number of times, at once too."""
    report = ImportReport()
    if not Schedule.objects.exists():
        return report
    try:
        pe_items = _all_plan_schedules(client)
    except errors.PEError as exc:
        report.problems.append(f"could not list PE's schedules: {explain(exc)}")
        pe_items = []
    adopt(pe_items)
    ours = {
        s.pe_scheduled_job_id: s
        for s in Schedule.objects.exclude(pe_scheduled_job_id=None).select_related("created_by")
        if s.pe_scheduled_job_id
    }
    if not ours:
        return report
    # The PE schedules that still carry the key of the row holding their id: a run that carries
    # no key of its own is imported only for those.
    confirmed = {item.name for item in pe_items if item.name in ours and is_ours(item, ours[item.name])}
    oldest = min(s.created_at for s in ours.values())
    page_size, offset = 100, 0
    try:
        for _ in range(settings.SYNC_MAX_PAGES):
            page = client.list_plan_jobs(
                limit=page_size, offset=offset, order_by="timestamp", order="desc", results="exclude"
            )
            for plan_job in page.items:
                schedule = ours.get(plan_job.scheduled_job_id or "")
                if schedule is None:
                    continue
                run_key = key_in(plan_job.userdata)
                if (run_key is None and plan_job.scheduled_job_id not in confirmed) or (
                    run_key is not None and run_key != str(schedule.key)
                ):
                    continue  # started by a PE schedule that merely reuses the id: not ours
                try:
                    job = record_scheduled_run(
                        plan_job,
                        client,
                        requested_by=schedule.created_by,
                        requested_by_username=schedule.created_by_username,
                        param_types=schedule.param_types,
                    )
                except Exception as exc:  # one run that cannot be stored must not stop the others
                    log.exception("scheduled run %s could not be imported", plan_job.name)
                    report.problems.append(f"PE plan job {plan_job.name}: {exc.__class__.__name__}, see the log")
                    continue
                if job is not None:
                    report.imported += 1
            created = [p.created_timestamp for p in page.items if p.created_timestamp]
            offset += page_size
            if not page.items or offset >= page.total or (created and min(created) < oldest):
                break
    except errors.PEError as exc:
        report.problems.append(f"could not list PE plan jobs: {explain(exc)}")
    return report
