"""How a grant lets its plans be launched (run now, schedule, both), in the admin and in
permissions files; "Can manage any schedule" among the app's own permissions."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client

from orchestrator_web.rbac import access
from orchestrator_web.rbac.models import Launches, PlanGrant
from orchestrator_web.rbac.permissions_file import export
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def _file(tmp_path: Path, grant: dict[str, Any]) -> str:
    path = tmp_path / "permissions.json"
    path.write_text(json.dumps({"groups": [{"name": "Patchers", "grants": [grant]}]}))
    return str(path)


def test_a_permissions_file_sets_how_a_grant_launches_and_export_writes_it(tmp_path: Path, db: None) -> None:
    call_command(
        "apply_permissions", _file(tmp_path, {"plan": "patching::run", "launches": "schedule"}), stdout=StringIO()
    )
    grant = PlanGrant.objects.get(plan="patching::run")
    assert grant.launches == Launches.SCHEDULE
    assert export()["groups"][0]["grants"] == [{"plan": "patching::run", "environments": [], "launches": "schedule"}]
    assert str(grant) == "plans:run:patching::run (schedule only)"


def test_a_grant_without_launches_allows_both_and_exports_without_it(tmp_path: Path, db: None) -> None:
    call_command("apply_permissions", _file(tmp_path, {"plan": "patching::run"}), stdout=StringIO())
    assert PlanGrant.objects.get().launches == Launches.BOTH
    assert export()["groups"][0]["grants"] == [{"plan": "patching::run", "environments": []}]


def test_an_unknown_launches_value_is_refused_naming_the_entry(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError) as refused:
        call_command(
            "apply_permissions", _file(tmp_path, {"plan": "patching::run", "launches": "later"}), stdout=StringIO()
        )
    assert "grants[0].launches" in str(refused.value)
    assert not PlanGrant.objects.exists()


def test_changing_only_launches_is_a_change(tmp_path: Path, db: None) -> None:
    call_command("apply_permissions", _file(tmp_path, {"plan": "patching::run"}), stdout=StringIO())
    out = StringIO()
    call_command("apply_permissions", _file(tmp_path, {"plan": "patching::run", "launches": "now"}), stdout=out)
    assert "(run now only)" in out.getvalue()
    assert PlanGrant.objects.get().launches == Launches.NOW


@pytest.mark.parametrize(
    ("launches", "now", "later"), [("both", True, True), ("now", True, False), ("schedule", False, True)]
)
def test_rbac_decides_run_now_and_schedule_apart(alice: User, launches: str, now: bool, later: bool) -> None:
    PlanGrant.objects.filter(group__user=alice, plan="facts::info").update(launches=launches)
    assert access.can_run(alice, "facts::info", "production") is now
    assert access.can_schedule(alice, "facts::info", "production") is later
    assert access.can_run(alice, "facts::info", "production", how=None) is True


def test_the_group_page_edits_launches_and_offers_manage_any_schedule(
    client: Client, admin_user: User, operators: Group
) -> None:
    client.force_login(admin_user)
    page = client.get(f"/admin/auth/group/{operators.pk}/change/").content.decode()
    assert 'name="plan_grants-0-launches"' in page
    assert "Can manage any schedule: change or remove schedules that others made" in page


def test_the_form_starts_on_what_the_shown_environments_grant_allows(
    client: Client, alice: User, operators: Group, settings: Any
) -> None:
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    PlanGrant.objects.filter(group=operators, plan="facts::info").update(launches="schedule", environments="production")
    developers = Group.objects.create(name="Developers")
    PlanGrant.objects.create(group=developers, plan="facts::info", environments="development", launches="now")
    alice.groups.add(developers)
    client.force_login(alice)

    def checked(environment: str) -> str:
        page = Html(client.get("/plans/facts::info/", {"environment": environment}))
        return str(page.soup.find("input", attrs={"name": "when", "checked": True})["value"])

    assert checked("production") == "later"  # schedule only there
    assert checked("development") == "now"  # run now only there
