"""A row here is matched to PE's schedule only by the key in that schedule's userdata, never by
PE's id alone: PE's ids start again after a restore or rebuild (or the stand-in's restart), and
a schedule made in PE directly that reuses an id is not ours, nor are its runs."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from orchestrator_web.connection import orchestrator
from orchestrator_web.jobs.models import Job
from orchestrator_web.pe.types import Schedule as Timing
from orchestrator_web.schedules.models import Schedule
from orchestrator_web.schedules.services import import_runs
from orchestrator_web.simulator import ManualClock
from tests.helpers import Html

from .conftest import Scheduler, advance_to, local_input, tomorrow_at


@pytest.fixture
def left_over(alice: User, orchestrator_settings: Any) -> Schedule:
    """alice's row for PE schedule 1, from before PE's ids started again; PE's schedule 1 is now
    one bob made in PE directly (no key of ours)."""
    local = Schedule.objects.create(
        key=uuid.uuid4(),
        pe_scheduled_job_id="1",
        plan_name="facts::info",
        environment="production",
        start_time=tomorrow_at(9),
        created_by=alice,
        created_by_username="alice",
    )
    made = orchestrator().schedule_plan(
        "facts::info", {"targets": "db01"}, Timing(tomorrow_at(9)), environment="production", userdata={}
    )
    assert made == "1"
    return local


def _row(page: Html, pe_id: str) -> str:
    row = page.soup.find(id=f"schedule-{pe_id}")
    return " ".join(row.get_text(" ").split()) if row is not None else ""


def test_a_pe_made_schedule_reusing_an_id_is_not_shown_as_ours(
    left_over: Schedule, client: Client, alice: User
) -> None:
    client.force_login(alice)
    assert _row(Html(client.get("/schedules/")), "1") == ""  # not hers: she does not see PE-made ones
    assert client.get("/schedules/1/change/").status_code == 404
    assert client.post("/schedules/1/remove/").status_code == 404
    auditor = User.objects.create_user("victor", password="victor-password")
    auditor.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))
    client.force_login(auditor)
    row = _row(Html(client.get("/schedules/")), "1")
    assert "Made in PE directly" in row
    assert "alice" not in row and "changed in PE directly" not in row


def test_runs_of_a_pe_made_schedule_reusing_an_id_are_not_imported(left_over: Schedule, clock: ManualClock) -> None:
    advance_to(clock, tomorrow_at(9))
    report = import_runs(orchestrator())
    assert report.imported == 0 and report.problems == []
    assert Job.objects.count() == 0


class RunsWithoutKeys:
    """PE's client, but its plan jobs carry no userdata: the spec does not promise that a run
    carries its schedule's userdata (the stand-in copies it)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def list_plan_jobs(self, **kwargs: Any) -> Any:
        page = self.client.list_plan_jobs(**kwargs)
        return replace(page, items=[replace(job, userdata={}) for job in page.items])


def test_a_run_without_a_key_is_imported_while_pes_schedule_carries_ours(
    scheduler: Scheduler, clock: ManualClock
) -> None:
    scheduler.schedule(start_at=local_input(tomorrow_at(9)), repeat_every="1", repeat_unit="hours")
    advance_to(clock, tomorrow_at(9))
    assert import_runs(RunsWithoutKeys(orchestrator())).imported == 1  # type: ignore[arg-type]
    assert Job.objects.get().requested_by_username == "alice"


def test_a_run_without_a_key_of_a_pe_made_schedule_reusing_an_id_is_not_imported(
    left_over: Schedule, clock: ManualClock
) -> None:
    advance_to(clock, tomorrow_at(9))
    assert import_runs(RunsWithoutKeys(orchestrator())).imported == 0  # type: ignore[arg-type]
    assert Job.objects.count() == 0


def test_a_new_schedule_given_an_id_an_old_row_still_holds_is_recorded(
    alice: User, scheduler: Scheduler, orchestrator_settings: Any
) -> None:
    stale = Schedule.objects.create(
        pe_scheduled_job_id="1",  # from before PE's ids started again: PE's schedule 1 is gone
        plan_name="facts::info",
        environment="production",
        start_time=tomorrow_at(9),
        created_by=alice,
        created_by_username="alice",
    )
    response = scheduler.schedule(start_at=local_input(tomorrow_at(10)))
    assert response.status_code == 302
    made = Schedule.objects.exclude(pk=stale.pk).get()
    assert made.pe_scheduled_job_id == "1" and made.status == "scheduled"
    stale.refresh_from_db()
    assert stale.pe_scheduled_job_id is None and stale.status == "removed"
