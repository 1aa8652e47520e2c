"""export_permissions and apply_permissions: permissions as code."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from orchestrator_web.rbac.models import GroupProfile, PlanGrant
from orchestrator_web.rbac.permissions_file import export


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
    assert "- grant plans:run:facts::info from 'Operators'" in output
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
