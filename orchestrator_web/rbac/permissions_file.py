"""Permissions as code: groups, their team flag and their plan grants as JSON.

    {"groups": [{"name": "Operators", "team": true,
                 "grants": [{"plan": "facts::info", "environments": ["production"]},
                            {"plan": "web::new_thing", "unknown_to_pe": true},
                            {"plan": "patching::run", "launches": "schedule"},
                            {"plan": "db::failover", "environments": ["production"],
                             "approval": {"group": "DB approvers", "count": 1, "environments": []}}]}]}

A grant's optional "launches" says how its plans may be launched: "both" (the default, as PE's
plans:run allows), "now" (run now only) or "schedule" (through PE's scheduler only).
A grant's optional "approval" is its four-eyes rule: launches wait for `count` approvals by
members of `group` (a group that exists, or one the file lists), in `environments` (empty: all
the grant's). parse() checks the whole file, check_approvers() that every approver group will
exist, and check_with_pe() asks PE about every grant it would add or change; nothing is changed
unless all find every entry right. Then apply() makes each listed group match its entry. Groups
the file does not list are left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.rbac.known import doubts
from orchestrator_web.rbac.models import (
    MAX_APPROVALS,
    GroupProfile,
    Launches,
    PlanGrant,
    split_environments,
    validate_environments,
    validate_plan_pattern,
)

ACTOR = "apply_permissions"
GROUP_FIELDS = {"name", "team", "grants"}
GRANT_FIELDS = {"plan", "environments", "launches", "unknown_to_pe", "approval"}
APPROVAL_FIELDS = {"group", "count", "environments"}


class PermissionsFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ApprovalEntry:
    group: str  # the approver group's name
    count: int
    environments: str  # "env1,env2" ("" = wherever the grant allows)


@dataclass
class GrantEntry:
    environments: str  # "env1,env2" ("" = all)
    unknown_to_pe: bool
    where: str  # where the file has it: groups[0] ('Operators').grants[1]
    approval: ApprovalEntry | None = None
    launches: str = Launches.BOTH

    def same_as(self, grant: PlanGrant) -> bool:
        mine = (split_environments(self.environments), self.launches, self.unknown_to_pe, self.approval)
        theirs = (split_environments(grant.environments), grant.launches, grant.unknown_to_pe, _approval_of(grant))
        return theirs == mine


def _approval_of(grant: PlanGrant) -> ApprovalEntry | None:
    if not grant.requires_approval:
        return None
    group = grant.approver_group.name if grant.approver_group is not None else ""
    return ApprovalEntry(group, grant.approvals_required, ",".join(split_environments(grant.approval_environments)))


@dataclass
class GroupEntry:
    name: str
    team: bool
    grants: dict[str, GrantEntry] = field(default_factory=dict)  # by plan


def export() -> dict[str, Any]:
    groups = Group.objects.order_by("name").select_related("profile").prefetch_related("plan_grants__approver_group")
    return {
        "groups": [
            {
                "name": group.name,
                "team": hasattr(group, "profile") and group.profile.is_team,
                "grants": [_exported(grant) for grant in sorted(group.plan_grants.all(), key=lambda g: g.plan)],
            }
            for group in groups
        ]
    }


def _exported(grant: PlanGrant) -> dict[str, Any]:
    data: dict[str, Any] = {"plan": grant.plan, "environments": split_environments(grant.environments)}
    if grant.launches != Launches.BOTH:
        data["launches"] = grant.launches
    if grant.unknown_to_pe:
        data["unknown_to_pe"] = True
    approval = _approval_of(grant)
    if approval is not None:
        # A rule whose approver group was deleted is written with "group": null, which
        # apply_permissions refuses: someone must name the approvers again.
        data["approval"] = {
            "group": approval.group or None,
            "count": approval.count,
            "environments": split_environments(approval.environments),
        }
    return data


def parse(text: str) -> list[GroupEntry]:
    """Check a permissions file; raise PermissionsFileError naming every entry at fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PermissionsFileError([f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]) from None
    if not isinstance(data, dict) or set(data) != {"groups"} or not isinstance(data["groups"], list):
        raise PermissionsFileError(['the file must be an object with one key, "groups", holding a list'])
    problems: list[str] = []
    entries: list[GroupEntry] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["groups"]):
        where = f"groups[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object")
            continue
        for unknown in sorted(set(raw) - GROUP_FIELDS):
            problems.append(f"{where}: unknown field {unknown!r} (fields: name, team, grants)")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 150:
            problems.append(f"{where}.name: a group name (1 to 150 characters) is required")
            continue
        where = f"{where} ({name!r})"
        if name in seen:
            problems.append(f"{where}: duplicate group, also groups[{seen[name]}]")
        seen.setdefault(name, i)
        team = raw.get("team", False)
        if not isinstance(team, bool):
            problems.append(f"{where}.team: must be true or false")
        entry = GroupEntry(name, team is True)
        grants = raw.get("grants", [])
        if not isinstance(grants, list):
            problems.append(f"{where}.grants: must be a list")
            grants = []
        for j, grant in enumerate(grants):
            problems.extend(_check_grant(grant, f"{where}.grants[{j}]", entry))
        entries.append(entry)
    if problems:
        raise PermissionsFileError(problems)
    return entries


def _check_grant(grant: Any, where: str, entry: GroupEntry) -> list[str]:
    if not isinstance(grant, dict):
        return [f"{where}: must be an object"]
    problems = [
        f"{where}: unknown field {k!r} (fields: plan, environments, launches, unknown_to_pe, approval)"
        for k in sorted(set(grant) - GRANT_FIELDS)
    ]
    plan = grant.get("plan")
    try:
        if not isinstance(plan, str):
            raise ValidationError("a plan name or * is required")
        validate_plan_pattern(plan)
    except ValidationError as exc:
        return [*problems, f"{where}.plan: {exc.messages[0]}"]
    environments = grant.get("environments", [])
    if not isinstance(environments, list) or not all(isinstance(e, str) for e in environments):
        return [*problems, f"{where}.environments: must be a list of environment names"]
    joined = ",".join(environments)
    try:
        validate_environments(joined)
    except ValidationError as exc:
        problems.append(f"{where}.environments: {exc.messages[0]}")
    unknown_to_pe = grant.get("unknown_to_pe", False)
    if not isinstance(unknown_to_pe, bool):
        problems.append(f"{where}.unknown_to_pe: must be true or false")
    launches = grant.get("launches", Launches.BOTH)
    if launches not in Launches.values:
        problems.append(f"{where}.launches: one of {', '.join(repr(v) for v in Launches.values)}")
        launches = Launches.BOTH
    approval, approval_problems = _check_approval(grant.get("approval"), f"{where}.approval", environments)
    problems.extend(approval_problems)
    if plan in entry.grants:
        problems.append(f"{where}: duplicate grant for {plan!r}")
    entry.grants[plan] = GrantEntry(joined, unknown_to_pe is True, f"{where} ({plan})", approval, launches)
    return problems


def _check_approval(raw: Any, where: str, grant_environments: list[str]) -> tuple[ApprovalEntry | None, list[str]]:
    if raw is None:
        return None, []
    if not isinstance(raw, dict):
        return None, [f'{where}: must be an object like {{"group": "DB approvers", "count": 1, "environments": []}}']
    problems = [
        f"{where}: unknown field {k!r} (fields: group, count, environments)" for k in sorted(set(raw) - APPROVAL_FIELDS)
    ]
    group = raw.get("group")
    if not isinstance(group, str) or not group.strip() or len(group) > 150:
        problems.append(f"{where}.group: the approver group's name (1 to 150 characters) is required")
        group = ""
    count = raw.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_APPROVALS:
        problems.append(f"{where}.count: a whole number from 1 to {MAX_APPROVALS}")
        count = 1
    environments = raw.get("environments", [])
    if not isinstance(environments, list) or not all(isinstance(e, str) for e in environments):
        return None, [*problems, f"{where}.environments: must be a list of environment names"]
    joined = ",".join(environments)
    try:
        validate_environments(joined)
    except ValidationError as exc:
        problems.append(f"{where}.environments: {exc.messages[0]}")
    outside = [name for name in environments if grant_environments and name not in grant_environments]
    if outside:
        problems.append(f"{where}.environments: the grant does not cover {', '.join(outside)}")
    return ApprovalEntry(group, count, joined), problems


def check_approvers(entries: list[GroupEntry]) -> list[str]:
    """Every approver group a rule names must exist already or be one the file lists."""
    listed = {entry.name for entry in entries}
    named = {
        grant.approval.group
        for entry in entries
        for grant in entry.grants.values()
        if grant.approval is not None and grant.approval.group not in listed
    }
    existing = set(Group.objects.filter(name__in=named).values_list("name", flat=True))
    return [
        f"{grant.where}.approval.group: there is no group {grant.approval.group!r} (create it, or list it in the file)"
        for entry in entries
        for grant in entry.grants.values()
        if grant.approval is not None and grant.approval.group in named - existing
    ]


def check_with_pe(entries: list[GroupEntry]) -> list[str]:
    """Ask PE about each grant the file would add or change, unless it says `unknown_to_pe`:
    a plan or environment PE does not know, or PE not answering, is a problem named by entry."""
    current = {
        (grant.group.name, grant.plan): grant for grant in PlanGrant.objects.select_related("group", "approver_group")
    }
    problems: list[str] = []
    for entry in entries:
        for plan, wanted in entry.grants.items():
            existing = current.get((entry.name, plan))
            if wanted.unknown_to_pe or (existing is not None and wanted.same_as(existing)):
                continue
            problems.extend(
                f"{wanted.where}: {doubt.message}" for doubt in doubts(plan, split_environments(wanted.environments))
            )
    return problems


def apply(entries: list[GroupEntry], *, dry_run: bool = False) -> list[str]:
    """Make each listed group match its entry; return what changed."""
    changes: list[str] = []
    with transaction.atomic():
        # Every listed group first: a rule may name an approver group listed further down.
        groups: dict[str, Group] = {}
        for entry in entries:
            groups[entry.name], created = Group.objects.get_or_create(name=entry.name)
            if created:
                changes.append(f"+ group {entry.name!r}")
                record(Action.GROUP_CREATED, entry.name, actor_name=ACTOR)
        for entry in entries:
            group = groups[entry.name]
            profile, _ = GroupProfile.objects.get_or_create(group=group)
            if profile.is_team != entry.team:
                profile.is_team = entry.team
                profile.save()
                changes.append(f"~ group {entry.name!r}: team {'on' if entry.team else 'off'}")
                record(Action.GROUP_CHANGED, entry.name, actor_name=ACTOR, team=entry.team)
            current = {grant.plan: grant for grant in group.plan_grants.select_related("approver_group")}
            for plan, wanted in entry.grants.items():
                old = current.get(plan)
                if old is not None:
                    if wanted.same_as(old):
                        continue
                    old.delete()
                    changes.append(f"- grant {entry.name}: {old.describe()}")
                    record(Action.GRANT_REMOVED, entry.name, actor_name=ACTOR, grant=str(old))
                approval = wanted.approval
                new = PlanGrant.objects.create(
                    group=group,
                    plan=plan,
                    environments=wanted.environments,
                    launches=wanted.launches,
                    unknown_to_pe=wanted.unknown_to_pe,
                    requires_approval=approval is not None,
                    approver_group=Group.objects.get(name=approval.group) if approval else None,
                    approvals_required=approval.count if approval else 1,
                    approval_environments=approval.environments if approval else "",
                )
                changes.append(f"+ grant {entry.name}: {new.describe()}")
                record(Action.GRANT_ADDED, entry.name, actor_name=ACTOR, grant=str(new))
            for plan in sorted(set(current) - set(entry.grants)):
                changes.append(f"- grant {entry.name}: {current[plan].describe()}")
                record(Action.GRANT_REMOVED, entry.name, actor_name=ACTOR, grant=str(current[plan]))
                current[plan].delete()
        if dry_run:
            transaction.set_rollback(True)
    return changes
