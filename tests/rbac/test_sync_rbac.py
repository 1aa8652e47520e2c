"""manage.py sync_rbac against the stand-in's RBAC API."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def sync_rbac(*args: str) -> str:
    out = StringIO()
    call_command("sync_rbac", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def people(db: None) -> dict[str, User]:
    """Django accounts for some PE users; dave and victor have none."""
    return {name: User.objects.create_user(name) for name in ("alice", "bob", "carol")}


def grants(name: str) -> list[str]:
    return sorted(g.plan for g in Group.objects.get(name=name).plan_grants.all())


def members(name: str) -> list[str]:
    return sorted(Group.objects.get(name=name).user_set.values_list("username", flat=True))


def test_it_creates_a_group_per_role_that_runs_plans(people: dict) -> None:
    output = sync_rbac()
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "PE: Administrators",
        "PE: Database operators",
        "PE: Developers",
        "PE: Operators",
        "PE: orchestrator_web service",
    ]
    assert grants("PE: Operators") == ["facts::info", "patching::run", "webapp::rolling_restart"]
    assert members("PE: Operators") == ["alice"]
    assert "+ member 'alice' of 'PE: Operators'" in output


def test_members_come_from_user_groups_too(people: dict) -> None:
    sync_rbac()
    assert members("PE: Database operators") == ["bob"]  # through the LDAP group


def test_revoked_pe_users_are_not_members(people: dict, stand_in: StandIn) -> None:
    stand_in.sim.rbac.roles[1]["user_ids"].append(stand_in.sim.rbac.users["carol"].id)
    sync_rbac()
    assert members("PE: Operators") == ["alice"]


def test_people_missing_here_are_reported_not_created(people: dict) -> None:
    output = sync_rbac()
    assert "note: PE user 'dave' has no account here (run with --create-users to create it)" in output
    assert not User.objects.filter(username="dave").exists()


def test_create_users_creates_them_without_a_password(people: dict) -> None:
    sync_rbac("--create-users")
    dave = User.objects.get(username="dave")
    assert not dave.has_usable_password()
    assert members("PE: Developers") == ["dave"]


def test_a_second_run_changes_nothing(people: dict) -> None:
    sync_rbac()
    entries = AuditEntry.objects.count()
    assert "no changes: Django matches PE" in sync_rbac()
    assert AuditEntry.objects.count() == entries


def test_it_follows_changes_in_pe(people: dict, stand_in: StandIn) -> None:
    sync_rbac()
    operators = stand_in.sim.rbac.roles[1]
    operators["permissions"] = [p for p in operators["permissions"] if p["instance"] != "patching::run"] + [
        {"object_type": "plans", "action": "run", "instance": "canary"}
    ]
    operators["user_ids"] = [stand_in.sim.rbac.users["bob"].id]
    operators["display_name"] = "Operations"
    output = sync_rbac()
    assert "~ group 'PE: Operators' renamed 'PE: Operations'" in output
    assert grants("PE: Operations") == ["canary", "facts::info", "webapp::rolling_restart"]
    assert members("PE: Operations") == ["bob"]


def test_a_role_removed_in_pe_removes_its_group(people: dict, stand_in: StandIn) -> None:
    sync_rbac()
    stand_in.sim.rbac.roles = [r for r in stand_in.sim.rbac.roles if r["display_name"] != "Developers"]
    assert "- group 'PE: Developers'" in sync_rbac()
    assert not Group.objects.filter(name="PE: Developers").exists()


def test_dry_run_saves_nothing(people: dict) -> None:
    output = sync_rbac("--dry-run")
    assert "+ group 'PE: Operators' (PE role 2)" in output
    assert "(dry run: nothing was saved)" in output
    assert Group.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_groups_it_did_not_create_are_never_touched(people: dict) -> None:
    mine = Group.objects.create(name="PE: Operators")
    mine.user_set.add(people["carol"])
    output = sync_rbac()
    assert "skipped role 'Operators': a group 'PE: Operators' exists that sync_rbac did not make" in output
    assert members("PE: Operators") == ["carol"]
    assert grants("PE: Operators") == []


def test_superusers_are_never_changed(people: dict) -> None:
    admin = User.objects.create_superuser("admin")
    sync_rbac()
    assert not admin.groups.exists()
    group = Group.objects.get(name="PE: Operators")
    group.user_set.add(admin)
    sync_rbac()
    assert admin.groups.filter(name="PE: Operators").exists()  # not removed either


def test_it_records_its_changes_in_the_audit_trail(people: dict) -> None:
    sync_rbac()
    entry = AuditEntry.objects.filter(action="member_added", target="PE: Operators").get()
    assert entry.actor_name == "sync_rbac"
    assert entry.details == {"user": "alice"}


def test_an_unreachable_rbac_api_changes_nothing(people: dict, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RBAC_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="nothing was changed: The PE RBAC service could not be reached"):
        sync_rbac()
    assert Group.objects.count() == 0


def test_a_rejected_token_changes_nothing(people: dict, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_TOKEN = "expired-token"
    with pytest.raises(CommandError, match="it has expired"):
        sync_rbac()
    assert Group.objects.count() == 0


def test_a_token_without_rights_to_read_roles_changes_nothing(people: dict, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_TOKEN = "alice-token"
    with pytest.raises(CommandError, match="may not view users and roles"):
        sync_rbac()


@pytest.mark.parametrize(
    "body",
    [
        [{"id": "one", "display_name": "x"}],
        {"roles": []},
        [{"id": 1, "display_name": "x", "permissions": [{"object_type": "plans"}]}],
    ],
)
def test_malformed_roles_change_nothing(people: dict, stand_in: StandIn, body: object) -> None:
    sync_rbac()
    before = sorted(Group.objects.values_list("name", flat=True))
    stand_in.inject("error", path="/v1/roles$", status=200, body=body)
    with pytest.raises(CommandError, match="could not be understood"):
        sync_rbac()
    assert sorted(Group.objects.values_list("name", flat=True)) == before
