"""export_permissions and apply_permissions: permissions as code."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.plans import catalogue
from orchestrator_web.rbac.models import GroupProfile, PlanGrant
from orchestrator_web.rbac.permissions_file import export
from orchestrator_web.simulator import StandIn


@pytest.fixture(autouse=True)
def _pe(orchestrator_settings):  # type: ignore[no-untyped-def]
    """Grants are checked with the stand-in's catalogue (production and development)."""
    orchestrator_settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    return orchestrator_settings


def apply(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("apply_permissions", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "permissions.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


GOOD = {
    "groups": [
        {
            "name": "Operators",
            "team": True,
            "grants": [{"plan": "facts::info"}, {"plan": "db::failover", "environments": ["production"]}],
        },
        {"name": "Developers", "grants": [{"plan": "*", "environments": ["development"]}]},
    ]
}


def test_export_then_apply_gives_the_same_permissions(tmp_path: Path, db: None) -> None:
    apply(write(tmp_path, GOOD))
    exported = tmp_path / "exported.json"
    call_command("export_permissions", "--output", str(exported), stdout=StringIO())
    first = export()
    Group.objects.all().delete()
    apply(exported)
    assert export() == first
    assert first["groups"][1] == {
        "name": "Operators",
        "team": True,
        "grants": [
            {"plan": "db::failover", "environments": ["production"]},
            {"plan": "facts::info", "environments": []},
        ],
    }


def test_apply_is_idempotent(tmp_path: Path, db: None) -> None:
    path = write(tmp_path, GOOD)
    assert "+ group 'Operators'" in apply(path)
    assert "no changes: the groups already match the file" in apply(path)


def test_apply_makes_listed_groups_match_and_leaves_others(tmp_path: Path, db: None) -> None:
    apply(write(tmp_path, GOOD))
    other = Group.objects.create(name="Auditors")
    PlanGrant.objects.create(group=other, plan="canary")
    changed = {"groups": [{"name": "Operators", "team": False, "grants": [{"plan": "db::failover"}]}]}
    output = apply(write(tmp_path, changed))
    assert "- grant Operators: facts::info" in output
    assert "~ group 'Operators': team off" in output
    operators = Group.objects.get(name="Operators")
    assert [str(g) for g in operators.plan_grants.all()] == ["plans:run:db::failover"]
    assert not GroupProfile.objects.get(group=operators).is_team
    assert other.plan_grants.count() == 1


def test_dry_run_changes_nothing(tmp_path: Path, db: None) -> None:
    output = apply(write(tmp_path, GOOD), "--dry-run")
    assert "+ group 'Developers'" in output
    assert "(dry run: nothing was saved)" in output
    assert Group.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("{not json", "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
        ({"groups": [], "extra": 1}, 'the file must be an object with one key, "groups", holding a list'),
        (
            {"groups": [{"name": "A", "members": ["x"]}]},
            "groups[0]: unknown field 'members' (fields: name, team, grants)",
        ),
        (
            {"groups": [{"name": "A", "grants": [{"plan": "x::y", "unknown_to_pe": "yes"}]}]},
            "groups[0] ('A').grants[0].unknown_to_pe: must be true or false",
        ),
        (
            {"groups": [{"name": "A", "grants": [{"plan": "Bad Name"}]}]},
            "groups[0] ('A').grants[0].plan: 'Bad Name' is not a plan name",
        ),
        ({"groups": [{"name": "A"}, {"name": "A"}]}, "groups[1] ('A'): duplicate group, also groups[0]"),
        (
            {"groups": [{"name": "A", "grants": [{"plan": "x::y"}, {"plan": "x::y"}]}]},
            "groups[0] ('A').grants[1]: duplicate grant for 'x::y'",
        ),
        ({"groups": [{"name": "A", "team": "yes"}]}, "groups[0] ('A').team: must be true or false"),
        (
            {"groups": [{"name": "A", "grants": [{"plan": "x::y", "environments": ["prod-1"]}]}]},
            "'prod-1' is not an environment name",
        ),
        ({"groups": [{"team": True}]}, "groups[0].name: a group name (1 to 150 characters) is required"),
    ],
)
def test_a_malformed_file_names_the_entry_and_changes_nothing(
    tmp_path: Path, db: None, data: object, problem: str
) -> None:
    apply(write(tmp_path, GOOD))
    before = export()
    bad = write(tmp_path, data)
    with pytest.raises(CommandError) as caught:
        apply(bad)
    assert problem in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    assert export() == before


def test_a_file_that_cannot_be_read_is_reported(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        apply(tmp_path / "missing.json")


def grant_file(*grants: dict[str, object], name: str = "Operators") -> dict[str, object]:
    return {"groups": [{"name": name, "grants": list(grants)}]}


def refusal(tmp_path: Path, data: object) -> str:
    with pytest.raises(CommandError) as caught:
        apply(write(tmp_path, data))
    return str(caught.value)


def test_it_names_each_grant_it_adds_and_removes(tmp_path: Path, db: None) -> None:
    output = apply(write(tmp_path, GOOD))
    assert "+ grant Operators: db::failover in production" in output
    assert "+ grant Operators: facts::info" in output
    assert "+ grant Developers: every plan in development" in output
    output = apply(write(tmp_path, grant_file({"plan": "facts::info", "environments": ["production", "development"]})))
    assert "- grant Operators: facts::info" in output
    assert "+ grant Operators: facts::info in production, development" in output
    assert "- grant Operators: db::failover in production" in output


def test_its_audit_entries_name_the_grant(tmp_path: Path, db: None) -> None:
    apply(write(tmp_path, GOOD))
    apply(write(tmp_path, grant_file({"plan": "facts::info"})))
    added = AuditEntry.objects.filter(action="grant_added", target="Operators").order_by("id")
    assert [entry.details["grant"] for entry in added] == [
        "plans:run:facts::info",
        "plans:run:db::failover in production",
    ]
    removed = AuditEntry.objects.get(action="grant_removed", target="Operators")
    assert removed.details["grant"] == "plans:run:db::failover in production"


def test_it_refuses_a_grant_for_an_unknown_plan(tmp_path: Path, db: None) -> None:
    problem = refusal(tmp_path, grant_file({"plan": "maintenance::drain_nod", "environments": ["production"]}))
    assert (
        "groups[0] ('Operators').grants[0] (maintenance::drain_nod): PE does not know the plan "
        "'maintenance::drain_nod' in production. Close names: maintenance::drain_node." in problem
    )
    assert "nothing was changed" in problem
    assert '"unknown_to_pe": true' in problem
    assert not Group.objects.exists()


def test_it_refuses_a_grant_for_an_unknown_environment(tmp_path: Path, db: None) -> None:
    problem = refusal(tmp_path, grant_file({"plan": "facts::info", "environments": ["prod"]}))
    assert (
        "groups[0] ('Operators').grants[0] (facts::info): 'prod' is not an environment people may choose here "
        "(ORCHESTRATOR_ENVIRONMENTS: production, development). Close names: production." in problem
    )
    assert not Group.objects.exists()


def test_a_plan_in_one_environment_may_be_granted_in_all(tmp_path: Path, db: None) -> None:
    assert "+ grant Operators: experimental::chaos" in apply(
        write(tmp_path, grant_file({"plan": "experimental::chaos"}))
    )


def test_a_plan_must_be_known_in_each_environment_it_names(tmp_path: Path, db: None) -> None:
    problem = refusal(
        tmp_path, grant_file({"plan": "experimental::chaos", "environments": ["development", "production"]})
    )
    assert "PE does not know the plan 'experimental::chaos' in production." in problem


def test_it_keeps_an_unknown_plan_when_the_file_says_pe_does_not_know_it_yet(tmp_path: Path, db: None) -> None:
    output = apply(write(tmp_path, grant_file({"plan": "maintenance::drain_nod", "unknown_to_pe": True})))
    assert "+ grant Operators: maintenance::drain_nod (PE does not know it yet)" in output
    assert PlanGrant.objects.get().unknown_to_pe
    assert export()["groups"][0]["grants"] == [
        {"plan": "maintenance::drain_nod", "environments": [], "unknown_to_pe": True}
    ]


def test_it_says_when_pe_cannot_be_asked(tmp_path: Path, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    problem = refusal(tmp_path, grant_file({"plan": "facts::info", "environments": ["production"]}))
    assert "grants[0] (facts::info): PE could not be asked which plans production has." in problem
    assert "could not be reached" in problem
    assert not Group.objects.exists()


def test_pe_not_answering_is_no_dead_end(tmp_path: Path, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    output = apply(write(tmp_path, grant_file({"plan": "facts::info", "unknown_to_pe": True})))
    assert "+ grant Operators: facts::info (PE does not know it yet)" in output


def test_grants_already_in_place_are_not_asked_about_again(tmp_path: Path, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    apply(write(tmp_path, GOOD))
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    assert "no changes: the groups already match the file" in apply(write(tmp_path, GOOD))


def test_a_plan_deployed_since_the_catalogue_was_read_is_known(
    tmp_path: Path, db: None, stand_in: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "_now", lambda: time.time() - 30)
    catalogue.plan_list("production")  # the cached catalogue is half a minute old, still fresh for pages
    monkeypatch.undo()
    with stand_in.sim.lock:
        plans = stand_in.sim.catalogue["production"]
        plans["web::fresh"] = replace(plans["facts::info"], name="web::fresh")
    output = apply(write(tmp_path, grant_file({"plan": "web::fresh", "environments": ["production"]})))
    assert "+ grant Operators: web::fresh in production" in output
