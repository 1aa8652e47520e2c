"""Times and durations, one way everywhere: in the reader's zone on pages, ISO 8601 with the
site's offset in the CSV, durations by the same function (rounded) on both."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.times import duration_text, whole_seconds
from tests.helpers import Html

from .conftest import logged_in, make_job

START = datetime(2026, 3, 1, 11, 0, 0, tzinfo=UTC)


def csv_rows(client: Client, **query: str) -> list[dict[str, str]]:
    response = client.get("/jobs/export.csv", query)
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_page_and_the_csv_give_the_same_duration(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Europe/Paris"
    job = make_job(alice, created_at=START, finished_at=START + timedelta(seconds=51, milliseconds=600))
    logged_in(client, alice)
    page = Html(client.get("/jobs/"))
    (row,) = csv_rows(client)
    assert row["duration_seconds"] == "52"
    assert "52s" in page.plain()
    assert row["submitted"] == "2026-03-01T12:00:00+01:00"  # ISO 8601, the site's offset
    assert job.pk


def test_a_job_of_under_a_second_says_so() -> None:
    assert duration_text(timedelta(milliseconds=400)) == "under 1s"
    assert whole_seconds(timedelta(milliseconds=400)) == 0
    assert duration_text(timedelta(seconds=3723.4)) == "1h 02m 03s"


def test_times_are_shown_in_the_persons_chosen_zone(client: Client, alice: User) -> None:
    job = make_job(alice, created_at=START, finished_at=START + timedelta(seconds=5))
    logged_in(client, alice)
    client.post("/accounts/profile/time-zone/", {"time_zone": "Asia/Kolkata"})
    page = Html(client.get("/jobs/"))
    titles = [t["title"] for t in page.soup.find_all("time")]
    assert "2026-03-01 16:30:00 IST" in titles
    assert page.soup.html.has_attr("data-zone-chosen")  # the browser's script leaves it as it is
    client.post("/accounts/profile/time-zone/", {"time_zone": ""})
    assert not Html(client.get(f"/jobs/{job.pk}/")).soup.html.has_attr("data-zone-chosen")


def test_a_chosen_zone_comes_back_at_the_next_login(client: Client, alice: User) -> None:
    from orchestrator_web.accounts.models import Preferences

    Preferences.objects.create(user=alice, time_zone="America/New_York")
    client.post("/accounts/login/", {"username": "alice", "password": "alice-password"})
    make_job(alice, created_at=START)
    titles = [t["title"] for t in Html(client.get("/jobs/")).soup.find_all("time")]
    assert "2026-03-01 06:00:00 EST" in titles


def test_an_unknown_zone_is_refused(client: Client, alice: User) -> None:
    logged_in(client, alice)
    response = client.post("/accounts/profile/time-zone/", {"time_zone": "Mars/Olympus"}, follow=True)
    assert "That is not a time zone this server knows." in Html(response).plain()


def test_the_excel_export_starts_with_a_byte_order_mark(client: Client, alice: User) -> None:
    make_job(alice, description="Größe prüfen")
    logged_in(client, alice)
    body = b"".join(client.get("/jobs/export.csv", {"excel": "1"}).streaming_content)
    assert body.startswith("\ufeff".encode())
    assert "Größe prüfen" in body.decode()
    assert not b"".join(client.get("/jobs/export.csv").streaming_content).startswith("\ufeff".encode())
