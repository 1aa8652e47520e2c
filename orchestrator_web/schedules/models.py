from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled in PE"
    UNKNOWN = "unknown", "Outcome unknown"  # sent, no answer: PE may hold it (matched by its key)
    REMOVED = "removed", "Removed"


class Schedule(models.Model):
    """A schedule this app made in PE's scheduler (orchestrator-api.md section 2.3).

    PE holds the schedule itself (when, how often, every parameter value, Sensitive ones
    included); this row says who made it here, for permissions, the schedules page and the
    runs' place in the history. Sensitive values are never stored: `params` holds the others
    and `sensitive_params` the names of the ones PE keeps.
    """

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    pe_scheduled_job_id = models.CharField("PE scheduled job id", max_length=20, null=True, blank=True, unique=True)
    plan_name = models.CharField(max_length=200)
    environment = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    sensitive_params = models.JSONField(default=list, blank=True)
    param_types = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    userdata = models.JSONField(default=dict, blank=True, help_text="What the person added; ours is added on sending.")
    start_time = models.DateTimeField(help_text="The first run, as it was asked for.")
    interval_seconds = models.PositiveIntegerField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, help_text="The zone the person gave the time in.")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="schedules"
    )
    # Kept apart from the foreign key so the record survives a deleted account.
    created_by_username = models.CharField(max_length=150)
    personal_token = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by_username = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("manage_any_schedule", "Can manage any schedule")]

    def __str__(self) -> str:
        return f"Schedule {self.pe_scheduled_job_id or '?'}: {self.plan_name} by {self.created_by_username}"
