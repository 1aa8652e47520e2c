from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from orchestrator_web.jobs.models import Job


class Outcome(models.TextChoices):
    WAITING = "waiting", "Waiting"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REFUSED = "refused", "Not sent"  # approved, but the requester may no longer run it


class ApprovalRequest(models.Model):
    """A launch that waits (or waited) for approval: one per job in awaiting_approval.

    The job keeps what it keeps for any launch; the Sensitive values it needs are here,
    encrypted with the token encryption keys, only until it is sent, rejected or expires.
    """

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="approval")
    approver_group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approver_group_name = models.CharField(max_length=150)
    required = models.PositiveSmallIntegerField(help_text="Approvals needed, by different people.")
    rule = models.CharField(max_length=500, help_text="The grant that asked for approval.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sealed_secrets = models.TextField(blank=True, editable=False)

    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.WAITING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_username = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True, help_text="Why it was rejected or withdrawn.")

    class Meta:
        indexes = [models.Index(fields=["outcome", "expires_at"], name="approval_open_by_expiry")]

    def __str__(self) -> str:
        return f"Approval of job {self.job_id} ({self.get_outcome_display().lower()})"

    @property
    def waiting(self) -> bool:
        return self.outcome == Outcome.WAITING


class Approval(models.Model):
    """One person's yes to a waiting launch."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approver_username = models.CharField(max_length=150)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    # False once it stopped counting: its approver left the group before the count was reached.
    counted = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "approver_username"], name="one_approval_per_person")]

    def __str__(self) -> str:
        return f"{self.approver_username} approved job {self.request.job_id}"
