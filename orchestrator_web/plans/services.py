"""Launching a plan: the Job row first (record), then POST /command/plan_run and its outcome
(send). A launch that must be approved first is recorded waiting, and sent by the approval that
completes its count (approvals.services), through the same send()."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from orchestrator_web.approvals.opening import open_request
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record as record_entry
from orchestrator_web.connection import orchestrator_for
from orchestrator_web.explain import explain
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.jobs.services import change, search_text, timeline_entry
from orchestrator_web.pe import errors
from orchestrator_web.pe.puppet_types import JSONProblem, check_json_value
from orchestrator_web.plans.forms import Launch
from orchestrator_web.rbac import access

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
    """Record the attempt, send it (unless it must be approved first), record what happened.
    Returns (job, created).

    The same `submission_key` twice (a double click, a re-posted review) returns the job of
    the first one and sends nothing.
    """
    rule = access.approval_rule(user, launch.plan_name, launch.environment)
    job, created = record(user, launch, submission_key, rule, request)
    if created and job.state == State.SUBMITTING:
        send(job, launch, user, request)
    return job, created


def record(
    user: User,
    launch: Launch,
    submission_key: uuid.UUID,
    rule: access.ApprovalRule | None = None,
    request: HttpRequest | None = None,
) -> tuple[Job, bool]:
    """Write the job and its audit entry, in one transaction, before anything is sent: a worker
    that dies while sending still leaves both. With an approval `rule` the job waits for its
    approvals (awaiting_approval) and keeps its Sensitive values sealed until then; otherwise
    it is `submitting`, for send(). Returns (job, created); a duplicate key means the launch was
    recorded already, and that job is returned."""
    username = user.get_username()
    non_sensitive = {k: v for k, v in launch.params.items() if k not in launch.sensitive}
    state = State.AWAITING_APPROVAL if rule is not None else State.SUBMITTING
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
        "state": state,
        "timeline": [timeline_entry(state)],
    }
    if launch.schedule is not None:
        # A request to schedule the plan (it waits for approval): PE's scheduler gets it once approved.
        fields["schedule_request"] = launch.schedule
    problem = _unsendable(launch)
    if problem:
        # Nothing goes to PE, but the attempt is still a job, with what could be kept and why.
        fields |= {"params": {}, "search_text": search_text(launch.description, {}), "userdata": {}}
        fields |= {"state": State.NOT_SUBMITTED, "error_message": problem, "finished_at": timezone.now()}
        fields["timeline"] = [timeline_entry(State.NOT_SUBMITTED)]
    try:
        with transaction.atomic():
            job = Job.objects.create(**fields)
            details: dict[str, Any] = {"plan": job.plan_name, "environment": job.environment, "state": job.state}
            if launch.schedule is not None:
                details["schedule"] = launch.schedule
            if job.state == State.AWAITING_APPROVAL and rule is not None:
                secrets = {name: launch.params[name] for name in launch.sensitive if name in launch.params}
                approval = open_request(job, rule, secrets)
                details |= {"approval_by": approval.approver_group_name, "approvals_needed": approval.required}
            action = Action.LAUNCH if problem else Action.LAUNCH_REQUESTED
            record_entry(action, f"job {job.pk}", actor=user, request=request, **details)
    except IntegrityError:
        return Job.objects.get(submission_key=submission_key, requested_by=user), False
    return job, True


def send(
    job: Job,
    launch: Launch,
    user: User,
    request: HttpRequest | None = None,
    *,
    approved_by: list[str] | None = None,
) -> Job:
    """POST /command/plan_run for a `submitting` job, as `user` (the requester: their personal
    token when they stored one), and record the outcome and its audit entry. An approved launch
    carries its approvers in userdata.orchestrator_web.approved_by."""
    username = user.get_username()
    ours: dict[str, Any] = {"job": job.pk, "requested_by": username}
    if approved_by:
        ours["approved_by"] = approved_by
    userdata = {**launch.userdata, "orchestrator_web": ours}
    personal = False
    changes: dict[str, Any] = {}
    try:
        client, personal = orchestrator_for(user)
        changes["pe_job_id"] = client.run_plan(
            launch.plan_name,
            launch.params,
            environment=launch.environment,
            description=launch.description or None,
            timeout=launch.timeout,
            userdata=userdata,
        )
        changes["state"] = State.PENDING
    except (errors.Unreachable, errors.NotConfigured) as exc:
        changes |= {"state": State.NOT_SUBMITTED, "error_message": explain(exc)}
    except errors.AuthenticationError as exc:
        message = explain(exc)
        if personal:
            message = f"{message.replace('the token', 'your personal PE token')} Renew it on your profile page."
        changes |= {"state": State.REJECTED, "error_kind": exc.kind, "error_message": message}
    except errors.APIError as exc:
        changes |= {"state": State.REJECTED, "error_kind": exc.kind, "error_message": explain(exc)}
    except errors.UnexpectedResponse as exc:
        # A 4xx without PE's error body: refused, but we cannot say why.
        changes |= {"state": State.REJECTED, "error_message": explain(exc)}
    except errors.OutcomeUnknown as exc:
        message = f"{explain(exc)} The plan may have started; this job will be reconciled with PE."
        changes |= {"state": State.UNKNOWN, "error_message": message}
    except Exception:
        # A fault of ours after the request may have left: the plan may have started. The job
        # says so and sync_jobs reconciles it; the person sees the job, not an error page.
        log.exception("job %s: unexpected error while sending", job.pk)
        message = "An internal error happened while sending; the plan may have started."
        changes |= {"state": State.UNKNOWN, "error_message": message}
    if changes["state"] in (State.NOT_SUBMITTED, State.REJECTED):
        changes["finished_at"] = timezone.now()
    changes["personal_token"] = personal
    with transaction.atomic():  # one commit for the outcome and its audit entry
        if not change(job, State.SUBMITTING, **changes):
            # sync_jobs took it for a request that died (unknown): what PE said still counts.
            job.refresh_from_db()
            change(job, job.state, **changes)
        details: dict[str, Any] = {"approved_by": approved_by} if approved_by else {}
        record_entry(
            Action.LAUNCH,
            f"job {job.pk}",
            actor=user,
            request=request,
            plan=job.plan_name,
            environment=job.environment,
            state=job.state,
            pe_job=job.pe_job_id,
            personal_token=personal,
            **details,
        )
    log.info(
        "job %s: %s in %s by %s -> %s %s", job.pk, job.plan_name, job.environment, username, job.state, job.pe_job_id
    )
    return job


def _unsendable(launch: Launch) -> str:
    """Why this launch cannot be sent or stored at all ("" when it can). The form refuses
    such values first; this guards every other way in."""
    try:
        check_json_value({"params": launch.params, "userdata": launch.userdata})
        json.dumps(launch.params, allow_nan=False)
    except (JSONProblem, ValueError, TypeError) as exc:
        return f"Not sent: a value cannot be carried to PE ({exc})"
    return ""
