from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class State(models.TextChoices):
    """Job states (DESIGN.md): ours around PE's own pending/running/success/failure."""

    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    REJECTED_BY_APPROVER = "rejected_by_approver", "Rejected by approver"
    EXPIRED = "expired", "Expired"
    SUBMITTING = "submitting", "Submitting"
    NOT_SUBMITTED = "not_submitted", "Not submitted"
    REJECTED = "rejected", "Rejected by PE"
    UNKNOWN = "unknown", "Outcome unknown"
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    # An approved request to schedule the plan, handed to PE's scheduler: its runs are jobs of their own.
    SCHEDULED = "scheduled", "Scheduled in PE"


TERMINAL_STATES = (
    State.NOT_SUBMITTED,
    State.REJECTED,
    State.SUCCESS,
    State.FAILURE,
    State.REJECTED_BY_APPROVER,
    State.EXPIRED,
    State.SCHEDULED,
)


class Job(models.Model):
    """One attempt to run a plan, written before the request to PE leaves.

    Sensitive parameter values are never stored: `params` holds the others and
    `sensitive_params` the names of the ones that were sent.
    """

    plan_name = models.CharField(max_length=200)
    environment = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    sensitive_params = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    timeout = models.PositiveIntegerField(null=True, blank=True)
    userdata = models.JSONField(default=dict, blank=True, help_text="What the person added; ours is added on sending.")

    # No index of its own: job_requester_recent starts with it, and each index is one more
    # write per launch.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="jobs", db_index=False
    )
    # Kept apart from the foreign key so history survives a deleted account.
    requested_by_username = models.CharField(max_length=150)
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    # The parameter types when it was launched, to tell what changed on "Run again".
    param_types = models.JSONField(default=dict, blank=True)
    # Lower-cased description and parameter values (never sensitive ones) for free-text search.
    search_text = models.TextField(blank=True, editable=False)

    # Sent with the requester's own PE token (PE then records them as owner), or the service account's.
    personal_token = models.BooleanField(default=False)

    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTING)
    pe_job_id = models.CharField("PE job id", max_length=20, blank=True)
    error_kind = models.CharField(max_length=200, blank=True)
    error_message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    # [{"state": ..., "at": ISO time}], appended on every state change.
    timeline = models.JSONField(default=list, blank=True)
    # `start` for the next GET /plan_jobs/<id>/events.
    events_cursor = models.CharField(max_length=20, blank=True)
    # The plan job's `status`: each job it started (task, command, script ...) and that job's
    # latest state, {"902": "failed"}, for the page's progress. Nullable and without a default,
    # so SQLite adds the column in place: a rebuilt table would lose 0006's search triggers.
    step_states = models.JSONField(null=True, blank=True)

    # The PE scheduled job that started it (options.scheduled_job_id), for runs of a schedule
    # made here; None for launches. Nullable without a default, for the reason above.
    pe_scheduled_job_id = models.CharField("PE scheduled job id", max_length=20, null=True, blank=True)  # noqa: DJ001
    # For a request to schedule the plan that waits for approval: {"start_time": ISO-8601,
    # "interval_seconds": N or None, "time_zone": ...}; sent to PE's scheduler once approved.
    schedule_request = models.JSONField(null=True, blank=True)

    # Who ended the job early: stopped its run (it ends in failure), or withdrew it while it
    # waited for approval (it ends expired). stopped_at is set only for a stop.
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stopped_by_username = models.CharField(max_length=150, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Newest first. Every history filter has an index that ends in (created_at, id), so a
        # page is read straight off an index whatever the table's size.
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="job_recent"),
            models.Index(fields=["requested_by", "created_at", "id"], name="job_requester_recent"),
            models.Index(fields=["state", "created_at", "id"], name="job_state_recent"),
            models.Index(fields=["plan_name", "created_at", "id"], name="job_plan_recent"),
            models.Index(fields=["environment", "created_at", "id"], name="job_environment_recent"),
            models.Index(fields=["requested_by_username", "created_at", "id"], name="job_username_recent"),
            models.Index(fields=["pe_job_id"], name="job_pe_job_id"),
        ]
        permissions = [
            ("view_all_jobs", "Can view all jobs"),
            ("stop_any_job", "Can stop any job"),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk}: {self.plan_name} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def duration(self) -> timedelta | None:
        return duration(self.state, self.created_at, self.finished_at, timezone.now())

    @property
    def state_text(self) -> str:
        return state_label(self.state, self.stopped_by_username)

    @property
    def state_class(self) -> str:
        return state_class(self.state, self.stopped_by_username)


def duration(state: str, created_at: datetime, finished_at: datetime | None, now: datetime) -> timedelta | None:
    """How long a job ran, or has run so far; None for a finished job without an end time."""
    end = finished_at or (None if state in TERMINAL_STATES else now)
    return end - created_at if end else None


STATE_LABELS = dict(State.choices)


def state_label(state: str, stopped_by: str) -> str:
    """What a job's state reads as, on its page, in the rows and the CSV: a stopped plan says
    who stopped it, a withdrawn launch who withdrew it."""
    if state == State.FAILURE and stopped_by:
        return f"Stopped by {stopped_by}"
    if state == State.EXPIRED and stopped_by:
        return f"Withdrawn by {stopped_by}"
    return STATE_LABELS.get(state, state)


def state_class(state: str, stopped_by: str) -> str:
    """The state's CSS class (state-<class>): a stopped plan has its own colour."""
    return "stopped" if state == State.FAILURE and stopped_by else state


class JobEvent(models.Model):
    """An event of the PE plan job (GET /plan_jobs/<id>/events), kept with the job."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    event_id = models.BigIntegerField()
    type = models.CharField(max_length=50)
    timestamp = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["job", "event_id"]
        constraints = [models.UniqueConstraint(fields=["job", "event_id"], name="one_event_per_id")]

    def __str__(self) -> str:
        return f"{self.type} #{self.event_id}"
