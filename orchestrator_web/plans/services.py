"""Launching a plan: the Job row first, then POST /command/plan_run, then its outcome."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.connection import orchestrator_for
from orchestrator_web.explain import explain
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.jobs.services import search_text, timeline_entry
from orchestrator_web.pe import errors
from orchestrator_web.pe.puppet_types import JSONProblem, check_json_value
from orchestrator_web.plans.forms import Launch

log = logging.getLogger(__name__)


def preview_body(launch: Launch, username: str, job_id: int | str = "(given when you run it)") -> dict[str, Any]:
    """The plan_run body as it will be sent, with Sensitive values masked."""
    body: dict[str, Any] = {
        "plan_name": launch.plan_name,
        "params": {k: ("********" if k in launch.sensitive else v) for k, v in launch.params.items()},
        "environment": launch.environment,
    }
    if launch.description:
        body["description"] = launch.description
    if launch.timeout is not None:
        body["timeout"] = launch.timeout
    body["userdata"] = {**launch.userdata, "orchestrator_web": {"job": job_id, "requested_by": username}}
    return body


def submit(
    user: User, launch: Launch, submission_key: uuid.UUID, request: HttpRequest | None = None
) -> tuple[Job, bool]:
    """Record the attempt, send it, record what happened. Returns (job, sent).

    The same `submission_key` twice (a double click, a re-posted review) returns the job of
    the first one and sends nothing.
    """
    username = user.get_username()
    non_sensitive = {k: v for k, v in launch.params.items() if k not in launch.sensitive}
    fields: dict[str, Any] = {
        "submission_key": submission_key,
        "plan_name": launch.plan_name,
        "environment": launch.environment,
        "params": non_sensitive,
        "sensitive_params": list(launch.sensitive),
        "description": launch.description,
        "timeout": launch.timeout,
        "userdata": launch.userdata,
        "param_types": launch.param_types,
        "search_text": search_text(launch.description, non_sensitive, launch.userdata),
        "requested_by": user,
        "requested_by_username": username,
        "state": State.SUBMITTING,
        "timeline": [timeline_entry(State.SUBMITTING)],
    }
    problem = _unsendable(launch)
    if problem:
        # Nothing goes to PE, but the attempt is still a job, with what could be kept and why.
        fields |= {"params": {}, "search_text": search_text(launch.description, {}), "userdata": {}}
        fields |= {"state": State.NOT_SUBMITTED, "error_message": problem, "finished_at": timezone.now()}
        fields["timeline"] = [timeline_entry(State.NOT_SUBMITTED)]
    # The job row and its audit entry are committed together before anything is sent: a worker
    # that dies while sending still leaves both. A duplicate key means this was sent already.
    try:
        with transaction.atomic():
            job = Job.objects.create(**fields)
            record(
                Action.LAUNCH_REQUESTED if not problem else Action.LAUNCH,
                f"job {job.pk}",
                actor=user,
                request=request,
                plan=job.plan_name,
                environment=job.environment,
                state=job.state,
            )
    except IntegrityError:
        return Job.objects.get(submission_key=submission_key, requested_by=user), False
    if problem:
        return job, True

    userdata = {**launch.userdata, "orchestrator_web": {"job": job.pk, "requested_by": username}}
    personal = False
    try:
        client, personal = orchestrator_for(user)
        job.pe_job_id = client.run_plan(
            launch.plan_name,
            launch.params,
            environment=launch.environment,
            description=launch.description or None,
            timeout=launch.timeout,
            userdata=userdata,
        )
        job.state = State.PENDING
    except (errors.Unreachable, errors.NotConfigured) as exc:
        job.state, job.error_message = State.NOT_SUBMITTED, explain(exc)
    except errors.AuthenticationError as exc:
        message = explain(exc)
        if personal:
            message = f"{message.replace('the token', 'your personal PE token')} Renew it on your profile page."
        job.state, job.error_kind, job.error_message = State.REJECTED, exc.kind, message
    except errors.APIError as exc:
        job.state, job.error_kind, job.error_message = State.REJECTED, exc.kind, explain(exc)
    except errors.UnexpectedResponse as exc:
        # A 4xx without PE's error body: refused, but we cannot say why.
        job.state, job.error_message = State.REJECTED, explain(exc)
    except errors.OutcomeUnknown as exc:
        job.state = State.UNKNOWN
        job.error_message = f"{explain(exc)} The plan may have started; this job will be reconciled with PE."
    except Exception:
        # A fault of ours after the request may have left: the plan may have started. The job
        # says so and sync_jobs reconciles it; the person sees the job, not an error page.
        log.exception("job %s: unexpected error while sending", job.pk)
        job.state = State.UNKNOWN
        job.error_message = "An internal error happened while sending; the plan may have started."
    if job.state in (State.NOT_SUBMITTED, State.REJECTED):
        job.finished_at = timezone.now()
    job.timeline = [*job.timeline, timeline_entry(job.state)]
    job.personal_token = personal
    outcome = ["pe_job_id", "state", "error_kind", "error_message", "finished_at", "timeline", "personal_token"]
    with transaction.atomic():  # one commit for the outcome and its audit entry
        job.save(update_fields=[*outcome, "updated_at"])
        record(
            Action.LAUNCH,
            f"job {job.pk}",
            actor=user,
            request=request,
            plan=job.plan_name,
            environment=job.environment,
            state=job.state,
            pe_job=job.pe_job_id,
            personal_token=personal,
        )
    log.info(
        "job %s: %s in %s by %s -> %s %s", job.pk, job.plan_name, job.environment, username, job.state, job.pe_job_id
    )
    return job, True


def _unsendable(launch: Launch) -> str:
    """Why this launch cannot be sent or stored at all ("" when it can). The form refuses
    such values first; this guards every other way in."""
    try:
        check_json_value({"params": launch.params, "userdata": launch.userdata})
        json.dumps(launch.params, allow_nan=False)
    except (JSONProblem, ValueError, TypeError) as exc:
        return f"Not sent: a value cannot be carried to PE ({exc})"
    return ""
