from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from orchestrator_web.accounts.models import PELogin
from orchestrator_web.accounts.protection import lockouts, unlock
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.rbac.known import doubts
from orchestrator_web.rbac.models import GroupProfile, Launches, PlanGrant, split_environments

# What the app's own permissions let members do, shown beside their names on the group page.
OWN_PERMISSION_HELP = {
    "jobs.view_all_jobs": "see every job in the history (PE's orchestrator:view:*, for auditors)",
    "jobs.stop_any_job": "stop jobs that others launched",
    "audit.view_audit_trail": "read the whole audit trail",
    "schedules.manage_any_schedule": "change or remove schedules that others made",
}


def own_permissions() -> QuerySet[Permission]:
    """The permissions orchestrator_web declares itself ("Can view all jobs", "Can stop any
    job" ...), as opposed to the add/change/delete/view permissions Django makes for every model."""
    wanted = Q(pk__in=[])
    for model in apps.get_models():
        if model.__module__.startswith("orchestrator_web.") and model._meta.permissions:
            content_type = ContentType.objects.get_for_model(model)
            wanted |= Q(content_type=content_type, codename__in=[code for code, _ in model._meta.permissions])
    return Permission.objects.filter(wanted).select_related("content_type").order_by("name")


class OwnPermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        help_text = OWN_PERMISSION_HELP.get(f"{obj.content_type.app_label}.{obj.codename}")
        return f"{obj.name}: {help_text}" if help_text else obj.name


class GroupForm(forms.ModelForm):
    """A group as orchestrator_web sees it: its members, its team flag, the app's own
    permissions; Django's full list of permissions is kept, folded away (see GroupAdmin)."""

    team = forms.BooleanField(required=False, help_text="Members of a team see each other's jobs in the history.")
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.order_by("username"),
        required=False,
        widget=FilteredSelectMultiple("people", is_stacked=False),
        help_text="People in this group: they may run its plan grants and hold its permissions.",
    )
    own_permissions = OwnPermissionsField(
        queryset=Permission.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Permissions in orchestrator_web",
    )

    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["own_permissions"]
        assert isinstance(field, OwnPermissionsField)
        field.queryset = own_permissions()
        group = self.instance
        if group.pk:
            self.initial.setdefault("members", list(group.user_set.values_list("pk", flat=True)))
            self.initial.setdefault("team", is_team(group))
            self.initial.setdefault("own_permissions", list(group.permissions.filter(pk__in=field.queryset)))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Both fields edit the group's permissions; GroupAdmin leaves the app's own out of the
        # full list, so the two together are the whole.
        cleaned["permissions"] = [*cleaned.get("permissions", []), *cleaned.get("own_permissions", [])]
        return cleaned


UNKNOWN_HINT = (
    "To keep this grant anyway (a plan about to be deployed, or PE not answering), "
    "tick \u201cPE does not know it yet\u201d."
)


class PlanGrantForm(forms.ModelForm):
    """A grant, checked with PE's catalogue when it is new or its plan or environments change."""

    class Meta:
        model = PlanGrant
        fields = [
            "plan",
            "environments",
            "launches",
            "unknown_to_pe",
            "approver_group",
            "approvals_required",
            "approval_environments",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approvals_required"].required = False  # left empty: 1
        self.fields["launches"].required = False  # left out: both, as PE's plans:run

    def clean_approvals_required(self) -> int:
        return self.cleaned_data.get("approvals_required") or 1

    def clean_launches(self) -> str:
        return self.cleaned_data.get("launches") or Launches.BOTH

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for problem in approval_problems(
            cleaned.get("approver_group"), cleaned.get("environments", ""), cleaned.get("approval_environments", "")
        ):
            self.add_error("approval_environments", problem)
        short = too_few_approvers(cleaned.get("approver_group"), cleaned.get("approvals_required") or 1)
        if short:
            self.add_error("approvals_required", short)
        # A rule whose approver group is gone stays a rule until an administrator changes it here.
        if "approver_group" in self.changed_data or not self.instance.pk:
            self.instance.requires_approval = cleaned.get("approver_group") is not None
        if self.errors or cleaned.get("DELETE") or cleaned.get("unknown_to_pe"):
            return cleaned
        if self.instance.pk and not {"plan", "environments"} & set(self.changed_data):
            return cleaned  # as it was: a plan PE dropped since does not block saving the group
        found = doubts(cleaned["plan"], split_environments(cleaned.get("environments", "")))
        for doubt in found:
            self.add_error({"plan": "plan", "environments": "environments"}.get(doubt.about), doubt.message)
        if found:
            self.add_error(None, UNKNOWN_HINT)
        return cleaned


def approval_problems(group: Group | None, environments: str, approval_environments: str) -> list[str]:
    """What is wrong with a grant's approval rule: environments without an approver group, or
    approval asked in an environment the grant does not cover."""
    wanted = split_environments(approval_environments)
    if wanted and group is None:
        return ["Choose the approver group too, or leave this empty."]
    covered = split_environments(environments)
    outside = [name for name in wanted if covered and name not in covered]
    if outside:
        return [f"The grant does not cover {', '.join(outside)}: approval there would never be asked."]
    return []


def too_few_approvers(group: Group | None, needed: int) -> str:
    """Why `group` could never give `needed` approvals (it has fewer members), or "". Members
    can be added later, so the group's page is where to fix it."""
    if group is None:
        return ""
    members = group.user_set.filter(is_active=True).count()
    if members >= needed:
        return ""
    have = f"{members} active member{'' if members == 1 else 's'}"
    return (
        f"{group.name} has {have}: {needed} approvals could never be given, and launches would wait "
        "until they expire. Add members to it first, or ask for fewer."
    )


class PlanGrantInline(admin.TabularInline):
    model = PlanGrant
    form = PlanGrantForm
    fk_name = "group"
    extra = 1
    fields = [
        "plan",
        "environments",
        "launches",
        "unknown_to_pe",
        "approver_group",
        "approvals_required",
        "approval_environments",
    ]


def grant_names(group: Group) -> set[str]:
    return {str(grant) for grant in PlanGrant.objects.filter(group=group).select_related("approver_group")}


def is_team(group: Group) -> bool:
    return GroupProfile.objects.filter(group=group, is_team=True).exists()


@dataclass(frozen=True)
class GroupState:
    """What the audit trail compares before and after a save of the group page."""

    grants: set[str]
    team: bool
    members: set[str]
    permissions: set[str]

    @classmethod
    def of(cls, group: Group | None) -> GroupState:
        if group is None or group.pk is None:
            return cls(set(), False, set(), set())
        return cls(
            grant_names(group),
            is_team(group),
            set(group.user_set.values_list("username", flat=True)),
            {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")},
        )


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """One page per group: who is in it, what they may run (grants), whether it is a team,
    the app's own permissions; Django's full permission list folded away."""

    form = GroupForm
    inlines = [PlanGrantInline]
    list_display = ["name", "team", "member_count", "grant_list"]
    fieldsets = [
        (None, {"fields": ["name", "team"]}),
        ("Members", {"fields": ["members"]}),
        ("Permissions in orchestrator_web", {"fields": ["own_permissions"]}),
        (
            "All Django permissions",
            {
                "classes": ["collapse"],
                "fields": ["permissions"],
                "description": "Django's own add, change, delete and view permissions on every model: "
                "they matter only to members who are staff and use this admin.",
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest | None = None, **kwargs: Any) -> Any:
        if db_field.name == "permissions":  # the app's own are a field of their own (GroupForm)
            kwargs["queryset"] = Permission.objects.exclude(pk__in=own_permissions().values("pk"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Team", boolean=True)
    def team(self, group: Group) -> bool:
        return hasattr(group, "profile") and group.profile.is_team

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, group: Any) -> int:
        return int(group.member_count)

    @admin.display(description="Plan grants")
    def grant_list(self, group: Group) -> str:
        return "; ".join(grant.describe() for grant in group.plan_grants.all()) or "—"

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("profile")
            .prefetch_related("plan_grants__approver_group")
            .annotate(member_count=Count("user", distinct=True))
        )

    # -- saving, and the audit trail: what changed, compared before and after the save -------

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        request._audit_before = GroupState.of(obj if change else None)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        if not change:
            record(Action.GROUP_CREATED, obj.name, request=request)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        group = form.instance
        GroupProfile.objects.update_or_create(group=group, defaults={"is_team": form.cleaned_data["team"]})
        group.user_set.set(form.cleaned_data["members"])
        before: GroupState = request._audit_before  # type: ignore[attr-defined]
        after = GroupState.of(group)
        for grant in sorted(after.grants - before.grants):
            record(Action.GRANT_ADDED, group.name, request=request, grant=grant, source="admin")
        for grant in sorted(before.grants - after.grants):
            record(Action.GRANT_REMOVED, group.name, request=request, grant=grant, source="admin")
        for name in sorted(after.members - before.members):
            record(Action.MEMBER_ADDED, group.name, request=request, user=name, source="admin")
        for name in sorted(before.members - after.members):
            record(Action.MEMBER_REMOVED, group.name, request=request, user=name, source="admin")
        if after.team != before.team:
            record(Action.GROUP_CHANGED, group.name, request=request, team=after.team, source="admin")
        if after.permissions != before.permissions:
            record(
                Action.GROUP_CHANGED,
                group.name,
                request=request,
                permissions_added=sorted(after.permissions - before.permissions),
                permissions_removed=sorted(before.permissions - after.permissions),
                source="admin",
            )

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        record(Action.GROUP_DELETED, obj.name, request=request, grants=sorted(grant_names(obj)), source="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for group in queryset:
            record(Action.GROUP_DELETED, group.name, request=request, grants=sorted(grant_names(group)), source="admin")
        super().delete_queryset(request, queryset)


class UserForm(UserChangeForm):
    """Django's user form, and the person's PE login when it is not their username here."""

    pe_login = forms.CharField(
        label="PE login",
        max_length=150,
        required=False,
        help_text="Their login in PE, when it is not their username here: their personal PE token must "
        "belong to that PE user. Empty: their username.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault(
                "pe_login", PELogin.objects.filter(user=self.instance).values_list("login", flat=True).first() or ""
            )

    def save_pe_login(self, user: User) -> None:
        login = self.cleaned_data.get("pe_login", "").strip()
        if login and login != user.get_username():
            PELogin.objects.update_or_create(user=user, defaults={"login": login})
        else:
            PELogin.objects.filter(user=user).delete()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    actions = ["unlock_logins"]
    form = UserForm
    fieldsets = [
        (None, {"fields": ["username", "pe_login", "password"]}),
        *(BaseUserAdmin.fieldsets or ())[1:],
    ]

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
        if isinstance(form, UserForm):
            form.save_pe_login(user)
        before = request._audit_groups_before  # type: ignore[attr-defined]
        after = set(user.groups.values_list("name", flat=True))
        for name in sorted(after - before):
            record(Action.MEMBER_ADDED, name, request=request, user=user.get_username(), source="admin")
        for name in sorted(before - after):
            record(Action.MEMBER_REMOVED, name, request=request, user=user.get_username(), source="admin")


@admin.register(PlanGrant)
class PlanGrantAdmin(admin.ModelAdmin):
    """Grants listed across groups; they are edited on their group."""

    list_display = ["group", "plan", "environments", "launches", "unknown_to_pe", "approval"]
    list_filter = ["unknown_to_pe", "requires_approval", "group", "plan"]
    search_fields = ["plan", "group__name", "environments"]
    list_select_related = ["group", "approver_group"]

    @admin.display(description="Approval")
    def approval(self, grant: PlanGrant) -> str:
        return grant.approval_words().strip(" ()") or "—"

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
