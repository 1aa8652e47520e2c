from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group

from orchestrator_web.rbac.models import GroupProfile, PlanGrant


class PlanGrantInline(admin.TabularInline):
    model = PlanGrant
    extra = 1
    fields = ["plan", "environments"]


class GroupProfileInline(admin.StackedInline):
    model = GroupProfile
    can_delete = False
    verbose_name_plural = "orchestrator_web"


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    inlines = [GroupProfileInline, PlanGrantInline]
    list_display = ["name", "is_team", "grant_list"]

    @admin.display(description="Team", boolean=True)
    def is_team(self, group: Group) -> bool:
        return hasattr(group, "profile") and group.profile.is_team

    @admin.display(description="Plan grants")
    def grant_list(self, group: Group) -> str:
        return ", ".join(str(grant) for grant in group.plan_grants.all()) or "—"

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("profile").prefetch_related("plan_grants")
