from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orchestrator_web.rbac import access
from orchestrator_web.readonly_admin import ReadOnlyAdmin
from orchestrator_web.schedules.models import Schedule
from orchestrator_web.times import exact


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyAdmin):
    """The schedules made here, as a record: PE holds the schedules themselves (see /schedules/)."""

    list_display = ["pe_scheduled_job_id", "plan_name", "environment", "created_by_username", "status", "created_at"]
    list_filter = ["status", "environment", "plan_name"]
    search_fields = ["=pe_scheduled_job_id", "plan_name", "description", "created_by_username"]
    date_hierarchy = "created_at"
    exclude = ["created_by", "start_time"]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The pages' scoping: others' schedules only to those who see their jobs.
        schedules = super().get_queryset(request)
        allowed = access.schedule_viewers_filter(request.user)
        return schedules if allowed is None else schedules.filter(allowed)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Schedule._meta.fields if f.name not in self.exclude] + ["first_run"]

    @admin.display(description="Start time")
    def first_run(self, obj: Schedule) -> str:
        """The first run as it was asked for, written by times.exact (never fails on a far time)."""
        return exact(obj.start_time) if obj.start_time else "-"
