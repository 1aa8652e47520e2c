from __future__ import annotations

import itertools
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.csv_export import streaming_csv
from orchestrator_web.readonly_admin import ReadOnlyAdmin

CSV_COLUMNS = ["at", "actor", "address", "action", "target", "details"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: nothing in the app changes or deletes an entry."""

    list_display = ["at", "actor_name", "action", "target", "address"]
    list_filter = ["action", "at"]
    search_fields = ["actor_name", "target"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor", "actor_name", "address", "action", "target", "details"]
    change_list_template = "admin/audit/auditentry/change_list.html"

    def get_queryset(self, request: HttpRequest) -> Any:
        # Everyone's entries only for auditors ("Can view audit trail") and superusers.
        from orchestrator_web.rbac import access

        return access.visible_audit_entries(request.user)

    def get_urls(self) -> list[Any]:
        export = self.admin_site.admin_view(self.export_csv)
        return [path("export.csv", export, name="audit_auditentry_export"), *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> StreamingHttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied("Only superusers export the audit trail.")
        rows = (
            (entry.at.isoformat(), entry.actor_name, entry.address, entry.action, entry.target, entry.details)
            for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
        )
        return streaming_csv(itertools.chain([CSV_COLUMNS], rows), "orchestrator_web-audit.csv")
