"""sync_rbac: make Django groups match the PE roles that hold `plans:run` permissions.

Reads everything from PE first; only then changes anything, in one transaction. Groups it
did not create (no PERole link) and superusers are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.pe.rbac import RbacClient, Role, Subject
from orchestrator_web.rbac.models import PERole, PlanGrant, validate_plan_pattern

ACTOR = "sync_rbac"


@dataclass
class Report:
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknown_logins: set[str] = field(default_factory=set)


@dataclass
class WantedGroup:
    role: Role
    plans: set[str]
    logins: set[str]

    @property
    def name(self) -> str:
        return f"PE: {self.role.display_name}"


def _wanted(roles: list[Role], users: list[Subject], groups: list[Subject], report: Report) -> dict[int, WantedGroup]:
    by_id = {user.id: user for user in users}
    members_of: dict[str, set[str]] = {group.id: set(group.user_ids) for group in groups}
    for user in users:  # remote users name their directory groups themselves
        for group_id in user.group_ids:
            members_of.setdefault(group_id, set()).add(user.id)
    wanted = {}
    for role in roles:
        plans = set()
        for plan in role.plans_run():
            try:
                validate_plan_pattern(plan)
            except ValidationError:
                report.notes.append(f"role {role.display_name!r}: skipped plans:run:{plan} (not a plan name)")
                continue
            plans.add(plan)
        if not plans:
            continue
        ids = set(role.user_ids).union(*(members_of.get(g, set()) for g in role.group_ids))
        logins = {by_id[i].login for i in ids if i in by_id and not by_id[i].is_revoked}
        wanted[role.id] = WantedGroup(role, plans, logins)
    return wanted


def sync_rbac(client: RbacClient, *, dry_run: bool = False, create_users: bool = False) -> Report:
    """Mirror PE roles into groups. Raises PEError (and changes nothing) when PE fails."""
    roles, users, groups = client.roles(), client.users(), client.groups()
    report = Report()
    wanted = _wanted(roles, users, groups, report)
    with transaction.atomic():
        for want in wanted.values():
            group = _group_for(want, report)
            if group is not None:
                _sync_grants(group, want.plans, report)
                _sync_members(group, want.logins, create_users, report)
        for link in PERole.objects.exclude(role_id__in=wanted).select_related("group"):
            name = link.group.name
            link.group.delete()
            report.changes.append(f"- group {name!r} (its PE role is gone or runs no plans)")
            record(Action.GROUP_DELETED, name, actor_name=ACTOR)
        if dry_run:
            transaction.set_rollback(True)
    for login in sorted(report.unknown_logins):
        report.notes.append(f"PE user {login!r} has no account here (run with --create-users to create it)")
    return report


def _group_for(want: WantedGroup, report: Report) -> Group | None:
    link = PERole.objects.filter(role_id=want.role.id).select_related("group").first()
    if link is None:
        if Group.objects.filter(name=want.name).exists():
            report.notes.append(
                f"skipped role {want.role.display_name!r}: a group {want.name!r} exists that sync_rbac did not make"
            )
            return None
        group = Group.objects.create(name=want.name)
        PERole.objects.create(group=group, role_id=want.role.id)
        report.changes.append(f"+ group {want.name!r} (PE role {want.role.id})")
        record(Action.GROUP_CREATED, want.name, actor_name=ACTOR, pe_role=want.role.id)
        return group
    group = link.group
    if group.name != want.name and not Group.objects.filter(name=want.name).exists():
        report.changes.append(f"~ group {group.name!r} renamed {want.name!r}")
        record(Action.GROUP_CHANGED, want.name, actor_name=ACTOR, renamed_from=group.name)
        group.name = want.name
        group.save(update_fields=["name"])
    return group


def _sync_grants(group: Group, plans: set[str], report: Report) -> None:
    current = {grant.plan: grant for grant in group.plan_grants.all()}
    for plan in sorted(plans - set(current)):
        PlanGrant.objects.create(group=group, plan=plan)
        report.changes.append(f"+ grant plans:run:{plan} to {group.name!r}")
        record(Action.GRANT_ADDED, group.name, actor_name=ACTOR, grant=f"plans:run:{plan}")
    for plan in sorted(set(current) - plans):
        current[plan].delete()
        report.changes.append(f"- grant plans:run:{plan} from {group.name!r}")
        record(Action.GRANT_REMOVED, group.name, actor_name=ACTOR, grant=f"plans:run:{plan}")


def _sync_members(group: Group, logins: set[str], create_users: bool, report: Report) -> None:
    User = get_user_model()
    members = {user.get_username(): user for user in group.user_set.all()}
    for login in sorted(logins - set(members)):
        user = User.objects.filter(username=login).first()
        if user is None:
            if not create_users:
                report.unknown_logins.add(login)
                continue
            user = User(username=login)
            user.set_unusable_password()
            user.save()
            report.changes.append(f"+ user {login!r} (no password: set one, or use single sign-on)")
        if user.is_superuser:
            continue  # superusers are never changed
        group.user_set.add(user)
        report.changes.append(f"+ member {login!r} of {group.name!r}")
        record(Action.MEMBER_ADDED, group.name, actor_name=ACTOR, user=login)
    for login in sorted(set(members) - logins):
        if members[login].is_superuser:
            continue
        group.user_set.remove(members[login])
        report.changes.append(f"- member {login!r} of {group.name!r}")
        record(Action.MEMBER_REMOVED, group.name, actor_name=ACTOR, user=login)
