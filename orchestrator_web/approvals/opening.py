"""Opening an approval request when a launch needs one (called by plans.services.record, in the
transaction that writes the job)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from orchestrator_web.approvals.models import ApprovalRequest
from orchestrator_web.approvals.secrets import seal
from orchestrator_web.jobs.models import Job
from orchestrator_web.notifications.services import Message, notify
from orchestrator_web.rbac import access
from orchestrator_web.rbac.access import ApprovalRule


def expiry(job: Job) -> datetime:
    """Until when a launch may wait: APPROVAL_MAX_AGE, and a request to schedule no later than
    its first run (PE refuses a start time in the past)."""
    until = job.created_at + timedelta(seconds=settings.APPROVAL_MAX_AGE)
    if job.schedule_request:
        until = min(until, datetime.fromisoformat(job.schedule_request["start_time"]))
    return until


def open_request(job: Job, rule: ApprovalRule, secrets: dict[str, Any]) -> ApprovalRequest:
    """Keep what the waiting launch needs (its Sensitive values sealed) and tell the approvers."""
    approval = ApprovalRequest.objects.create(
        job=job,
        approver_group_id=rule.group_id,
        approver_group_name=rule.group_name or "(a deleted group)",
        required=rule.count,
        rule=rule.grant[:500],
        expires_at=expiry(job),
        sealed_secrets=seal(secrets),
    )
    notify(
        Message.WAITING,
        job,
        people=access.approvers_of(rule.group_id, job.requested_by_id),
        groups=[rule.group_id] if rule.group_id is not None else [],
        approval=approval,
    )
    return approval
