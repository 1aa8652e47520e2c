"""Runs of a schedule in the history: sync_jobs (and the worker) bring the PE plan jobs a
schedule made here started into the history, under the person who scheduled it."""

from __future__ import annotations

import csv
import io
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from orchestrator_web.connection import orchestrator
from orchestrator_web.jobs.models import Job
from orchestrator_web.pe.types import Schedule as Timing
from orchestrator_web.schedules.models import Schedule
from orchestrator_web.schedules.services import import_runs
from orchestrator_web.simulator import ManualClock
from tests.helpers import Html

from .conftest import SECRET, Scheduler, advance_to, local_input, tomorrow_at


def sync_jobs() -> str:
    out = StringIO()
    call_command("sync_jobs", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def every_hour(scheduler: Scheduler) -> Schedule:
    scheduler.schedule(start_at=local_input(tomorrow_at(9)), repeat_every="1", repeat_unit="hours")
    return Schedule.objects.get()


def test_a_fired_run_appears_in_the_history_under_its_creator(
    every_hour: Schedule, alice: User, clock: ManualClock, scheduler: Scheduler
) -> None:
    assert "scheduled runs imported 0" in sync_jobs()
    advance_to(clock, tomorrow_at(9))
    assert "scheduled runs imported 1" in sync_jobs()
    job = Job.objects.get()
    assert job.requested_by == alice and job.requested_by_username == "alice"
    assert job.pe_scheduled_job_id == every_hour.pe_scheduled_job_id
    assert job.plan_name == "webapp::rolling_restart" and job.environment == "production"
    assert job.params == {
        "targets": "web01.example.net",
        "batch_size": 2,
        "drain": True,
        "mode": "graceful",
        "notify": None,
    }
    assert job.sensitive_params == ["api_key"]
    assert job.created_at == tomorrow_at(9)
    history = Html(scheduler.client.get("/jobs/"))
    assert "alice · scheduled (schedule 1)" in " ".join(history.soup.find(id=f"job-{job.pk}").get_text(" ").split())
    page = Html(scheduler.client.get(f"/jobs/{job.pk}/"))
    assert "scheduled (schedule 1)" in page.soup.find(id="scheduled-by").get_text()
    assert SECRET not in page.text
    exported = scheduler.client.get("/jobs/export.csv").getvalue().decode()
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert (row["requested_by"], row["pe_schedule"]) == ("alice", "1")
    [listed] = scheduler.client.get("/api/v1/jobs").json()["results"]
    assert listed["pe_schedule"] == "1"


def test_each_run_is_imported_once_whatever_runs_sync(every_hour: Schedule, clock: ManualClock, pe: Any) -> None:
    advance_to(clock, tomorrow_at(11))  # runs at 09:00, 10:00 and 11:00
    sync_jobs()
    sync_jobs()
    assert import_runs(orchestrator()).imported == 0
    assert Job.objects.count() == 3
    assert sorted(Job.objects.values_list("pe_job_id", flat=True)) == ["1", "2", "3"]


def test_an_imported_run_is_brought_up_to_date_like_any_job(every_hour: Schedule, clock: ManualClock) -> None:
    advance_to(clock, tomorrow_at(9))
    sync_jobs()
    clock.advance(60)
    sync_jobs()
    job = Job.objects.get()
    assert job.state == "success" and job.finished_at is not None
    assert job.events.filter(type="plan_finished").exists()


def test_runs_of_schedules_made_elsewhere_stay_out(db: None, orchestrator_settings: Any, clock: ManualClock) -> None:
    orchestrator().schedule_plan("tools::noop", {}, Timing(tomorrow_at(9)), environment="production")
    advance_to(clock, tomorrow_at(9))
    sync_jobs()
    assert Job.objects.count() == 0


def test_only_those_who_may_see_the_creators_jobs_see_the_runs(
    every_hour: Schedule, clock: ManualClock, client: Client, outsider: User
) -> None:
    advance_to(clock, tomorrow_at(9))
    sync_jobs()
    job = Job.objects.get()
    client.force_login(outsider)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_runs_keep_coming_after_the_schedule_is_removed_no_more(
    every_hour: Schedule, clock: ManualClock, scheduler: Scheduler
) -> None:
    advance_to(clock, tomorrow_at(9))
    scheduler.client.post("/schedules/1/remove/")
    advance_to(clock, tomorrow_at(15))
    sync_jobs()
    assert Job.objects.count() == 1  # the 09:00 run only: PE ran nothing after the removal


def test_the_worker_imports_runs_too(every_hour: Schedule, clock: ManualClock) -> None:
    from orchestrator_web.worker.tasks import _sync_jobs

    advance_to(clock, tomorrow_at(9))
    _sync_jobs()
    assert Job.objects.filter(requested_by_username="alice", pe_scheduled_job_id="1").count() == 1


def test_the_history_filters_and_exports_them_like_any_job(
    every_hour: Schedule, clock: ManualClock, scheduler: Scheduler
) -> None:
    advance_to(clock, tomorrow_at(9))
    sync_jobs()
    job = Job.objects.get()
    filtered = Html(scheduler.client.get("/jobs/", {"plan": "webapp::rolling_restart"}))
    assert filtered.soup.find(id=f"job-{job.pk}") is not None
    export = b"".join(scheduler.client.get("/jobs/export.csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert "webapp::rolling_restart" in export and "alice" in export
    assert SECRET not in export
