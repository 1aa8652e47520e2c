from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path

from orchestrator_web.audit.models import AuditEntry


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nothing in the app changes or deletes an entry."""

    list_display = ["at", "actor_name", "action", "target", "address"]
    list_filter = ["action", "at"]
    search_fields = ["actor_name", "target"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor", "actor_name", "address", "action", "target", "details"]
    change_list_template = "admin/audit/auditentry/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        export = self.admin_site.admin_view(self.export_csv)
        return [path("export.csv", export, name="audit_auditentry_export"), *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> StreamingHttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied("Only superusers export the audit trail.")
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            yield writer.writerow(["at", "actor", "address", "action", "target", "details"])
            for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        _cell(v)
                        for v in (
                            entry.at.isoformat(),
                            entry.actor_name,
                            entry.address,
                            entry.action,
                            entry.target,
                            entry.details,
                        )
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="orchestrator_web-audit.csv"'
        return response
