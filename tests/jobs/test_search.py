"""Free-text search in the history (?q=): any part of a job's description or parameter values,
in any case, every character taken literally; on SQLite through a full-text index that follows
every change to the jobs."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orchestrator_web.jobs.models import Job
from orchestrator_web.jobs.services import search_text
from tests.helpers import Html

from .conftest import logged_in, make_job

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own full-text index")


def found(client: Client, needle: str, **query: str) -> list[int]:
    """The jobs the history lists for `needle`, newest first."""
    page = Html(client.get("/jobs/", {"q": needle, **query}))
    return [int(str(link["href"]).split("/")[2]) for link in page.soup.select("#job-table tbody td:first-child a")]


def older(client: Client, needle: str, **query: str) -> str | None:
    """The cursor of the history's next page for `needle`, if there is one."""
    page = Html(client.get("/jobs/", {"q": needle, **query}))
    link = page.soup.select_one("nav.pager a:-soup-contains('Older')")
    return str(link["href"]).split("before=")[1].split("&")[0] if link else None


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    return logged_in(client, alice)


@pytest.fixture
def restart(alice: User) -> Job:
    return make_job(
        alice,
        description="Restart app tier (CHG-04242)",
        params={"targets": ["db01.example.net", "Web07.Example.Net"], "batch_size": 3, "notify": None},
    )


@pytest.fixture
def patch(alice: User) -> Job:
    return make_job(alice, description="Patch kernel", params={"targets": ["web08.example.net"]})


# -- what it finds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "needle",
    ["restart", "app tier", "start app", "chg-04242", "db01.exam", "web07.example.net", "DB01.Example", "WEB07"],
)
def test_it_finds_a_job_by_any_part_of_its_description_or_values(
    as_alice: Client, restart: Job, patch: Job, needle: str
) -> None:
    assert found(as_alice, needle) == [restart.pk]


def test_it_finds_every_job_that_holds_the_text_newest_first(as_alice: Client, restart: Job, patch: Job) -> None:
    assert found(as_alice, "example.net") == [patch.pk, restart.pk]


def test_the_pieces_of_a_needle_apart_are_not_a_match(as_alice: Client, alice: User) -> None:
    make_job(alice, description="CHG-42 then CHG-04242")
    job = make_job(alice, description="CHG-4242")
    assert found(as_alice, "chg-4242") == [job.pk]


@pytest.mark.parametrize("needle", ["restart app tier now", "db02", "chg-04243", "targets", "batch_size", "none"])
def test_it_finds_nothing_when_no_job_holds_the_text(as_alice: Client, restart: Job, patch: Job, needle: str) -> None:
    assert found(as_alice, needle) == []


def test_it_finds_letters_outside_ascii_in_any_case(as_alice: Client, alice: User, patch: Job) -> None:
    job = make_job(alice, description="Été: Straße über Ølstykke")
    assert found(as_alice, "ÉTÉ") == found(as_alice, "straße") == found(as_alice, "ØLSTYKKE") == [job.pk]


@pytest.mark.parametrize(
    ("text", "decoy", "needle"),
    [
        ('say "hello" twice', "say hello twice", '"hello"'),
        ('a "" b', "a b", '" b'),
        ("restart web* now", "restart web01 now", "web*"),
        ("key:value", "key value", "y:val"),
        ("pre-prod", "preprod and prod", "-prod"),
        ("100% done", "1000 done", "100%"),
        ("a_b_c", "axbxc", "a_b"),
        ("call f(x) now", "call f x now", "f(x)"),
        ("cats and dogs", "dogs and cats", "cats AND dogs"),
        ("this or that", "that or this", "this OR that"),
        ("near(a b)", "a b near", "NEAR(a b)"),
        ("c:\\temp\\x", "c:temp", "c:\\t"),
        ("it's done", "its done", "it's"),
        ("^start", "start", "^sta"),
        ("x + y", "x y", "x + y"),
        ("{col} : x", "col x", "{col}"),
    ],
)
def test_special_characters_are_searched_literally(
    as_alice: Client, alice: User, text: str, decoy: str, needle: str
) -> None:
    make_job(alice, description=decoy)
    job = make_job(alice, description=text)
    assert found(as_alice, needle) == [job.pk]


@pytest.mark.parametrize(
    ("text", "decoy", "needle"),
    [
        ("zq", "xy", "z"),
        ("zq", "xy", "Q"),
        ("zq", "qz", "zq"),
        ("50%", "500", "%"),
        ("a_b", "ab", "_"),
        ('say "hi"', "say hi", '"'),
        ("x*y", "xy", "*"),
        ("c:\\", "c:", "\\"),
        ("a-b", "ab", "a-"),
    ],
)
def test_needles_of_one_or_two_characters_are_found_too(
    as_alice: Client, alice: User, text: str, decoy: str, needle: str
) -> None:
    make_job(alice, description=decoy)
    job = make_job(alice, description=text)
    assert found(as_alice, needle) == [job.pk]


def test_a_search_combines_with_the_other_filters(as_alice: Client, alice: User, restart: Job) -> None:
    failed = make_job(alice, description="Restart app tier", state="failure")
    assert found(as_alice, "restart", state="failure") == [failed.pk]
    assert found(as_alice, "restart", state="running") == []


def test_it_never_finds_other_peoples_jobs(client: Client, outsider: User, restart: Job) -> None:
    assert found(logged_in(client, outsider), "restart") == []


@pytest.mark.usefixtures("orchestrator_settings")
def test_it_never_finds_a_sensitive_value(as_alice: Client, alice: User) -> None:
    from orchestrator_web.plans.forms import Launch
    from orchestrator_web.plans.services import submit

    launch = Launch(
        plan_name="webapp::rolling_restart",
        environment="production",
        params={"targets": "web01.example.net", "api_key": "lb-secret-123"},
        sensitive=["api_key"],
        description="Restart app tier",
        timeout=None,
        userdata={},
        param_types={"targets": "TargetSpec", "api_key": "Sensitive[String]"},
    )
    job, _ = submit(alice, launch, uuid.uuid4())
    assert found(as_alice, "web01.example") == [job.pk]
    assert found(as_alice, "lb-secret-123") == found(as_alice, "secret") == found(as_alice, "lb") == []


def test_the_csv_holds_the_jobs_found(as_alice: Client, restart: Job, patch: Job) -> None:
    response = as_alice.get("/jobs/export.csv", {"q": "kernel"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [str(patch.pk)]


# -- paging and queries -----------------------------------------------------------------------


def test_the_jobs_found_are_paged_and_counted(as_alice: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_PER_PAGE = 5
    wanted = [make_job(alice, description=f"nightly drill {n}").pk for n in range(12)]
    for _ in range(3):
        make_job(alice, description="daily check")
    to_second = older(as_alice, "drill")
    assert to_second
    to_third = older(as_alice, "drill", before=to_second)
    assert to_third
    pages = [found(as_alice, "drill", **cursor) for cursor in ({}, {"before": to_second}, {"before": to_third})]
    assert pages[0] + pages[1] + pages[2] == sorted(wanted, reverse=True)
    assert [len(page) for page in pages] == [5, 5, 2]
    assert older(as_alice, "drill", before=to_third) is None
    assert Html(as_alice.get("/jobs/", {"q": "drill"})).by_id("job-table").startswith("12 jobs")


@pytest.mark.parametrize("needle", ["x", "xyz", 'x "y*'])
def test_a_search_costs_the_queries_of_any_history_page(as_alice: Client, alice: User, needle: str) -> None:
    def queries(**query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_alice.get("/jobs/", query).status_code == 200
        return len(captured)

    queries()  # reads the team choices, which stay cached
    unfiltered = queries()
    none_match = queries(q=needle)
    for _ in range(60):
        make_job(alice, description='x "y* xyz')
    assert none_match == queries(q=needle) == queries() == unfiltered


@sqlite_only
def test_a_needle_of_three_characters_or_more_is_looked_up_in_the_index(as_alice: Client, restart: Job) -> None:
    with CaptureQueriesContext(connection) as captured:
        as_alice.get("/jobs/", {"q": "app"})
    (page,) = [q["sql"] for q in captured if 'FROM "jobs_job"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert "SCAN jobs_job_search VIRTUAL TABLE" in plan
    assert "SCAN jobs_job " not in f"{plan} "  # the jobs are read by id, never all of them


# -- the index follows the jobs ------------------------------------------------------------------


def test_a_changed_text_is_found_by_its_new_words_only(as_alice: Client, restart: Job) -> None:
    restart.description = "Rotate keys"
    restart.search_text = search_text(restart.description, restart.params)
    restart.save()
    assert found(as_alice, "rotate") == [restart.pk]
    assert found(as_alice, "restart") == []
    Job.objects.filter(pk=restart.pk).update(search_text="drain node")
    assert found(as_alice, "drain") == [restart.pk]
    assert found(as_alice, "rotate") == found(as_alice, "db01") == []


def test_a_job_saved_with_the_same_text_is_still_found(as_alice: Client, restart: Job) -> None:
    restart.state = "failure"
    restart.save()
    Job.objects.filter(pk=restart.pk).update(state="success", description="kept")
    assert found(as_alice, "app tier") == [restart.pk]


def test_a_deleted_jobs_text_does_not_come_back_with_its_id(as_alice: Client, alice: User, restart: Job) -> None:
    pk = restart.pk
    restart.delete()
    assert found(as_alice, "restart") == []
    # A job restored under the same id (from a backup, say) is found by its own text only.
    make_job(alice, id=pk, description="Patch kernel")
    assert found(as_alice, "patch") == [pk]
    assert found(as_alice, "restart") == []


@sqlite_only
def test_the_index_holds_exactly_the_jobs_texts(alice: User) -> None:
    jobs = [make_job(alice, description=f"job number {n}") for n in range(6)]
    Job.objects.filter(pk=jobs[0].pk).update(search_text="renamed")
    jobs[1].delete()
    Job.objects.filter(pk__in=[jobs[2].pk, jobs[3].pk]).delete()
    jobs[4].save()
    with connection.cursor() as cursor:
        # Fails (SQLITE_CORRUPT_VTAB) where the index and the jobs' texts differ.
        cursor.execute("INSERT INTO jobs_job_search (jobs_job_search, rank) VALUES ('integrity-check', 1)")
