from __future__ import annotations

import fnmatch

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac.models import split_environments


class Event(models.TextChoices):
    """What a person (or a group's channel) chooses to hear about."""

    JOB_SUCCEEDED = "job_succeeded", "My job succeeded"
    JOB_FAILED = "job_failed", "My job failed"
    APPROVAL_WAITING = "approval_waiting", "A launch waits for my approval"
    LAUNCH_DECIDED = "launch_decided", "My launch was approved or rejected"


# For a group's channel the same events read differently: they are about everyone's jobs.
GROUP_EVENT_LABELS = {
    Event.JOB_SUCCEEDED: "Jobs that succeeded",
    Event.JOB_FAILED: "Jobs that failed (PE's failure, refused, not sent)",
    Event.APPROVAL_WAITING: "Launches waiting for this group's approval",
    Event.LAUNCH_DECIDED: "Launches approved, rejected or expired",
}

# What a person hears about, by e-mail, until they choose: what needs them, or answers them.
DEFAULT_EMAIL_EVENTS = [Event.APPROVAL_WAITING.value, Event.LAUNCH_DECIDED.value]


class Kind(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Chat webhook"


class Channel(models.Model):
    """Somewhere messages go: a person's e-mail or chat webhook, or a group's (a team channel).

    A webhook's URL is a secret (it lets anyone post there): it is kept encrypted with the
    token encryption keys and shown masked. A group's channel may narrow what it hears about
    to some plans (shell patterns such as db::*) and environments.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_channels"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_channels"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100, help_text="What it is, like “#db-team on Slack”.")
    address = models.EmailField(blank=True, help_text="For e-mail: where to (a person's: their account's address).")
    url_ciphertext = models.TextField(blank=True, editable=False)
    url_shown = models.CharField("webhook", max_length=200, blank=True, editable=False)
    events = models.JSONField(default=list, blank=True)
    plans = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated plan names or patterns (db::*); empty: every plan."
    )
    environments = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated environments; empty: every environment."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, group__isnull=True) | Q(user__isnull=True, group__isnull=False),
                name="channel_of_a_person_or_a_group",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(kind="email", user__isnull=False), name="one_email_channel_per_person"
            ),
        ]

    def __str__(self) -> str:
        owner = self.user.get_username() if self.user is not None else self.group.name if self.group else "?"
        return f"{owner}: {self.name}"

    def hears(self, event: str, job: Job | None) -> bool:
        """Does this channel want `event` about `job` (its plan and environment filters)?"""
        if event not in self.events:
            return False
        if job is None:
            return True
        patterns = [p.strip() for p in self.plans.split(",") if p.strip()]
        if patterns and not any(fnmatch.fnmatchcase(job.plan_name, pattern) for pattern in patterns):
            return False
        environments = split_environments(self.environments)
        return not environments or job.environment in environments


class Message(models.TextChoices):
    """What a delivery says; each belongs to one Event (services.EVENT_OF)."""

    SUCCEEDED = "succeeded", "Job succeeded"
    FAILED = "failed", "Job failed"
    WAITING = "waiting", "Approval waiting"
    APPROVED = "approved", "Launch approved"
    REJECTED = "rejected", "Launch rejected"
    EXPIRED = "expired", "Launch expired"
    TEST = "test", "Test message"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Queued"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Will try again"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # An "approval wanted" whose launch was decided before it went out: nobody needs it any more.
    SKIPPED = "skipped", "Not sent: no longer needed"


class Delivery(models.Model):
    """One message to one channel, and how sending it went: the delivery log.

    At most one per channel, job and message: the job's event happens once (its write is a
    compare-and-set), and a retried task finds the row it already sent.
    """

    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    channel_name = models.CharField(max_length=300, help_text="The channel as it was (it may be removed since).")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(max_length=20, choices=Message.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["channel", "job", "message"], name="one_message_per_channel_and_event")
        ]

    def __str__(self) -> str:
        return f"{self.get_message_display()} to {self.channel_name} ({self.get_state_display().lower()})"
