"""/jobs/<id>/ at a glance: state (who stopped it), elapsed time, steps done, each target's
result, events in words, the link to PE's console, and only the buttons the person may use."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.simulator import ManualClock, StandIn
from tests.helpers import Html

from .conftest import logged_in, make_job
from .test_job_page import launch

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 1, 11, 0, 0, tzinfo=UTC)


def page_of(client: Client, user: User, job_id: int) -> Html:
    return Html(logged_in(client, user).get(f"/jobs/{job_id}/"))


def rows(page: Html) -> list[tuple[str, str, str]]:
    """The per-target table: (target, result, output and error) for each row."""
    table = page.soup.find(id="job-targets")
    assert table is not None, "no per-target results on the page"
    return [
        tuple(" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"]))  # type: ignore[misc]
        for row in table.tbody.find_all("tr")
    ]


# -- the buttons ---------------------------------------------------------------------------------


def test_run_again_shows_only_to_those_who_may_run_the_plan(client: Client, alice: User, auditor: User) -> None:
    job = make_job(alice, plan_name="facts::info")
    assert "Run again" in page_of(client, alice, job.pk).by_id("job-actions")
    assert "Run again" not in page_of(client, auditor, job.pk).by_id("job-actions")


def test_run_again_by_someone_who_may_not_run_the_plan_is_refused_and_recorded(
    client: Client, alice: User, auditor: User
) -> None:
    job = make_job(alice, plan_name="facts::info")
    response = logged_in(client, auditor).get(f"/jobs/{job.pk}/run-again/")
    assert response.status_code == 403
    denied = AuditEntry.objects.get(action="denied")
    assert (denied.actor_name, denied.target) == ("victor", "facts::info")


def test_an_auditor_is_offered_neither_button_on_a_running_job(client: Client, alice: User, auditor: User) -> None:
    job = make_job(alice, state="running", pe_job_id="7")
    assert page_of(client, auditor, job.pk).by_id("job-actions") == ""


def test_a_finished_job_offers_no_stop(client: Client, alice: User) -> None:
    job = make_job(alice, state="success", pe_job_id="7")
    assert page_of(client, alice, job.pk).by_id("job-actions") == "Run again"


# -- state, time and progress ---------------------------------------------------------------------


def test_a_stopped_job_says_who_stopped_it(client: Client, alice: User, stand_in: StandIn, clock: ManualClock) -> None:
    job = launch(alice, "patching::run", {"targets": "web01"})
    clock.advance(5)
    logged_in(client, alice).post(f"/jobs/{job.pk}/stop/")
    page = page_of(client, alice, job.pk)
    assert page.by_id("job-state") == "Stopped by alice"
    job.refresh_from_db()
    assert job.state == "failure"  # what PE reports


def test_a_running_job_gives_its_elapsed_time_for_the_clock_to_tick(client: Client, alice: User) -> None:
    job = make_job(alice, state="running", pe_job_id="7", created_at=timezone.now() - timedelta(seconds=65.2))
    clock = page_of(client, alice, job.pk).soup.select_one("#job-clock time[data-elapsed]")
    assert clock is not None
    assert clock.get_text() == "1m 05s"
    assert clock["datetime"] == "PT65S"
    assert 65 <= float(clock["data-elapsed"]) < 70


def test_a_finished_job_says_how_long_it_took(client: Client, alice: User) -> None:
    job = make_job(alice, pe_job_id="7", created_at=START, finished_at=START + timedelta(seconds=51, milliseconds=600))
    clock = page_of(client, alice, job.pk)
    assert clock.by_id("job-clock").startswith("Took 52s · finished")
    assert not clock.soup.select("time[data-elapsed]")


def test_progress_counts_the_steps_started_and_done(client: Client, alice: User) -> None:
    job = make_job(alice, state="running", pe_job_id="7", step_states={"11": "finished", "12": "running"})
    job.events.create(event_id=1, type="task_start", details={"job-id": "11"})
    job.events.create(event_id=2, type="command_start", details={"job-id": 12})
    assert page_of(client, alice, job.pk).by_id("job-progress") == "1 of 2 steps done · 1 running"


def test_progress_counts_failed_steps(client: Client, alice: User) -> None:
    job = make_job(alice, state="failure", pe_job_id="7", step_states={"11": "finished", "12": "failed"})
    assert page_of(client, alice, job.pk).by_id("job-progress") == "2 of 2 steps done · 1 failed"


def test_progress_follows_the_plan_job_as_pe_reports_it(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)  # two tasks: the first from 5 s to 7 s, the second from 9 s to 11 s
    clock.advance(6)
    assert page_of(client, alice, job.pk).by_id("job-progress") == "0 of 1 step done · 1 running"
    clock.advance(4)
    assert page_of(client, alice, job.pk).by_id("job-progress") == "1 of 2 steps done · 1 running"
    clock.advance(60)
    assert page_of(client, alice, job.pk).by_id("job-progress") == "2 of 2 steps done"


# -- results and events ----------------------------------------------------------------------------


def test_each_target_is_listed_with_its_result_and_output(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice, "facts::info", {"targets": ["web01.example.net", "db01.example.net"]})
    clock.advance(30)
    page = page_of(client, alice, job.pk)
    assert page.by_id("job-target-summary") == "2 targets: 2 succeeded"
    (web, db) = rows(page)
    assert web[:2] == ("web01.example.net", "Succeeded")
    assert '"fqdn": "web01.example.net"' in web[2]
    assert db[:2] == ("db01.example.net", "Succeeded")


def test_a_failed_target_shows_its_error_and_the_plan_says_why(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice, "facts::info", {"targets": "web01.example.net, win01.example.net"})
    clock.advance(30)
    page = page_of(client, alice, job.pk)
    assert page.by_id("job-target-summary") == "2 targets: 1 succeeded, 1 failed"
    assert rows(page)[1] == (
        "win01.example.net",
        "Failed",
        "Failed to connect to win01.example.net: connection refused",
    )
    assert page.by_id("job-failure") == "Plan aborted: run_task 'facts' failed on 1 target"


def test_a_result_without_targets_in_it_has_no_target_table(client: Client, alice: User) -> None:
    page = page_of(client, alice, make_job(alice, pe_job_id="7", result={"restarted": ["web01"]}).pk)
    assert page.soup.find(id="job-targets") is None


def test_events_read_as_sentences(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    clock.advance(60)
    texts = [span.get_text() for span in page_of(client, alice, job.pk).soup.select("#job-events .event-text")]
    first, second = job.events.filter(type="task_start").values_list("details__job-id", flat=True)
    assert texts == [
        "Draining web01 from the load balancer",
        f"Task started (job {first})",
        "batch 1/2 done",
        f"Task started (job {second})",
        "batch 2/2 done",
        "Plan finished",
    ]


def test_timeline_states_are_named(client: Client, alice: User) -> None:
    job = make_job(alice, state="not_submitted", timeline=[{"state": "not_submitted", "at": START.isoformat()}])
    timeline = page_of(client, alice, job.pk).by_id("job-timeline")
    assert timeline.startswith("Timeline Not submitted")


# -- the PE console ----------------------------------------------------------------------------------


def test_the_pe_job_links_to_it_in_the_pe_console(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PE_CONSOLE_URL = "https://console.example.net"
    job = make_job(alice, pe_job_id="417")
    link = page_of(client, alice, job.pk).soup.select_one("#job-facts a")
    assert link["href"] == "https://console.example.net/#/orchestration/plans/plan/417"
    assert " ".join(link.get_text(" ").split()) == "417 (in the PE console)"


def test_a_job_that_never_reached_pe_has_no_link(client: Client, alice: User) -> None:
    job = make_job(alice, state="not_submitted")
    facts = page_of(client, alice, job.pk)
    assert facts.soup.select("#job-facts a") == []
    assert "PE job none" in facts.by_id("job-facts")


@pytest.mark.parametrize(
    ("orchestrator", "console"),
    [
        ("https://pe.example.net:8143", "https://pe.example.net"),
        ("https://[2001:db8::5]:8143", "https://[2001:db8::5]"),
    ],
)
def test_the_console_is_the_orchestrators_host_on_port_443_by_default(orchestrator: str, console: str) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ORCHESTRATOR_", "PE_", "RBAC_", "DJANGO_"))}
    environ.update(DEBUG="true", DATABASE_URL="sqlite:///:memory:", ORCHESTRATOR_URL=orchestrator)
    code = "from orchestrator_web import settings; print(settings.PE_CONSOLE_URL)"
    result = subprocess.run([sys.executable, "-c", code], env=environ, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == console
