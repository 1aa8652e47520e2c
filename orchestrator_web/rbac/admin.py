from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from orchestrator_web.accounts.protection import lockouts, unlock
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.rbac.models import GroupProfile, PlanGrant


class GroupProfileInline(admin.StackedInline):
    model = GroupProfile
    can_delete = False
    verbose_name_plural = "orchestrator_web"


class PlanGrantInline(admin.TabularInline):
    model = PlanGrant
    extra = 1
    fields = ["plan", "environments"]


def grant_names(group: Group) -> set[str]:
    return {str(grant) for grant in PlanGrant.objects.filter(group=group)}


def is_team(group: Group) -> bool:
    return GroupProfile.objects.filter(group=group, is_team=True).exists()


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    inlines = [GroupProfileInline, PlanGrantInline]
    list_display = ["name", "team", "grant_list"]

    @admin.display(description="Team", boolean=True)
    def team(self, group: Group) -> bool:
        return hasattr(group, "profile") and group.profile.is_team

    @admin.display(description="Plan grants")
    def grant_list(self, group: Group) -> str:
        return ", ".join(str(grant) for grant in group.plan_grants.all()) or "—"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("profile").prefetch_related("plan_grants")

    # -- the audit trail: what changed, compared before and after the save ----------------

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        request._audit_before = (grant_names(obj), is_team(obj)) if change else (set(), False)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        if not change:
            record(Action.GROUP_CREATED, obj.name, request=request)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        group = form.instance
        grants_before, team_before = request._audit_before  # type: ignore[attr-defined]
        grants_after = grant_names(group)
        for grant in sorted(grants_after - grants_before):
            record(Action.GRANT_ADDED, group.name, request=request, grant=grant, source="admin")
        for grant in sorted(grants_before - grants_after):
            record(Action.GRANT_REMOVED, group.name, request=request, grant=grant, source="admin")
        if is_team(group) != team_before:
            record(Action.GROUP_CHANGED, group.name, request=request, team=is_team(group), source="admin")

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        record(Action.GROUP_DELETED, obj.name, request=request, grants=sorted(grant_names(obj)), source="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for group in queryset:
            record(Action.GROUP_DELETED, group.name, request=request, grants=sorted(grant_names(group)), source="admin")
        super().delete_queryset(request, queryset)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    actions = ["unlock_logins"]

    # -- login lockouts (accounts.protection): see them, lift them --------------------------

    def get_urls(self) -> list[Any]:
        unlock_view = self.admin_site.admin_view(self.unlock_view)
        return [path("<int:user_id>/unlock/", unlock_view, name="auth_user_unlock"), *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = self.get_object(request, object_id)
        locked = lockouts(user.get_username()) if user is not None else []
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "lockouts": locked})

    def unlock_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        """GET shows from which addresses the person is locked out; POST lifts every lockout."""
        user = self.get_object(request, str(user_id))
        if user is None:
            raise Http404("No such user.")
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            self._unlock(request, [user])
            return redirect("admin:auth_user_change", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": f"Unlock logins of {user.get_username()}",
            "lockouts": lockouts(user.get_username()),
        }
        return TemplateResponse(request, "admin/auth/user/unlock.html", context)

    @admin.action(description="Unlock logins of selected users", permissions=["change"])
    def unlock_logins(self, request: HttpRequest, queryset: Any) -> None:
        self._unlock(request, list(queryset))

    def _unlock(self, request: HttpRequest, users: list[User]) -> None:
        unlocked = [user.get_username() for user in users if unlock(user.get_username(), request=request)]
        if unlocked:
            self.message_user(request, f"Failed logins forgotten and lockouts lifted: {', '.join(unlocked)}.")
        else:
            self.message_user(request, "There were no failed logins to forget.", messages.INFO)

    # -- the audit trail: group memberships --------------------------------------------------

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = set(obj.groups.values_list("name", flat=True)) if change and obj.pk else set()
        request._audit_groups_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = request._audit_groups_before  # type: ignore[attr-defined]
        after = set(user.groups.values_list("name", flat=True))
        for name in sorted(after - before):
            record(Action.MEMBER_ADDED, name, request=request, user=user.get_username(), source="admin")
        for name in sorted(before - after):
            record(Action.MEMBER_REMOVED, name, request=request, user=user.get_username(), source="admin")


@admin.register(PlanGrant)
class PlanGrantAdmin(admin.ModelAdmin):
    """Grants listed across groups; they are edited on their group."""

    list_display = ["group", "plan", "environments"]
    list_filter = ["group", "plan"]
    search_fields = ["plan", "group__name", "environments"]
    list_select_related = ["group"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Deleting stays allowed (the admin needs it to delete a group with grants); it is audited.
    def delete_model(self, request: HttpRequest, obj: PlanGrant) -> None:
        record(Action.GRANT_REMOVED, obj.group.name, request=request, grant=str(obj), source="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for grant in queryset.select_related("group"):
            record(Action.GRANT_REMOVED, grant.group.name, request=request, grant=str(grant), source="admin")
        super().delete_queryset(request, queryset)
