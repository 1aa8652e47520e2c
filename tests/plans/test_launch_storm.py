"""Launches from many sessions at once, against gunicorn, while the orchestrator misbehaves:
nothing is lost, nothing is sent twice, no page fails, and sync_jobs settles every unknown."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.simulator import Simulator, StandIn
from tests.serving import gunicorn, production_password
from tests.storm import age_unknown_jobs, pe_jobs_by_local_id, plan_runs_per_job, storm

READ_TIMEOUT = 1.0


@pytest.fixture
def fast_stand_in(settings):  # type: ignore[no-untyped-def]
    """A stand-in on the real clock whose plans finish in a blink."""
    with StandIn(Simulator(speed=20)) as server:
        settings.ORCHESTRATOR_URL = settings.RBAC_URL = server.url
        settings.ORCHESTRATOR_TOKEN = "demo-service-token"
        yield server


@pytest.fixture
def people(transactional_db: None) -> list[tuple[str, str]]:
    group = Group.objects.create(name="Stormers")
    PlanGrant.objects.create(group=group, plan="tools::noop")
    cast = []
    for i in range(5):
        user = User.objects.create(username=f"storm{i}", password=production_password("storm-password"))
        user.groups.add(group)
        cast.append((user.username, "storm-password"))
    return cast


def test_a_launch_storm_with_faults_loses_nothing(fast_stand_in: StandIn, people: list) -> None:
    with gunicorn(fast_stand_in.url, ORCHESTRATOR_TIMEOUT=str(READ_TIMEOUT), ORCHESTRATOR_CONNECT_TIMEOUT="1") as app:
        report = storm(app, fast_stand_in, people, launches_each=6, read_timeout=READ_TIMEOUT, fault_rate=0.12)

    assert report.server_errors == []
    assert len(report.launched) == 30
    jobs = {job.pk: job for job in Job.objects.all()}
    assert sorted(jobs) == sorted(report.launched)  # exactly one row per launch
    assert not [job for job in jobs.values() if job.state == "submitting"]
    assert max(plan_runs_per_job(fast_stand_in).values()) == 1  # never sent twice
    # The faults did bite (refusals may or may not meet a plan_run; unknown outcomes always come).
    assert "unknown" in {job.state for job in jobs.values()}

    age_unknown_jobs()
    call_command("sync_jobs", stdout=StringIO(), stderr=StringIO())
    in_pe = pe_jobs_by_local_id(fast_stand_in)
    for job in Job.objects.all():
        if job.pk in in_pe:
            assert job.pe_job_id == in_pe[job.pk], job
            assert job.state in ("pending", "running", "success", "failure"), job
        else:
            assert job.state in ("not_submitted", "rejected"), job
            assert job.pe_job_id == ""
