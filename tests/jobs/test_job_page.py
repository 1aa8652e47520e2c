"""/jobs/<id>/: live state and events from PE, stop, run again."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from orchestrator_web.jobs.models import Job
from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.simulator import ManualClock, StandIn
from tests.helpers import Html

from .conftest import logged_in, make_job

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

RESTART = {"targets": ["web01.example.net"], "batch_size": 2, "notify": None, "api_key": "lb-secret-123"}


def launch(
    user: User, plan: str = "webapp::rolling_restart", params: dict[str, Any] | None = None, **extra: Any
) -> Job:
    params = RESTART if params is None and plan == "webapp::rolling_restart" else (params or {})
    sensitive = ["api_key"] if "api_key" in params else []
    types = {"targets": "TargetSpec", "batch_size": "Integer[1, 10]", "api_key": "Sensitive[String]"}
    job, _ = submit(
        user,
        Launch(plan, "production", dict(params), sensitive, extra.get("description", ""), None, {}, types),
        uuid.uuid4(),
    )
    return job


# -- the page ----------------------------------------------------------------------------------


def test_viewing_an_unfinished_job_refreshes_it_from_pe(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    clock.advance(5)
    page = Html(logged_in(client, alice).get(f"/jobs/{job.pk}/"))
    job.refresh_from_db()
    assert job.state == "running"
    assert page.by_id("job-state") == "Running"
    assert "Draining web01 from the load balancer" in page.by_id("job-events")


def test_the_polling_fragment_appends_new_events_and_carries_on_while_running(
    client: Client, alice: User, clock: ManualClock
) -> None:
    job = launch(alice)
    logged_in(client, alice)
    clock.advance(4)
    first = Html(client.get(f"/jobs/{job.pk}/"))
    clock.advance(4)
    later = Html(client.get(first.soup.find(id="job-poll")["hx-get"], headers={"HX-Request": "true"}))
    appended = later.soup.find(attrs={"hx-swap-oob": "beforeend:#job-events-list"})
    shown = [span.get_text() for span in first.soup.select("#job-events-list .event-text")]
    new = [span.get_text() for span in appended.select(".event-text")]
    assert shown == ["Draining web01 from the load balancer"]
    assert new == [f"Task started (job {job.events.get(type='task_start').details['job-id']})", "batch 1/2 done"]
    assert later.soup.find(id="job-poll")["hx-trigger"] == "every 3s"


def test_polling_stops_when_the_job_finishes(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    clock.advance(60)
    fragment = Html(logged_in(client, alice).get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}))
    assert fragment.by_id("job-state") == "Success"
    assert not fragment.soup.find(id="job-poll").has_attr("hx-trigger")
    assert "Plan finished" in fragment.by_id("job-events")
    assert "web02.example.net" in fragment.by_id("job-result")  # the result, pretty-printed


def test_events_are_stored_once_although_the_cursor_repeats_the_last(
    client: Client, alice: User, clock: ManualClock
) -> None:
    job = launch(alice)
    logged_in(client, alice)
    for _ in range(6):  # the plan runs 1 + 12 seconds
        clock.advance(3)
        client.get(f"/jobs/{job.pk}/")
    ids = list(job.events.values_list("event_id", flat=True))
    assert ids == sorted(set(ids))
    assert job.events.last().type == "plan_finished"


def test_a_failed_plan_shows_its_error_result(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice, "db::failover", {"primary": "db01", "replica": "db02", "vault_token": "x"})
    clock.advance(60)
    page = logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-state">Failure<' in page
    assert "run_task &#x27;db::promote&#x27; failed" in page


def test_short_results_are_shown_as_they_are(client: Client, alice: User) -> None:
    job = make_job(alice, pe_job_id="7", result={"restarted": ["web01"]})
    page = Html(logged_in(client, alice).get(f"/jobs/{job.pk}/"))
    assert not [d for d in page.soup.find_all("details") if "Show the result" in d.get_text()]
    assert "web01" in page.plain()


def test_long_results_are_folded(client: Client, alice: User) -> None:
    job = make_job(alice, pe_job_id="7", result={"lines": [f"line {i}" for i in range(100)]})
    page = logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode()
    assert "<details><summary>Show the result" in page


def test_an_unreachable_orchestrator_still_shows_the_job(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice)
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    response = logged_in(client, alice).get(f"/jobs/{job.pk}/")
    assert response.status_code == 200
    assert "Could not refresh from PE: The orchestrator could not be reached" in response.content.decode()


def test_the_page_never_shows_sensitive_values(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    clock.advance(60)
    page = logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode()
    assert "lb-secret-123" not in page
    assert "api_key" in page


def test_a_team_mate_and_an_auditor_see_the_job_page(client: Client, alice: User, bob: User, auditor: User) -> None:
    job = make_job(alice)
    assert logged_in(client, bob).get(f"/jobs/{job.pk}/").status_code == 200
    assert logged_in(client, auditor).get(f"/jobs/{job.pk}/").status_code == 200


def test_a_job_id_that_is_not_a_number_is_404(client: Client, alice: User) -> None:
    assert logged_in(client, alice).get("/jobs/abc/").status_code == 404


def test_the_detail_page_uses_a_fixed_number_of_queries(
    client: Client, alice: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    job = make_job(alice, pe_job_id="7")
    for i in range(20):
        job.events.create(event_id=i, type="out_message", details={"message": str(i)})
    logged_in(client, alice)
    # session, user, the person's permissions (2), the job, its events, their plan grants
    with django_assert_max_num_queries(7):
        client.get(f"/jobs/{job.pk}/")


# -- stop ----------------------------------------------------------------------------------


def test_the_requester_stops_a_running_job_after_confirming(
    client: Client, alice: User, stand_in: StandIn, clock: ManualClock
) -> None:
    job = launch(alice, "patching::run", {"targets": "web01"})
    clock.advance(5)
    logged_in(client, alice)
    confirm = client.get(f"/jobs/{job.pk}/stop/")
    assert b"Stop job" in confirm.content
    assert stand_in.sim.requests_to("/command/stop_plan") == []
    response = client.post(f"/jobs/{job.pk}/stop/", follow=True)
    page = response.content.decode()
    assert "Stop requested" in page
    job.refresh_from_db()
    assert (job.state, job.stopped_by_username) == ("failure", "alice")
    assert job.stopped_at is not None
    assert stand_in.sim.requests_to("/command/stop_plan")[0]["body"] == {"plan_job": job.pe_job_id}


def test_a_team_mate_may_see_but_not_stop(client: Client, alice: User, bob: User, stand_in: StandIn) -> None:
    job = launch(alice, "patching::run", {"targets": "web01"})
    response = logged_in(client, bob).post(f"/jobs/{job.pk}/stop/")
    assert response.status_code == 403
    assert stand_in.sim.requests_to("/command/stop_plan") == []


def test_can_stop_any_job_lets_a_team_mate_stop(client: Client, alice: User, bob: User, stand_in: StandIn) -> None:
    bob.user_permissions.add(Permission.objects.get(codename="stop_any_job"))
    job = launch(alice, "patching::run", {"targets": "web01"})
    logged_in(client, User.objects.get(pk=bob.pk)).post(f"/jobs/{job.pk}/stop/")
    job.refresh_from_db()
    assert job.stopped_by_username == "bob"


def test_stopping_a_job_that_just_finished_says_so(
    client: Client, alice: User, stand_in: StandIn, clock: ManualClock
) -> None:
    job = launch(alice, "tools::noop")
    logged_in(client, alice)
    clock.advance(30)  # it finished while the confirmation page was open
    page = client.post(f"/jobs/{job.pk}/stop/", follow=True).content.decode()
    assert "The job had already finished (success)." in page
    assert stand_in.sim.requests_to("/command/stop_plan") == []


def test_stopping_a_job_pe_no_longer_knows_says_so(client: Client, alice: User) -> None:
    job = make_job(alice, state="running", pe_job_id="999")
    page = logged_in(client, alice).post(f"/jobs/{job.pk}/stop/", follow=True).content.decode()
    assert "PE no longer knows plan job 999" in page


def test_a_job_that_never_reached_pe_cannot_be_stopped(client: Client, alice: User) -> None:
    job = make_job(alice, state="unknown")
    page = logged_in(client, alice).post(f"/jobs/{job.pk}/stop/", follow=True).content.decode()
    assert "PE has not confirmed this job started" in page


def test_the_stop_button_shows_only_to_those_who_may_stop(client: Client, alice: User, bob: User) -> None:
    job = make_job(alice, state="running", pe_job_id="1")
    assert "Stop plan" in logged_in(client, alice).get(f"/jobs/{job.pk}/").content.decode()
    assert "Stop plan" not in logged_in(client, bob).get(f"/jobs/{job.pk}/").content.decode()


# -- run again ---------------------------------------------------------------------------------


def test_run_again_prefills_the_form_without_sensitive_values(client: Client, alice: User) -> None:
    job = launch(alice, description="again please")
    response = logged_in(client, alice).get(f"/jobs/{job.pk}/run-again/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/plans/webapp::rolling_restart/?environment=production&from_job={job.pk}"
    assert re.search(r'name="param__batch_size" value="2"', page)
    assert "[&quot;web01.example.net&quot;]</textarea>" in page  # a list of one, as it was sent
    assert "again please</textarea>" in page
    assert "api_key is sensitive and was not stored: type it again." in page
    assert "lb-secret-123" not in page


def test_run_again_points_out_a_changed_plan_signature(client: Client, alice: User) -> None:
    job = make_job(
        alice,
        plan_name="webapp::rolling_restart",
        params={"targets": "web01", "batch_size": 20, "colour": "blue"},
        param_types={"targets": "TargetSpec", "batch_size": "Integer[1, 20]", "colour": "String"},
    )
    page = logged_in(client, alice).get(f"/plans/webapp::rolling_restart/?from_job={job.pk}").content.decode()
    assert "colour no longer exists in webapp::rolling_restart" in page
    assert "batch_size changed type from Integer[1, 20] to Integer[1, 10]; check its value." in page
    assert "batch_size: the old value no longer fits" in page
    assert "drain is a new parameter since job" in page


def test_run_again_of_someone_elses_job_is_404(client: Client, alice: User, outsider: User) -> None:
    job = make_job(outsider, plan_name="webapp::rolling_restart")
    response = logged_in(client, alice).get(f"/plans/webapp::rolling_restart/?from_job={job.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "-1", ""])
def test_run_again_with_a_bad_job_number_is_404(client: Client, alice: User, value: str) -> None:
    assert logged_in(client, alice).get(f"/plans/facts::info/?from_job={value}").status_code == 404


def test_many_watchers_ask_pe_about_a_job_once_per_interval(
    client: Client,
    alice: User,
    bob: User,
    stand_in: StandIn,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.JOB_REFRESH_SECONDS = 60
    job = launch(alice)
    for viewer in (alice, bob, alice):
        logged_in(client, viewer).get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert len(stand_in.sim.requests_to(f"/plan_jobs/{job.pe_job_id}")) == 1


def test_whoami_names_the_session(client: Client, alice: User) -> None:
    assert client.get("/accounts/profile/whoami").status_code == 302
    assert logged_in(client, alice).get("/accounts/profile/whoami").json() == {"username": "alice"}


def test_a_job_page_and_the_export_are_never_cached(client: Client, alice: User) -> None:
    job = launch(alice)
    logged_in(client, alice)
    assert "no-store" in client.get(f"/jobs/{job.pk}/")["Cache-Control"]
    assert "no-store" in client.get("/jobs/export.csv")["Cache-Control"]
