"""Rows of jobs under way update by themselves: the page polls for just those rows and is
answered 204 when none changed, or with the rows that did, swapped in place."""

from __future__ import annotations

import pytest
from bs4 import Tag
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from orchestrator_web.jobs.models import Job
from tests.helpers import Html

from .conftest import logged_in, make_job

HTMX = {"HX-Request": "true"}


def poller(response) -> Tag | None:  # type: ignore[no-untyped-def]
    found = Html(response).soup.find(id="job-live")
    return found if isinstance(found, Tag) else None


def poll(client: Client, url: str):  # type: ignore[no-untyped-def]
    return client.get(url, headers=HTMX)


@pytest.fixture
def under_way(alice: User) -> dict[str, Job]:
    return {
        "running": make_job(alice, state="running", pe_job_id="7"),
        "pending": make_job(alice, state="pending", pe_job_id="8"),
        "done": make_job(alice, state="success", finished_at=timezone.now()),
    }


def test_a_page_with_jobs_under_way_polls_for_just_their_rows(
    client: Client, alice: User, under_way: dict, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.JOB_POLL_SECONDS = 3
    element = poller(logged_in(client, alice).get("/jobs/"))
    assert element is not None and element["hx-trigger"] == "every 3s"
    asked = str(element["hx-get"]).split("live=")[1].split(",")
    assert sorted(int(item.split(".")[0]) for item in asked) == sorted(
        [under_way["running"].pk, under_way["pending"].pk]
    )


def test_a_page_of_finished_jobs_does_not_poll(client: Client, alice: User) -> None:
    make_job(alice, state="success", finished_at=timezone.now())
    assert poller(logged_in(client, alice).get("/jobs/")) is None


def test_nothing_changed_is_answered_204(client: Client, alice: User, under_way: dict) -> None:
    url = str(poller(logged_in(client, alice).get("/jobs/"))["hx-get"])  # type: ignore[index]
    assert poll(client, url).status_code == 204


def test_a_row_that_changed_comes_back_to_be_swapped_in_place(client: Client, alice: User, under_way: dict) -> None:
    url = str(poller(logged_in(client, alice).get("/jobs/"))["hx-get"])  # type: ignore[index]
    job = under_way["running"]
    job.state, job.finished_at = "success", timezone.now()
    job.save()
    response = poll(client, url)
    assert response.status_code == 200
    page = Html(response)
    (row,) = page.soup.find_all("tr")
    assert (row["id"], row["hx-swap-oob"]) == (f"job-{job.pk}", "true")
    assert row.find_all("td")[4].get_text() == "Success"
    again = poller(response)
    assert again is not None and again["hx-swap-oob"] == "true"
    assert str(again["hx-get"]).split("live=")[1].split(".")[0] == str(under_way["pending"].pk)


def test_the_poll_stops_when_no_job_is_under_way_any_more(client: Client, alice: User, under_way: dict) -> None:
    url = str(poller(logged_in(client, alice).get("/jobs/"))["hx-get"])  # type: ignore[index]
    for name in ("running", "pending"):
        job = under_way[name]
        job.state, job.finished_at = "failure", timezone.now()
        job.save()
    again = poller(poll(client, url))
    assert again is not None
    assert not again.has_attr("hx-get") and not again.has_attr("hx-trigger")


def test_the_poll_shows_no_job_one_may_not_see(client: Client, alice: User, outsider: User) -> None:
    theirs = make_job(outsider, state="running", pe_job_id="9")
    logged_in(client, alice)
    assert poll(client, f"/jobs/?live={theirs.pk}.1").status_code == 204


@pytest.mark.parametrize("live", ["", "abc", "1.x,2", "99999999999999999999.1", ",,,"])
def test_an_odd_poll_is_answered_204(client: Client, alice: User, under_way: dict, live: str) -> None:
    assert poll(logged_in(client, alice), f"/jobs/?live={live}").status_code == 204


def test_a_poll_uses_a_fixed_number_of_queries(
    client: Client, alice: User, under_way: dict, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    url = str(poller(logged_in(client, alice).get("/jobs/"))["hx-get"])  # type: ignore[index]
    with django_assert_max_num_queries(5):  # session, user, permissions (2), the rows
        poll(client, url)
