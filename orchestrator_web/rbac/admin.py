from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group

from orchestrator_web.rbac.models import PlanGrant


class PlanGrantInline(admin.TabularInline):
    model = PlanGrant
    extra = 1
    fields = ["plan", "environments"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    inlines = [PlanGrantInline]
    list_display = ["name", "grant_list"]

    @admin.display(description="Plan grants")
    def grant_list(self, group: Group) -> str:
        return ", ".join(str(grant) for grant in group.plan_grants.all()) or "—"

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("plan_grants")
