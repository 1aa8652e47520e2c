from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    LAUNCH = "launch", "Plan launched"
    DENIED = "denied", "Denied"
    STOP = "stop", "Stop requested"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGIN_UNLOCKED = "login_unlocked", "Login lockout lifted"
    GRANT_ADDED = "grant_added", "Grant added"
    GRANT_REMOVED = "grant_removed", "Grant removed"
    GROUP_CREATED = "group_created", "Group created"
    GROUP_CHANGED = "group_changed", "Group changed"
    GROUP_DELETED = "group_deleted", "Group deleted"
    MEMBER_ADDED = "member_added", "Member added"
    MEMBER_REMOVED = "member_removed", "Member removed"
    TOKEN_STORED = "token_stored", "Personal token stored"
    TOKEN_REMOVED = "token_removed", "Personal token removed"
    ALIAS_CHANGED = "alias_changed", "Type alias added or changed"
    ALIAS_DELETED = "alias_deleted", "Type alias deleted"
    LAUNCH_REQUESTED = "launch_requested", "Launch requested"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_ADDRESS = "api_token_address", "API token used from a new address"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    APPROVED = "approved", "Launch approved"
    APPROVAL_REJECTED = "approval_rejected", "Launch rejected by an approver"
    APPROVAL_EXPIRED = "approval_expired", "Launch expired unapproved"
    APPROVAL_WITHDRAWN = "approval_withdrawn", "Launch withdrawn"
    CHANNEL_ADDED = "channel_added", "Notification channel added"
    CHANNEL_REMOVED = "channel_removed", "Notification channel removed"
    SCHEDULE_CREATED = "schedule_created", "Schedule created"
    SCHEDULE_CHANGED = "schedule_changed", "Schedule changed"
    SCHEDULE_REMOVED = "schedule_removed", "Schedule removed"


class AppendOnly(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit trail is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit trail is append-only")


class AuditEntry(models.Model):
    """Who did what, when, from where. Written once, never changed or deleted by the app."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as it was, and "sync_rbac" or "apply_permissions" for the commands.
    actor_name = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    target = models.CharField(max_length=300, blank=True, help_text="What it was about: a job, group, plan, user.")
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        permissions = [("view_audit_trail", "Can view audit trail")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_action_display()} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit trail is append-only")
