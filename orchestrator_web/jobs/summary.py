"""A job read for its page: how far the plan got, what each target did, its events in words,
and the version a watching page polls with. Reads only; services.py writes.

Section numbers refer to orchestrator-api.md.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings

from orchestrator_web.jobs.models import Job, JobEvent, State
from orchestrator_web.times import duration_text, whole_seconds

# Section 4.3: the events that start an ordinary job (task, command, script ...), in words.
STARTS = {
    "task_start": "Task started",
    "command_start": "Command started",
    "script_start": "Script started",
    "upload_start": "File upload started",
    "wait_start": "Waiting for targets to be available",
    "apply_prep_start": "Preparing targets for apply",
    "apply_start": "Apply started",
}
# Section 4.2: job states in the plan job's `status` after which a job does no more.
ENDED = {"finished", "failed", "stopped"}


# -- the version a page polls with ------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """What a page shows of a job, in a few numbers: equal versions, nothing to send again.

    `changed` is the job's updated_at (every write of services.py sets it), `last_event` the
    newest event stored, `problem` a checksum of the "could not refresh" text, and `head` what
    the action buttons and the PE link depend on (finished or not, and the PE job id).
    """

    changed: int
    last_event: int
    problem: int
    head: str

    def __str__(self) -> str:
        return f"{self.changed}.{self.last_event}.{self.problem}.{self.head}"

    @classmethod
    def parse(cls, text: str) -> Version | None:
        parts = text.split(".", 3)
        if len(text) > 100 or len(parts) != 4 or not all(part.isdecimal() for part in parts[:3]):
            return None
        return cls(int(parts[0]), int(parts[1]), int(parts[2]), parts[3])


def version(job: Job, last_event: int, problem: str) -> Version:
    changed = round(job.updated_at.timestamp() * 1_000_000)
    checksum = zlib.crc32(problem.encode()) if problem else 0
    return Version(changed, last_event, checksum, ("t" if job.is_terminal else "r") + job.pe_job_id)


@dataclass
class Page:
    """What the job page shows, or for a watching page what changed since the version it shows."""

    job: Job
    version: Version
    refresh_problem: str
    events: list[JobEvent]  # all of them, or the new ones when `appending`
    appending: bool
    head: bool  # the buttons and the PE link changed (or the whole page is drawn)
    progress: Progress
    failure: str
    targets: list[TargetResult] | None
    targets_ok: int
    targets_failed: int
    elapsed: float | None  # seconds, for the ticking clock
    elapsed_seconds: int | None
    console_url: str


def page(job: Job, problem: str, seen: Version | None) -> Page | None:
    """The page of `job`; for a page that shows version `seen`, what changed, or None if nothing."""
    # Ordered by event_id alone: the model's ordering starts with the job, which would join it.
    events = job.events.order_by("event_id")
    if seen is None:
        shown = list(events)
        last_event = shown[-1].event_id if shown else 0
    else:
        last_event = events.values_list("event_id", flat=True).last() or 0
    current = version(job, last_event, problem)
    if seen == current:
        return None
    appending = seen is not None and seen.last_event > 0
    if seen is not None:
        shown = list(events.filter(event_id__gt=seen.last_event) if appending else events)
    starts = events.filter(type__in=STARTS) if appending else shown
    targets = target_results(job.result) if job.is_terminal else None
    duration = job.duration
    return Page(
        job=job,
        version=current,
        refresh_problem=problem,
        events=shown,
        appending=appending,
        head=seen is None or seen.head != current.head,
        progress=progress(job, starts),
        failure=failure_message(job),
        targets=targets,
        targets_ok=sum(1 for target in targets or [] if target.ok),
        targets_failed=sum(1 for target in targets or [] if not target.ok),
        elapsed=duration.total_seconds() if duration else None,
        elapsed_seconds=whole_seconds(duration),
        console_url=console_url(job),
    )


def console_url(job: Job) -> str:
    """The plan job's page in the PE console (PE_CONSOLE_URL); "" when there is none."""
    if not settings.PE_CONSOLE_URL or not job.pe_job_id:
        return ""
    return f"{settings.PE_CONSOLE_URL}/#/orchestration/plans/plan/{quote(job.pe_job_id, safe='')}"


# -- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    started: int = 0
    ended: int = 0
    failed: int = 0

    @property
    def running(self) -> int:
        return self.started - self.ended


def progress(job: Job, events: Iterable[JobEvent]) -> Progress:
    """The steps (jobs) the plan started and how many have ended, from its *_start events and
    the plan job's `status` (section 4.2), which names every job the plan launched and its
    state. A step PE gave no state for has ended once the plan has."""
    states: dict[str, str] = dict(job.step_states or {})
    unnamed = 0
    for event in events:
        if event.type not in STARTS:
            continue
        job_id = event.details.get("job-id") if isinstance(event.details, dict) else None
        if isinstance(job_id, (str, int)) and not isinstance(job_id, bool) and str(job_id):
            states.setdefault(str(job_id), "")
        else:
            unnamed += 1
    finished = job.is_terminal
    ended = sum(1 for state in states.values() if state in ENDED or (not state and finished))
    failed = sum(1 for state in states.values() if state in ("failed", "stopped"))
    return Progress(started=len(states) + unnamed, ended=ended + (unnamed if finished else 0), failed=failed)


# -- the result, per target -------------------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    target: str
    ok: bool
    error: str  # a failed target's error message
    output: str  # what it returned, as text ("" for nothing)


def target_results(result: Any) -> list[TargetResult] | None:
    """The result per target when the plan's result has that shape: a ResultSet as Bolt
    serialises it, a list of {target, status, value} (older Bolt: node, result), or a
    bolt/run-failure error that carries one in details.result_set. None for any other shape."""
    if isinstance(result, dict) and result.get("kind") == "bolt/run-failure":
        details = result.get("details")
        result = details.get("result_set") if isinstance(details, dict) else None
    if not isinstance(result, list) or not result:
        return None
    read = [_target_result(item) for item in result]
    return None if any(item is None for item in read) else [item for item in read if item is not None]


def _target_result(item: Any) -> TargetResult | None:
    if not isinstance(item, dict):
        return None
    target, status = item.get("target", item.get("node")), item.get("status")
    if not isinstance(target, str) or status not in ("success", "failure"):
        return None
    value = item.get("value", item.get("result"))
    error = ""
    if isinstance(value, dict) and "_error" in value:
        problem = value["_error"]
        message = problem.get("msg") if isinstance(problem, dict) else problem
        error = str(message) if message is not None else "failed"
        value = {key: part for key, part in value.items() if key != "_error"} or None
    if status == "failure" and not error:
        error = "failed"
    return TargetResult(target, status == "success", error, _as_text(value))


def _as_text(value: Any) -> str:
    """A target's output as a person reads it: a task's or command's text as it is, anything
    else as JSON."""
    if value is None or value == {}:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"_output"} and isinstance(value["_output"], str):
        return value["_output"]
    if (
        isinstance(value, dict)
        and isinstance(value.get("stdout"), str)
        and set(value) <= {"stdout", "stderr", "exit_code", "merged_output"}
    ):
        return "\n".join(part for part in (value["stdout"], value.get("stderr") or "") if part).rstrip("\n")
    return json.dumps(value, indent=2, ensure_ascii=False)


def failure_message(job: Job) -> str:
    """What PE said went wrong with a failed plan (its result's `msg`, section 4.2)."""
    if job.state != State.FAILURE or not isinstance(job.result, dict):
        return ""
    message = job.result.get("msg")
    return message if isinstance(message, str) else ""


# -- events in words --------------------------------------------------------------------------


def sentence(event_type: str, details: Any) -> str:
    """An event (section 4.3) as a person would say it: "Task started (job 12)", "Plan finished"."""
    details = details if isinstance(details, dict) else {}
    if event_type in STARTS:
        job_id = details.get("job-id")
        return STARTS[event_type] + (f" (job {job_id})" if job_id not in (None, "") else "")
    if event_type == "out_message":
        return str(details.get("message", ""))
    if event_type in ("plan_start", "plan_end"):
        plan = details.get("plan") or "a sub-plan"
        if event_type == "plan_start":
            return f"Sub-plan {plan} started"
        seconds = details.get("duration")
        took = (
            f" (took {duration_text(timedelta(seconds=seconds))})"
            if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and 0 <= seconds < 10**9
            else ""
        )
        return f"Sub-plan {plan} finished{took}"
    if event_type == "plan_finished":
        return "Plan finished"
    if event_type == "plan_failed":
        result = details.get("result")
        message = result.get("msg") if isinstance(result, dict) else None
        return f"Plan failed: {message}" if isinstance(message, str) and message else "Plan failed"
    return f"Event {event_type}"
