"""Whatever PE sends is stored safely on both databases, and the job says what had to change;
one job that cannot be refreshed never stops sync_jobs refreshing the others."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from orchestrator_web.jobs import services
from orchestrator_web.jobs.models import Job
from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.simulator import ManualClock, StandIn
from tests.helpers import Html

from .conftest import logged_in


def _nested(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


DEEP = _nested(70)
NASTY = {
    "bad::plan": {
        "parameters": {},
        "simulate": {
            "pending": 1,
            "duration": 4,
            "steps": [{"type": "out_message", "message": "before\u0000after \ud800 end"}],
            "result": {"text": "x\u0000y", "deep": DEEP},
        },
    },
    "ok::plan": {"parameters": {}},
}


@pytest.fixture
def nasty_pe(pe_with: Callable[..., StandIn]) -> StandIn:
    return pe_with(NASTY)


def launch(user: User, plan: str) -> Job:
    job, _ = submit(user, Launch(plan, "production", {}, [], "", None, {}, {}), uuid.uuid4())
    return job


def test_nul_and_lone_surrogates_from_pe_are_replaced_and_said(
    client: Client, admin_user: User, nasty_pe: StandIn, clock: ManualClock
) -> None:
    job = launch(admin_user, "bad::plan")
    clock.advance(10)
    page = Html(logged_in(client, admin_user).get(f"/jobs/{job.pk}/"))
    job.refresh_from_db()
    assert job.state == "success"
    assert job.result["text"] == "x\ufffdy"
    message = job.events.get(type="out_message").details["message"]
    assert message == "before\ufffdafter \ufffd end"
    assert "characters that cannot be stored (NUL, lone surrogates) were replaced with �" in page.plain()
    assert "nested more than 64 levels" in page.plain()


def test_sync_jobs_refreshes_every_other_job_and_then_reports_the_failure(
    admin_user: User, nasty_pe: StandIn, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, fine = launch(admin_user, "ok::plan"), launch(admin_user, "ok::plan")
    clock.advance(10)
    original = services._pull

    def pull(job: Job, client):  # type: ignore[no-untyped-def]
        if job.pk == broken.pk:
            raise RuntimeError("this one breaks")
        return original(job, client)

    monkeypatch.setattr(services, "_pull", pull)
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("sync_jobs", stdout=StringIO(), stderr=err)
    fine.refresh_from_db()
    assert fine.state == "success"  # done although an earlier job failed
    assert f"job {broken.pk}: RuntimeError" in err.getvalue()
