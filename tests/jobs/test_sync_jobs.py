"""manage.py sync_jobs: refresh unfinished jobs, reconcile unknown outcomes."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from orchestrator_web.jobs.models import Job
from orchestrator_web.jobs.services import refresh
from orchestrator_web.simulator import ManualClock, StandIn

from .conftest import make_job
from .test_job_page import launch

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def sync_jobs() -> str:
    out = StringIO()
    call_command("sync_jobs", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_refreshes_jobs_nobody_is_watching(alice: User, clock: ManualClock) -> None:
    job = launch(alice, "tools::noop")
    clock.advance(30)
    assert "refreshed 1" in sync_jobs()
    job.refresh_from_db()
    assert job.state == "success"
    assert job.finished_at is not None
    assert [step["state"] for step in job.timeline] == ["submitting", "pending", "success"]
    assert job.events.filter(type="plan_finished").exists()


def test_an_unknown_job_that_started_is_found_through_its_userdata(
    alice: User, stand_in: StandIn, clock: ManualClock
) -> None:
    stand_in.inject("drop", path="plan_run")  # PE starts the plan, the answer is lost
    job = launch(alice, "tools::noop")
    assert job.state == "unknown"
    launch(alice, "canary")  # another PE job, to be told apart
    clock.advance(30)
    assert "found in PE 1" in sync_jobs()
    job.refresh_from_db()
    assert (job.state, job.pe_job_id, job.error_message) == ("success", "1", "")
    assert [step["state"] for step in job.timeline] == ["submitting", "unknown", "pending", "success"]


def test_an_unknown_job_pe_never_saw_becomes_not_submitted_after_the_window(
    alice: User,
    stand_in: StandIn,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    stand_in.inject("drop", path="plan_run", process=False)  # the request never arrived
    job = launch(alice, "tools::noop")
    sync_jobs()
    job.refresh_from_db()
    assert job.state == "unknown"  # too early to tell
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=settings.UNKNOWN_JOB_WINDOW + 1))
    assert "not submitted 1" in sync_jobs()
    job.refresh_from_db()
    assert job.state == "not_submitted"
    assert "PE has no plan job for this request" in job.error_message


def test_a_request_left_submitting_is_treated_as_unknown(alice: User) -> None:
    job = make_job(alice, state="submitting", created_at=timezone.now() - timedelta(minutes=10))
    sync_jobs()
    job.refresh_from_db()
    # Not "not submitted": the request may have reached PE before its process died.
    assert job.state == "unknown"
    assert job.timeline[-1]["state"] == "unknown"
    assert job.error_message == "The request to PE was interrupted."


def test_a_refresh_from_a_stale_copy_does_not_undo_a_newer_one(alice: User, clock: ManualClock) -> None:
    job = launch(alice, "tools::noop")
    stale = Job.objects.get(pk=job.pk)
    clock.advance(30)
    refresh(job)
    refresh(stale)  # computed from "pending", loses the compare-and-set, re-reads
    job.refresh_from_db()
    assert [step["state"] for step in job.timeline] == ["submitting", "pending", "success"]
    assert stale.state == "success"


def test_two_runs_at_once_agree(alice: User, stand_in: StandIn, clock: ManualClock, transactional_db: None) -> None:
    stand_in.inject("drop", path="plan_run")
    unknown = launch(alice, "tools::noop")
    running = launch(alice, "canary")
    clock.advance(30)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            sync_jobs()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for job in (unknown, running):
        job.refresh_from_db()
        assert job.state == "success"
        assert [step["state"] for step in job.timeline].count("success") == 1
        assert job.events.filter(type="plan_finished").count() == 1


def test_an_unreachable_orchestrator_is_reported_and_changes_nothing(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice, "tools::noop")
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="problem"):
        sync_jobs()
    job.refresh_from_db()
    assert job.state == "pending"
