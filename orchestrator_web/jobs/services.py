"""Keeping jobs true to PE: refresh from the plan job, stop it, reconcile unknown outcomes.

Every write is a compare-and-set on the state the change was computed from, so a page poll,
a stop and `sync_jobs` (even two of them) can run at the same moment without undoing each
other.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from orchestrator_web.connection import orchestrator, orchestrator_for
from orchestrator_web.explain import explain
from orchestrator_web.jobs.models import TERMINAL_STATES, Job, JobEvent, State
from orchestrator_web.jobs.storable import Cleaner
from orchestrator_web.pe import errors
from orchestrator_web.pe.client import OrchestratorClient
from orchestrator_web.pe.types import PlanJob

log = logging.getLogger(__name__)

# Sent once per job, by whichever write moved it into a terminal state (every such write is a
# compare-and-set, so exactly one wins), inside that write's transaction: kwargs `job` and
# `previous` (the state it left). Notifications listen; a receiver must not fail the write.
job_finished = Signal()

PE_STATES = {"pending": State.PENDING, "running": State.RUNNING, "success": State.SUCCESS, "failure": State.FAILURE}
REFRESHABLE = (State.PENDING, State.RUNNING)


def timeline_entry(state: str, at: datetime | None = None) -> dict[str, str]:
    return {"state": state, "at": (at or timezone.now()).isoformat()}


def search_text(description: str, params: dict[str, Any], userdata: dict[str, Any] | None = None) -> str:
    """What free-text search looks in: the description, the (non-sensitive) parameter values and
    the values of the userdata the person added (a ticket number), never the keys."""
    values: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            values.append(str(value))

    walk(params)
    walk(userdata or {})
    return "\n".join([description, *values]).lower()


def _set_state(job: Job, expected: str, **changes: Any) -> bool:
    """Write `changes` only if the job is still in `expected`; False when someone else won."""
    new_state = changes.get("state", expected)
    if new_state != expected:
        timeline = changes.get("timeline", job.timeline)
        changes["timeline"] = [*timeline, timeline_entry(new_state, changes.get("finished_at"))]
    changes["updated_at"] = timezone.now()
    updated = Job.objects.filter(pk=job.pk, state=expected).update(**changes)
    if updated:
        for key, value in changes.items():
            setattr(job, key, value)
        if new_state in TERMINAL_STATES and expected not in TERMINAL_STATES:
            finished(job, expected)
    return bool(updated)


def change(job: Job, expected: str, **changes: Any) -> bool:
    """Write `changes` to the job (a new state, a timeline note ...) only if it is still in
    `expected`; False when someone else changed it first. The one way other apps write a job."""
    return _set_state(job, expected, **changes)


def finished(job: Job, previous: str) -> None:
    """Tell the listeners (notifications) that `job` just ended, coming from `previous`."""
    for receiver, outcome in job_finished.send_robust(sender=Job, job=job, previous=previous):
        if isinstance(outcome, Exception):
            log.error("job %s: %r failed on its end: %s", job.pk, receiver, outcome, exc_info=outcome)


@dataclass
class Refresh:
    job: Job
    problem: str = ""  # a plain-words reason when PE could not be asked


def refresh(job: Job, client: OrchestratorClient | None = None, *, force: bool = False) -> Refresh:
    """Bring a pending or running job up to date with its PE plan job and events.

    Many people (and their polling pages) may watch one job: PE is asked at most once per
    JOB_REFRESH_SECONDS for it in this process, unless `force`. Between those, `job` (just read
    by the caller) already holds what the last refresh stored.
    """
    if job.state not in REFRESHABLE or not job.pe_job_id:
        return Refresh(job)
    interval = settings.JOB_REFRESH_SECONDS
    if not force and interval and not cache.add(f"job-refresh:{job.pk}", True, timeout=interval):
        return Refresh(job)
    return _pull_safely(job, client or orchestrator())


def _pull_safely(job: Job, client: OrchestratorClient) -> Refresh:
    """_pull, all or nothing: whatever goes wrong storing one job's news leaves the job as it
    was and says so, instead of failing the page (or sync_jobs) every time."""
    try:
        with transaction.atomic():
            return _pull(job, client)
    except DatabaseError:
        log.exception("job %s: could not store what PE sent", job.pk)
        job.refresh_from_db()
        return Refresh(job, "What PE sent for this job could not be stored; the error is in the server log.")


def _pull(job: Job, client: OrchestratorClient) -> Refresh:
    try:
        plan_job = client.get_plan_job(job.pe_job_id)
        page = client.get_events(job.pe_job_id, start=job.events_cursor or None)
    except errors.UnknownJob:
        return Refresh(job, f"PE no longer knows plan job {job.pe_job_id}.")
    except errors.PEError as exc:
        return Refresh(job, explain(exc))
    clean = Cleaner()
    new_events = [
        JobEvent(
            job=job,
            event_id=int(e.id),
            type=clean.text(e.type, f"event {e.id}", max_length=50),
            timestamp=e.timestamp,
            details=clean.json(e.details, f"event {e.id}"),
        )
        for e in page.items
        if e.id.isdecimal() and len(e.id) < 19
    ]
    # The cursor is inclusive: the last event comes again; the unique constraint drops it.
    JobEvent.objects.bulk_create(new_events, ignore_conflicts=True)
    cursor = page.next_start if page.next_start and page.next_start.isdecimal() and len(page.next_start) <= 20 else None
    _apply(job, plan_job, clean, cursor=cursor or job.events_cursor)
    return Refresh(job)


def _apply(job: Job, plan_job: PlanJob, clean: Cleaner, cursor: str | None = None) -> None:
    state = PE_STATES[plan_job.state]
    changes: dict[str, Any] = {"state": state}
    if cursor is not None:
        changes["events_cursor"] = cursor
    steps = _step_states(plan_job.status)
    if steps or job.step_states:
        changes["step_states"] = clean.json(steps, "the plan job's status")
    if plan_job.finished:
        changes["result"] = clean.json(plan_job.result, "the result")
        changes["finished_at"] = plan_job.finished_timestamp or plan_job.timestamp or timezone.now()
    notes = [note for note in clean.notes if not any(step.get("note") == note for step in job.timeline)]
    if notes:
        # Said on the job page, in its timeline, once.
        at = timezone.now().isoformat()
        changes["timeline"] = [*job.timeline, *({"state": job.state, "at": at, "note": note} for note in notes)]
    if all(getattr(job, key) == value for key, value in changes.items()):
        return  # nothing new: no write, so updated_at (a watching page's version) stays
    if not _set_state(job, job.state, **changes):
        job.refresh_from_db()


def _step_states(status: dict[str, Any]) -> dict[str, str]:
    """The plan job's `status` (orchestrator-api.md 4.2) as each job's latest state."""
    steps: dict[str, str] = {}
    for job_id, entries in status.items():
        if isinstance(entries, list) and entries and isinstance(entries[-1], dict):
            state = entries[-1].get("state")
            steps[str(job_id)[:20]] = state[:20] if isinstance(state, str) else ""
    return steps


class StopOutcome:
    STOPPED = "stopped"
    ALREADY_FINISHED = "already finished"
    NOT_STARTED = "not started"
    FAILED = "failed"
    UNKNOWN = "outcome unknown"  # asked, no answer in time: PE may have stopped it


def stop(job: Job, user: User) -> tuple[str, str]:
    """POST /command/stop_plan for the job. Returns (outcome, message for the person)."""
    if not job.pe_job_id:
        if job.state == State.UNKNOWN:
            return StopOutcome.NOT_STARTED, "PE has not confirmed this job started, so it cannot be stopped yet."
        return StopOutcome.NOT_STARTED, "This job never started in PE; there is nothing to stop."
    refresh(job, force=True)
    if job.is_terminal:
        return StopOutcome.ALREADY_FINISHED, f"The job had already finished ({job.get_state_display().lower()})."
    try:
        # The stopper's own token when they stored one, so PE records who stopped it.
        orchestrator_for(user)[0].stop_plan(job.pe_job_id)
    except errors.UnknownJob:
        return StopOutcome.FAILED, f"PE no longer knows plan job {job.pe_job_id}; it cannot be stopped."
    except errors.OutcomeUnknown as exc:
        # The request left; PE may have carried it out. Who asked is recorded either way.
        _stopped_by(job, user)
        message = f"PE did not confirm the stop ({explain(exc)}) It may have been carried out: this page will show."
        return StopOutcome.UNKNOWN, message
    except errors.PEError as exc:
        return StopOutcome.FAILED, f"The stop request failed. {explain(exc)}"
    _stopped_by(job, user)
    refresh(job, force=True)
    return StopOutcome.STOPPED, "Stop requested. PE interrupts the plan; tasks already running finish on their own."


def _stopped_by(job: Job, user: User) -> None:
    job.stopped_by, job.stopped_by_username, job.stopped_at = user, user.get_username(), timezone.now()
    job.save(update_fields=["stopped_by", "stopped_by_username", "stopped_at", "updated_at"])
    log.info("job %s: stop requested by %s", job.pk, user.get_username())


# -- runs of PE's scheduler ----------------------------------------------------------------

_SCHEDULED_RUN = uuid.UUID("6f1e0c2a-3b7d-4e52-9a41-5c0d2f8b7e13")  # namespace of their submission keys


def record_scheduled_run(
    plan_job: PlanJob,
    client: OrchestratorClient,
    *,
    requested_by: User | None,
    requested_by_username: str,
    param_types: dict[str, str] | None = None,
) -> Job | None:
    """Write a job for a PE plan job that a schedule made here started (the schedule's creator as
    requester, `pe_scheduled_job_id` set, the parameters as PE reports them: never a Sensitive
    value), then bring it up to date like any job. None when it is in the history already: its
    submission key comes from the PE job's name and creation time, so two imports at once write
    it once."""
    created = plan_job.created_timestamp or timezone.now()
    key = uuid.uuid5(_SCHEDULED_RUN, f"{plan_job.name}:{created.isoformat()}")
    if Job.objects.filter(submission_key=key).exists():
        return None
    clean = Cleaner()
    params = clean.json(plan_job.parameters, "the parameters")
    params = params if isinstance(params, dict) else {}
    userdata = {k: v for k, v in plan_job.userdata.items() if k != "orchestrator_web"}
    userdata = clean.json(userdata, "the userdata")
    userdata = userdata if isinstance(userdata, dict) else {}
    description = clean.text(plan_job.description, "the description")
    entries = [timeline_entry(State.PENDING, created)]
    if plan_job.scheduled_job_id:
        entries[0]["note"] = f"Started by PE's scheduler (schedule {plan_job.scheduled_job_id})"
    try:
        with transaction.atomic():
            job = Job.objects.create(
                submission_key=key,
                plan_name=clean.text(plan_job.plan_name, "the plan name", max_length=200),
                environment=clean.text(plan_job.environment or "", "the environment", max_length=100),
                params=params,
                sensitive_params=[str(name) for name in plan_job.sensitive][:100],
                description=description,
                userdata=userdata,
                param_types=param_types or {},
                search_text=search_text(description, params, userdata),
                requested_by=requested_by,
                requested_by_username=requested_by_username,
                state=State.PENDING,
                pe_job_id=plan_job.name,
                pe_scheduled_job_id=plan_job.scheduled_job_id,
                created_at=created,
                timeline=entries,
            )
    except IntegrityError:
        return None
    _pull_safely(job, client)
    return job


# -- sync_jobs ----------------------------------------------------------------------------


@dataclass
class SyncReport:
    refreshed: int = 0
    found: int = 0
    not_submitted: int = 0
    problems: list[str] = field(default_factory=list)


def sync() -> SyncReport:
    """Refresh every unfinished job and reconcile the unknown ones (manage.py sync_jobs)."""
    client = orchestrator()
    now = timezone.now()
    report = SyncReport()
    window = timedelta(seconds=settings.UNKNOWN_JOB_WINDOW)

    # A request still "submitting" long after it left died with its process: treat as unknown.
    stale = Job.objects.filter(state=State.SUBMITTING, created_at__lt=now - timedelta(minutes=5))
    for job in stale:
        _set_state(job, State.SUBMITTING, state=State.UNKNOWN, error_message="The request to PE was interrupted.")

    # Each job on its own: one that cannot be refreshed is reported, and the others still are.
    for job_id in (
        Job.objects.filter(state__in=REFRESHABLE).exclude(pe_job_id="").order_by("id").values_list("id", flat=True)
    ):
        try:
            job = Job.objects.get(pk=job_id)
            result = refresh(job, client, force=True)
        except Exception as exc:  # anything at all: log it, count it, go on
            log.exception("sync_jobs: job %s failed", job_id)
            report.problems.append(f"job {job_id}: {exc.__class__.__name__}, see the server log")
            continue
        if result.problem:
            report.problems.append(f"job {job_id}: {result.problem}")
        else:
            report.refreshed += 1

    unknown = {job.pk: job for job in Job.objects.filter(state=State.UNKNOWN).order_by("id")}
    if unknown:
        try:
            matches = _find_in_pe(client, unknown, oldest=min(j.created_at for j in unknown.values()) - window)
        except errors.PEError as exc:
            report.problems.append(f"could not list PE plan jobs: {explain(exc)}")
            return report
        for job_id, job in unknown.items():
            plan_job = matches.get(job_id)
            if plan_job is not None:
                found = {"state": State.PENDING, "pe_job_id": plan_job.name, "error_message": ""}
                if _set_state(job, State.UNKNOWN, **found):
                    pulled = _pull_safely(job, client)
                    if pulled.problem:
                        report.problems.append(f"job {job_id}: {pulled.problem}")
                    report.found += 1
            elif job.created_at < now - window:
                message = "PE has no plan job for this request: the plan did not start."
                finished = {"finished_at": now, "error_message": message}
                if _set_state(job, State.UNKNOWN, state=State.NOT_SUBMITTED, **finished):
                    report.not_submitted += 1
    return report


def _find_in_pe(client: OrchestratorClient, unknown: dict[int, Job], oldest: datetime) -> dict[int, PlanJob]:
    """Walk GET /plan_jobs newest first until older than `oldest`, matching our userdata."""
    found: dict[int, PlanJob] = {}
    page_size, offset = 100, 0
    for _ in range(settings.SYNC_MAX_PAGES):
        page = client.list_plan_jobs(limit=page_size, offset=offset, order_by="timestamp", order="desc")
        for plan_job in page.items:
            ours = plan_job.userdata.get("orchestrator_web")
            local_id = ours.get("job") if isinstance(ours, dict) else None
            if isinstance(local_id, int) and local_id in unknown:
                found[local_id] = plan_job
        created = [p.created_timestamp for p in page.items if p.created_timestamp]
        offset += page_size
        if len(found) == len(unknown) or not page.items or offset >= page.total or (created and min(created) < oldest):
            break
    return found
