"""/jobs/<id>/ while someone watches: a poll says which version it shows and gets only what
changed (204 for nothing), the buttons only when they change; without JavaScript the page
reloads itself until the plan ends."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.jobs.models import Job
from orchestrator_web.simulator import ManualClock
from tests.helpers import Html

from .conftest import logged_in, make_job
from .test_job_page import launch

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

HTMX = {"HX-Request": "true"}


def watch(client: Client, job: Job) -> Html:
    """The page as a browser first loads it."""
    return Html(client.get(f"/jobs/{job.pk}/"))


def poll(client: Client, page: Html) -> Any:
    """The request the page's poller sends, with the version the page shows."""
    return client.get(page.soup.find(id="job-poll")["hx-get"], headers=HTMX)


def swapped(fragment: Html) -> dict[str, str]:
    """What a poll's answer swaps: the id (or the target) of each part, and how."""
    parts = {}
    for tag in fragment.soup.find_all(attrs={"hx-swap-oob": True}):
        how = tag["hx-swap-oob"]
        parts[how.partition(":#")[2] if ":" in how else tag["id"]] = how
    return parts


def test_a_poll_gets_204_when_nothing_changed(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    clock.advance(5)
    page = watch(logged_in(client, alice), job)
    response = poll(client, page)
    assert response.status_code == 204
    assert response.content == b""


def test_asking_pe_and_hearing_nothing_new_writes_nothing(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    clock.advance(5)
    watch(logged_in(client, alice), job)
    before = Job.objects.get(pk=job.pk).updated_at
    watch(client, job)  # asks PE again (JOB_REFRESH_SECONDS is 0 in tests)
    assert Job.objects.get(pk=job.pk).updated_at == before


def test_a_poll_after_a_change_gets_the_changed_parts_but_not_the_buttons(
    client: Client, alice: User, clock: ManualClock
) -> None:
    job = launch(alice)
    page = watch(logged_in(client, alice), job)
    clock.advance(5)
    fragment = Html(poll(client, page))
    parts = swapped(fragment)
    assert parts["job-status"] == "innerHTML:#job-status"
    assert parts["job-poll"] == "true"
    assert "job-actions" not in parts
    assert "job-facts" not in parts
    assert fragment.by_id("job-state") == "Running"


def test_new_events_are_appended_to_those_shown(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    clock.advance(4)
    page = watch(logged_in(client, alice), job)
    clock.advance(3)
    fragment = Html(poll(client, page))
    assert swapped(fragment)["job-events-list"] == "beforeend:#job-events-list"
    appended = fragment.soup.find(attrs={"hx-swap-oob": "beforeend:#job-events-list"})
    task = job.events.get(type="task_start").details["job-id"]
    assert [span.get_text() for span in appended.select(".event-text")] == [
        f"Task started (job {task})",
        "batch 1/2 done",
    ]
    assert "Draining web01" not in fragment.plain()  # shown already


def test_the_first_events_replace_the_empty_list(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    page = watch(logged_in(client, alice), job)
    assert page.by_id("job-events") == "Events No events yet."
    clock.advance(4)
    fragment = Html(poll(client, page))
    assert swapped(fragment)["job-events"] == "true"
    assert "No events yet" not in fragment.by_id("job-events")


def test_the_buttons_are_sent_again_when_the_job_ends(client: Client, alice: User, clock: ManualClock) -> None:
    job = launch(alice)
    page = watch(logged_in(client, alice), job)
    assert "Stop plan" in page.by_id("job-actions")
    clock.advance(60)
    fragment = Html(poll(client, page))
    assert fragment.by_id("job-actions") == "Run again"
    assert not fragment.soup.find(id="job-poll").has_attr("hx-get")
    assert "web02.example.net" in fragment.by_id("job-result")


def test_a_new_problem_asking_pe_is_a_change(client: Client, alice: User, clock: ManualClock, settings) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice)
    page = watch(logged_in(client, alice), job)
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    fragment = Html(poll(client, page))
    assert "Could not refresh from PE: The orchestrator could not be reached" in fragment.plain()


def test_a_version_that_cannot_be_read_gets_every_part(client: Client, alice: User) -> None:
    job = make_job(alice, state="running", pe_job_id="7")
    logged_in(client, alice)
    fragment = Html(client.get(f"/jobs/{job.pk}/", {"since": "not.a.version"}, headers=HTMX))
    assert set(swapped(fragment)) >= {"job-poll", "job-status", "job-clock", "job-actions", "job-facts", "job-events"}


def test_without_javascript_an_unfinished_job_reloads_itself(client: Client, alice: User) -> None:
    job = make_job(alice, state="running", pe_job_id="7")
    page = watch(logged_in(client, alice), job)
    (refresh,) = page.soup.head.select("noscript meta[http-equiv=refresh]")
    assert refresh["content"] == "9"  # three polls
    assert "This page reloads every 9 seconds until the plan ends." in page.plain()
    assert "updates by itself" not in page.plain()


def test_a_finished_job_does_not_reload(client: Client, alice: User) -> None:
    job = make_job(alice, state="success", pe_job_id="7")
    page = watch(logged_in(client, alice), job)
    assert not page.soup.select("meta[http-equiv=refresh]")
    assert not page.soup.find(id="job-poll").has_attr("hx-get")
