"""The admin scopes jobs and audit entries like the pages do; the audit trail tells the truth
about launches and stops, whatever PE or the worker does."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.jobs.models import Job
from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.simulator import ManualClock, StandIn
from tests.helpers import Html

from .conftest import logged_in, make_job

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

SECRET_PARAM = {"targets": ["secret-host.example.net"]}


def staff(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


# -- the admin follows the pages' scoping ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "codenames", "sees_others"),
    [
        ("staff with Can view job only", ("view_job",), False),
        ("staff with Can view all jobs", ("view_job", "view_all_jobs"), True),
    ],
)
def test_the_job_admin_shows_others_jobs_only_with_view_all(
    client: Client, alice: User, persona: str, codenames: tuple[str, ...], sees_others: bool
) -> None:
    others = make_job(alice, params=SECRET_PARAM)
    person = staff("sam", *codenames)
    own = make_job(person)
    logged_in(client, person)
    listing = Html(client.get("/admin/jobs/job/"))
    assert f"/admin/jobs/job/{own.pk}/change/" in listing.text
    assert (f"/admin/jobs/job/{others.pk}/change/" in listing.text) is sees_others, persona
    detail = client.get(f"/admin/jobs/job/{others.pk}/change/", follow=True)
    assert ("secret-host.example.net" in detail.content.decode()) is sees_others, persona


def test_a_superuser_sees_every_job_in_the_admin(client: Client, alice: User, admin_user: User) -> None:
    job = make_job(alice)
    logged_in(client, admin_user)
    assert f"/admin/jobs/job/{job.pk}/change/" in Html(client.get("/admin/jobs/job/")).text


@pytest.mark.parametrize(
    ("codenames", "sees_others"),
    [(("view_auditentry",), False), (("view_auditentry", "view_audit_trail"), True)],
)
def test_the_audit_admin_shows_others_entries_only_to_auditors(
    client: Client, alice: User, codenames: tuple[str, ...], sees_others: bool
) -> None:
    client.force_login(alice)  # a login entry by alice
    person = staff("sam", *codenames)
    logged_in(client, person)
    page = Html(client.get("/admin/audit/auditentry/"))
    assert ("alice" in page.by_id("result_list")) is sees_others


# -- launches: the entry is written with the job row, before anything is sent -----------------------


def test_a_launch_is_audited_before_it_is_sent_and_again_with_its_outcome(
    transactional_db: None, alice: User, stand_in: StandIn
) -> None:
    # Committed for real: PE's side of the test reads the database from another thread.
    seen_at_send: list[int] = []
    original = stand_in.sim.plan_run

    def plan_run(user, body):  # type: ignore[no-untyped-def]
        seen_at_send.append(AuditEntry.objects.filter(action="launch_requested").count())
        return original(user, body)

    stand_in.sim.plan_run = plan_run  # type: ignore[method-assign]
    launch = Launch("facts::info", "production", {"targets": "web01"}, [], "", None, {}, {})
    job, _ = submit(alice, launch, uuid.uuid4())
    assert seen_at_send == [1]  # committed with the job row before PE was asked
    requested = AuditEntry.objects.get(action="launch_requested")
    outcome = AuditEntry.objects.get(action="launch")
    assert requested.target == outcome.target == f"job {job.pk}"
    assert (requested.details["state"], outcome.details["state"]) == ("submitting", "pending")


# -- stops: who asked, and what PE really answered ---------------------------------------------------


def test_a_stop_pe_does_not_confirm_in_time_is_recorded_as_unknown_with_its_stopper(
    client: Client, alice: User, stand_in: StandIn, clock: ManualClock, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_TIMEOUT = 0.5
    launch = Launch("patching::run", "production", {"targets": "web01"}, [], "", None, {}, {})
    job, _ = submit(alice, launch, uuid.uuid4())
    clock.advance(5)  # running
    stand_in.inject("delay", path="/command/stop_plan", seconds=1.5)  # carried out, answered too late
    logged_in(client, alice)
    page = Html(client.post(f"/jobs/{job.pk}/stop/", follow=True))
    assert "PE did not confirm the stop" in page.plain()
    job.refresh_from_db()
    assert job.stopped_by_username == "alice"
    entry = AuditEntry.objects.get(action="stop")
    assert (entry.actor_name, entry.details["outcome"]) == ("alice", "outcome unknown")
    assert Job.objects.get(pk=job.pk).stopped_at is not None
