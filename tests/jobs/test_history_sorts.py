"""The history in other orders (?sort=): oldest first, finished last first, longest first; each
paged by position like the newest first, read off an index, at a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import Tag
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orchestrator_web.jobs.models import Job
from tests.helpers import Html

from .conftest import logged_in, make_job
from .test_history import counted, csv_rows, job_ids, pager_link

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own query plans")
DAY = datetime(2026, 3, 1, tzinfo=UTC)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


@pytest.fixture
def timed(alice: User) -> dict[str, int]:
    """Jobs submitted and finished at known times; one still running."""
    return {
        "a": make_job(alice, created_at=at(10), finished_at=at(10.5)).pk,  # 30 minutes
        "b": make_job(alice, created_at=at(11), finished_at=at(11) + timedelta(minutes=5)).pk,
        "c": make_job(alice, created_at=at(12), state="running").pk,
        "d": make_job(alice, created_at=at(9), finished_at=at(12.5), state="failure").pk,  # 3 h 30
        "e": make_job(alice, created_at=at(13), finished_at=at(13) + timedelta(minutes=1), state="rejected").pk,
    }


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", "ecbad"),
        ("oldest", "dabce"),
        ("finished", "edba"),
        ("duration", "dabe"),
    ],
)
def test_the_history_can_be_ordered_by_submission_finish_or_run_time(
    client: Client, alice: User, timed: dict, sort: str, expected: str
) -> None:
    response = logged_in(client, alice).get("/jobs/", {"sort": sort} if sort else {})
    assert job_ids(response) == [timed[name] for name in expected]


@pytest.mark.parametrize("sort", ["finished", "duration"])
def test_an_order_by_finish_lists_and_counts_finished_jobs_only(
    client: Client, alice: User, timed: dict, sort: str
) -> None:
    response = logged_in(client, alice).get("/jobs/", {"sort": sort})
    assert timed["c"] not in job_ids(response)
    assert counted(response) == "4 finished jobs"


def test_the_order_chosen_is_shown_in_the_form_and_the_columns(client: Client, alice: User, timed: dict) -> None:
    page = Html(logged_in(client, alice).get("/jobs/", {"sort": "duration"}))
    assert page.value("sort") == "duration"
    sorted_by = page.soup.select("#job-table th[aria-sort]")
    assert [(th.get_text(strip=True), th["aria-sort"]) for th in sorted_by] == [("Duration ↓", "descending")]


def test_an_order_that_does_not_exist_is_reported_and_the_newest_come_first(
    client: Client, alice: User, timed: dict
) -> None:
    response = logged_in(client, alice).get("/jobs/", {"sort": "random"})
    assert "“random” is not an order here." in Html(response).plain()
    assert job_ids(response) == [timed[name] for name in "ecbad"]


@pytest.fixture
def ties(alice: User, settings) -> list[int]:  # type: ignore[no-untyped-def]
    """Eleven finished jobs, many of them with the same run time and finish time, by longest first."""
    settings.JOBS_PER_PAGE = 3
    jobs = []
    for n in range(11):
        took = timedelta(minutes=10 if n % 3 else 20)
        jobs.append(make_job(alice, created_at=at(14) - took, finished_at=at(14)))
    return [job.pk for job in sorted(jobs, key=lambda job: (job.finished_at - job.created_at, job.pk), reverse=True)]


@pytest.mark.parametrize("sort", ["duration", "finished", "oldest"])
def test_paging_an_order_lists_every_job_once_even_among_ties(
    client: Client, alice: User, ties: list[int], sort: str
) -> None:
    logged_in(client, alice)
    pages, query = [], f"sort={sort}"
    forward = {"duration": "Shorter", "finished": "Finished earlier", "oldest": "Newer"}[sort]
    while query is not None:
        response = client.get(f"/jobs/?{query}")
        pages.append(job_ids(response))
        assert counted(response).startswith("11 ")
        query = pager_link(response, forward)
    everything = [pk for page in pages for pk in page]
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    assert sorted(everything) == sorted(ties)
    if sort == "duration":
        assert everything == ties
    back = {"duration": "Longer", "finished": "Finished later", "oldest": "Older"}[sort]
    assert job_ids(client.get(f"/jobs/?{pager_link(response, back)}")) == pages[-2]


@pytest.mark.parametrize("sort", ["", "oldest", "finished", "duration"])
def test_every_order_costs_the_queries_of_any_page(client: Client, alice: User, ties: list[int], sort: str) -> None:
    def queries(**query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/jobs/", {"sort": sort, **query}).status_code == 200
        return len(captured)

    logged_in(client, alice).get("/jobs/")  # reads the team choices, which stay cached
    client.get("/jobs/", {"plan": "x"})  # reads the names a part is matched among, kept for a minute
    first = queries()
    assert first == queries(plan="facts") == queries(state="failure")  # one that finds nothing
    assert first <= 5  # session, user, permissions (2), the page with its count
    assert queries(before=str(ties[4])) == first + 1  # and the cursor's job, with the count


def test_the_csv_follows_the_order(client: Client, alice: User, timed: dict) -> None:
    rows = csv_rows(logged_in(client, alice).get("/jobs/export.csv", {"sort": "duration"}))
    assert [int(row["job"]) for row in rows] == [timed[name] for name in "dabe"]


# -- read off an index ------------------------------------------------------------------------


def plan_of(client: Client, query: dict[str, str]) -> str:
    with CaptureQueriesContext(connection) as captured:
        client.get("/jobs/", query)
    (page,) = [q["sql"] for q in captured if 'FROM "jobs_job"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")
        return " / ".join(row[-1] for row in cursor.fetchall())


@sqlite_only
@pytest.mark.parametrize(("sort", "index"), [("finished", "job_finished"), ("duration", "job_run_time")])
def test_an_order_by_finish_reads_its_index_and_sorts_nothing(
    client: Client, auditor: User, timed: dict, sort: str, index: str
) -> None:
    plan = plan_of(logged_in(client, auditor), {"sort": sort})
    assert f"USING INDEX {index}" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.django_db(transaction=True)
def test_migrating_keeps_the_search_triggers_and_indexes_the_userdata_of_older_jobs() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before, latest = [("jobs", "0007_job_step_states")], executor.loader.graph.leaf_nodes("jobs")
    executor.migrate(before)
    executor.loader.build_graph()
    OldJob = executor.loader.project_state(before).apps.get_model("jobs", "Job")
    old = OldJob.objects.create(
        plan_name="facts::info",
        environment="production",
        requested_by_username="gone",
        userdata={"ticket": "CHG-90210", "links": ["https://tracker.example.net/CHG-90210"]},
        search_text="",
        created_at=at(1),
    )
    plain = OldJob.objects.create(plan_name="canary", environment="production", search_text="kept", created_at=at(2))
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    # In the order the database keeps the keys (PostgreSQL's jsonb sorts them).
    lines = Job.objects.get(pk=old.pk).search_text.split("\n")
    assert lines[0] == "" and sorted(lines[1:]) == ["chg-90210", "https://tracker.example.net/chg-90210"]
    assert Job.objects.get(pk=plain.pk).search_text == "kept"  # no userdata: left as it was
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name = 'jobs_job' AND type IN ('trigger', 'index')"
            )
            found = {row[0] for row in cursor.fetchall()}
        assert {"jobs_job_search_insert", "jobs_job_search_update", "jobs_job_search_delete"} <= found
        assert {"job_finished", "job_run_time"} <= found
        with connection.cursor() as cursor:  # the full-text index holds the new text
            cursor.execute("SELECT rowid FROM jobs_job_search WHERE jobs_job_search MATCH '\"90210\"'")
            assert [row[0] for row in cursor.fetchall()] == [old.pk]


def test_the_column_headers_sort_too(client: Client, alice: User, timed: dict) -> None:
    page = Html(logged_in(client, alice).get("/jobs/", {"state": "success"}))
    links = {a.get_text(strip=True): str(a["href"]) for a in page.soup.select("#job-table thead a")}
    assert links["Duration"] == "?state=success&sort=duration"
    assert links["Finished"] == "?state=success&sort=finished"
    assert links["Submitted ↓"] == "?state=success&sort=oldest"
    header = page.soup.select_one("#job-table thead")
    assert isinstance(header, Tag)
