from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from orchestrator_web.worker.models import Chain


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin[Chain]):
    """The periodic tasks and how their last run went; their runs are in Task results."""

    list_display = ["name", "last_run_at", "failures", "last_error", "link"]
    readonly_fields = ["name", "link", "failures", "last_run_at", "last_error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Chain | None = None) -> bool:
        return False
