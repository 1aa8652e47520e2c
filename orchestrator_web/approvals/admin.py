from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from orchestrator_web.approvals.models import Approval, ApprovalRequest


class ApprovalInline(admin.TabularInline[Approval, ApprovalRequest]):
    model = Approval
    fields = ["approver_username", "at", "comment", "counted"]
    readonly_fields = ["approver_username", "at", "comment", "counted"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: ApprovalRequest | None = None) -> bool:
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin[ApprovalRequest]):
    """Launches that waited for approval: read-only (decisions are made on the job page)."""

    list_display = ["job", "approver_group_name", "required", "outcome", "decided_by_username", "expires_at"]
    list_filter = ["outcome", "approver_group_name"]
    search_fields = ["job__plan_name", "job__requested_by_username", "decided_by_username"]
    list_select_related = ["job"]
    inlines = [ApprovalInline]
    # The sealed secrets are never shown, even encrypted.
    FIELDS = (
        "job",
        "approver_group_name",
        "required",
        "rule",
        "created_at",
        "expires_at",
        "outcome",
        "decided_by_username",
        "decided_at",
        "comment",
    )
    fields = FIELDS
    readonly_fields = FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApprovalRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApprovalRequest | None = None) -> bool:
        return False
