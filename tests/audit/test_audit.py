"""The audit trail: an entry for each kind of action, append-only, exported by superusers."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.audit.services import record
from tests.jobs.conftest import make_job
from tests.jobs.test_job_page import launch
from tests.plans.test_launch import restart_form, run

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def test_a_launch_is_recorded_with_its_outcome(client: Client, alice: User) -> None:
    client.force_login(alice)
    run(client, client.post("/plans/webapp::rolling_restart/", restart_form()), "/plans/webapp::rolling_restart/")
    entry = last("launch")
    assert (entry.actor_name, entry.address) == ("alice", "127.0.0.1")
    assert entry.details["plan"] == "webapp::rolling_restart"
    assert entry.details["state"] == "pending"
    assert "lb-secret-123" not in json.dumps(entry.details)


def test_a_denied_attempt_is_recorded(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    assert client.get("/plans/facts::info/").status_code == 403
    entry = last("denied")
    assert (entry.actor_name, entry.target) == ("oscar", "facts::info")


def test_a_stop_is_recorded(client: Client, alice: User) -> None:
    job = launch(alice, "patching::run", {"targets": "web01"})
    client.force_login(alice)
    client.post(f"/jobs/{job.pk}/stop/")
    entry = last("stop")
    assert entry.target == f"job {job.pk}"
    assert entry.details["outcome"] == "stopped"


def test_logins_and_failed_logins_are_recorded(client: Client, alice: User) -> None:
    client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    client.post("/accounts/login/", {"username": "alice", "password": "alice-password"})
    assert last("login_failed").actor_name == "alice"
    assert "wrong" not in json.dumps(last("login_failed").details)
    assert last("login").actor_name == "alice"


def test_admin_changes_to_grants_groups_and_members_are_recorded(client: Client, admin_user: User, alice: User) -> None:
    client.force_login(admin_user)
    client.post(
        "/admin/auth/group/add/",
        {
            "name": "Auditors",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "plan_grants-TOTAL_FORMS": "1",
            "plan_grants-INITIAL_FORMS": "0",
            "plan_grants-0-plan": "facts::info",
        },
    )
    assert last("group_created").target == "Auditors"
    assert last("grant_added").details == {"grant": "plans:run:facts::info", "source": "admin"}
    group = Group.objects.get(name="Auditors")
    response = client.post(
        f"/admin/auth/user/{alice.pk}/change/",
        {
            "username": "alice",
            "groups": [group.pk],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    assert last("member_added").details == {"user": "alice", "source": "admin"}
    assert last("member_removed").target == "Operators"
    client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert last("group_deleted").details["grants"] == ["plans:run:facts::info"]
    assert last("group_deleted").actor_name == "root"


def test_apply_permissions_is_recorded(tmp_path: Path, db: None) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"groups": [{"name": "Ops", "grants": [{"plan": "canary"}]}]}))
    call_command("apply_permissions", str(path), stdout=StringIO())
    assert last("grant_added").actor_name == "apply_permissions"


def test_entries_cannot_be_changed_or_deleted(db: None) -> None:
    entry = record("login", "someone", actor_name="someone")
    entry.target = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(target="x")


def test_the_admin_shows_the_trail_read_only(client: Client, admin_user: User) -> None:
    entry = record("login", "root", actor=admin_user)
    client.force_login(admin_user)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_superusers_export_the_trail_as_csv(client: Client, admin_user: User) -> None:
    record("denied", "=cmd|' /C calc'!A0", actor_name="mallory", reason="no")
    client.force_login(admin_user)
    response = client.get("/admin/audit/auditentry/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "actor", "address", "action", "target", "details"]
    (row,) = [row for row in rows if row[1] == "mallory"]
    assert row[2:5] == ["", "denied", "'=cmd|' /C calc'!A0"]


def test_staff_who_are_not_superusers_cannot_export(client: Client, alice: User) -> None:
    from django.contrib.auth.models import Permission

    alice.is_staff = True
    alice.save()
    alice.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(alice)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/export.csv").status_code == 403


# -- the job admin ---------------------------------------------------------------------------


def test_the_job_admin_lists_and_shows_jobs_but_refuses_changes(client: Client, admin_user: User, alice: User) -> None:
    job = make_job(alice, description="keep")
    client.force_login(admin_user)
    assert client.get("/admin/jobs/job/", {"state": "success", "q": "facts"}).status_code == 200
    assert client.get(f"/admin/jobs/job/{job.pk}/change/").status_code == 200
    assert client.post(f"/admin/jobs/job/{job.pk}/change/", {"description": "changed"}).status_code == 403
    assert client.get("/admin/jobs/job/add/").status_code == 403
    assert client.post(f"/admin/jobs/job/{job.pk}/delete/", {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert job.description == "keep"


@pytest.mark.parametrize("path", ["/admin/", "/admin/auth/group/", "/admin/auth/user/", "/admin/rbac/plangrant/"])
def test_admin_pages_load(client: Client, admin_user: User, operators: Group, path: str) -> None:
    client.force_login(admin_user)
    assert client.get(path).status_code == 200


# -- failed logins ------------------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_account(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-password"})
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session
