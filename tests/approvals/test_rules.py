"""Approval rules on grants: in the admin's grant inline and in the permissions file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.rbac import access
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.rbac.permissions_file import export
from tests.helpers import Html

WITH_APPROVAL = {
    "groups": [
        {"name": "DB approvers", "grants": []},
        {
            "name": "Operators",
            "team": True,
            "grants": [
                {"plan": "facts::info", "environments": []},
                {
                    "plan": "db::failover",
                    "environments": ["production"],
                    "approval": {"group": "DB approvers", "count": 2, "environments": ["production"]},
                },
            ],
        },
    ]
}


def apply(tmp_path: Path, data: Any, *args: str) -> str:
    path = tmp_path / "permissions.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("apply_permissions", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_permissions_file_sets_an_approval_rule(tmp_path: Path, db: None) -> None:
    output = apply(tmp_path, WITH_APPROVAL)
    assert "+ grant Operators: db::failover in production (approved by 2 of DB approvers in production)" in output
    grant = PlanGrant.objects.get(plan="db::failover")
    assert grant.requires_approval and grant.approver_group == Group.objects.get(name="DB approvers")
    assert (grant.approvals_required, grant.approval_environments) == (2, "production")
    [entry] = [e for e in AuditEntry.objects.filter(action=Action.GRANT_ADDED) if "db::failover" in e.details["grant"]]
    assert entry.details["grant"].endswith("(approved by 2 of DB approvers in production)")


def test_export_writes_the_rule_as_the_file_takes_it(tmp_path: Path, db: None) -> None:
    apply(tmp_path, WITH_APPROVAL)
    operators = next(group for group in export()["groups"] if group["name"] == "Operators")
    assert operators["grants"][0] == {
        "plan": "db::failover",
        "environments": ["production"],
        "approval": {"group": "DB approvers", "count": 2, "environments": ["production"]},
    }
    assert "approval" not in operators["grants"][1]


def test_applying_the_same_file_again_changes_nothing(tmp_path: Path, db: None) -> None:
    apply(tmp_path, WITH_APPROVAL)
    assert apply(tmp_path, WITH_APPROVAL).strip() == "no changes: the groups already match the file"


def test_a_changed_rule_replaces_the_grant(tmp_path: Path, db: None) -> None:
    apply(tmp_path, WITH_APPROVAL)
    changed = json.loads(json.dumps(WITH_APPROVAL))
    changed["groups"][1]["grants"][1]["approval"]["count"] = 1
    output = apply(tmp_path, changed)
    assert "- grant Operators: db::failover in production (approved by 2 of DB approvers in production)" in output
    assert "+ grant Operators: db::failover in production (approved by 1 of DB approvers in production)" in output


def test_an_approver_group_listed_later_in_the_file_is_created_first(tmp_path: Path, db: None) -> None:
    data = {"groups": [*WITH_APPROVAL["groups"][1:], WITH_APPROVAL["groups"][0]]}
    output = apply(tmp_path, data)
    assert "+ group 'DB approvers'" in output
    assert PlanGrant.objects.get(plan="db::failover").approver_group.name == "DB approvers"


@pytest.mark.parametrize(
    ("approval", "problem"),
    [
        (
            {"group": "Nobody", "count": 1},
            "approval.group: there is no group 'Nobody' (create it, or list it in the file)",
        ),
        ({"count": 1}, "approval.group: the approver group's name (1 to 150 characters) is required"),
        ({"group": "DB approvers", "count": 0}, "approval.count: a whole number from 1 to 10"),
        ({"group": "DB approvers", "count": True}, "approval.count: a whole number from 1 to 10"),
        ({"group": "DB approvers", "environments": ["development"]}, "the grant does not cover development"),
        ({"group": "DB approvers", "by": "me"}, "unknown field 'by' (fields: group, count, environments)"),
        ("DB approvers", "must be an object like"),
    ],
)
def test_a_malformed_rule_changes_nothing_and_says_where(tmp_path: Path, db: None, approval: Any, problem: str) -> None:
    data = json.loads(json.dumps(WITH_APPROVAL))
    data["groups"][1]["grants"][1]["approval"] = approval
    with pytest.raises(CommandError, match="nothing was changed") as raised:
        apply(tmp_path, data)
    assert problem in str(raised.value)
    assert "groups[1] ('Operators').grants[1]" in str(raised.value)
    assert not Group.objects.exists()


def test_the_admin_sets_a_rule_on_the_group_page(client: Client, admin_user: User, operators: Group) -> None:
    approvers = Group.objects.create(name="DB approvers")
    for name in ("carol", "dave"):
        User.objects.create_user(name).groups.add(approvers)
    grant = PlanGrant.objects.get(group=operators, plan="db::failover")
    response = _save_failover_grant(
        client,
        admin_user,
        operators,
        approver_group=str(approvers.pk),
        approvals_required="2",
        approval_environments="production",
    )
    assert response.status_code == 302, Html(response).plain()[:2000]
    grant.refresh_from_db()
    assert grant.requires_approval and grant.approver_group == approvers and grant.approvals_required == 2
    added = [entry.details["grant"] for entry in AuditEntry.objects.filter(action=Action.GRANT_ADDED)]
    assert added == ["plans:run:db::failover in production (approved by 2 of DB approvers in production)"]


def test_the_admin_refuses_approval_environments_without_a_group(
    client: Client, admin_user: User, operators: Group
) -> None:
    response = _save_failover_grant(client, admin_user, operators, approval_environments="production")
    assert response.status_code == 200
    assert "Choose the approver group too, or leave this empty." in Html(response).plain()


def test_the_admin_refuses_more_approvals_than_the_group_can_give(
    client: Client, admin_user: User, operators: Group
) -> None:
    approvers = Group.objects.create(name="DB approvers")
    User.objects.create_user("carol").groups.add(approvers)
    User.objects.create_user("gone", is_active=False).groups.add(approvers)
    response = _save_failover_grant(
        client, admin_user, operators, approver_group=str(approvers.pk), approvals_required="2"
    )
    assert response.status_code == 200
    assert (
        "DB approvers has 1 active member: 2 approvals could never be given, and launches would wait until "
        "they expire. Add members to it first, or ask for fewer."
    ) in Html(response).plain()
    assert not PlanGrant.objects.get(group=operators, plan="db::failover").requires_approval


def _save_failover_grant(client: Client, admin: User, group: Group, **fields: str) -> Any:
    """Post `group`'s admin page as it is but for its db::failover grant's `fields`."""
    client.force_login(admin)
    page = Html(client.get(f"/admin/auth/group/{group.pk}/change/"))
    row = next(i for i in range(7) if page.value(f"plan_grants-{i}-plan") == "db::failover")
    changed = {f"plan_grants-{row}-{name}": value for name, value in fields.items()}
    return client.post(f"/admin/auth/group/{group.pk}/change/", _group_form(page) | changed)


def _group_form(page: Html) -> dict[str, Any]:
    """What the browser posts back for the group page as it is."""
    data: dict[str, Any] = {}
    for tag in page.soup.select("form#group_form [name]"):
        name = str(tag["name"])
        if tag.name == "select":
            chosen = [str(o.get("value", "")) for o in tag.find_all("option", selected=True)]
            if tag.has_attr("multiple"):
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
        elif tag.get("type") == "checkbox":
            if tag.has_attr("checked"):
                data.setdefault(name, []).append(str(tag.get("value", "on")))
        elif tag.name == "textarea":
            data[name] = tag.get_text()
        elif tag.get("type") not in ("submit", "button"):
            data[name] = str(tag.get("value", ""))
    return data


# -- the decisions, in rbac ---------------------------------------------------------------------


def test_the_rule_with_the_fewest_approvals_applies(alice: User, operators: Group) -> None:
    few, many = Group.objects.create(name="Few"), Group.objects.create(name="Many")
    PlanGrant.objects.filter(group=operators, plan="db::failover").update(
        requires_approval=True, approver_group=many, approvals_required=3
    )
    other = Group.objects.create(name="On call")
    PlanGrant.objects.create(group=other, plan="*", requires_approval=True, approver_group=few)
    alice.groups.add(other)
    rule = access.approval_rule(alice, "db::failover", "production")
    assert rule is not None and (rule.group_name, rule.count) == ("Few", 1)


def test_no_rule_for_someone_who_may_not_run_it(outsider: User) -> None:
    assert access.approval_rule(outsider, "db::failover", "production") is None
