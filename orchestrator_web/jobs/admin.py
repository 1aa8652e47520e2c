from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac import access
from orchestrator_web.readonly_admin import ReadOnlyAdmin


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Jobs are records of what happened: viewable, never added, changed or deleted here."""

    list_display = ["id", "plan_name", "environment", "state", "requested_by_username", "pe_job_id", "created_at"]
    list_filter = ["state", "environment", "plan_name", "requested_by_username"]
    search_fields = ["=id", "=pe_job_id", "plan_name", "description", "requested_by_username"]
    date_hierarchy = "created_at"
    list_select_related = False
    show_full_result_count = False
    exclude = ["search_text", "requested_by", "stopped_by"]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The same scoping as the pages: others' jobs only with "Can view all jobs".
        return access.visible_jobs(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Job._meta.fields if f.name not in self.exclude]
