"""/jobs/ and /jobs/export.csv: who sees what, filters, paging, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import Tag
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from orchestrator_web.jobs.forms import JobFilterForm
from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac.models import GroupProfile
from tests.helpers import Html

from .conftest import logged_in, make_job


def job_ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    """The jobs the table lists, in its order."""
    links = Html(response).soup.select("#job-table tbody td:first-child a")
    return [int(str(link["href"]).split("/")[2]) for link in links]


def csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def cast(alice: User, bob: User, outsider: User) -> dict[str, int]:
    """One job each for alice, bob (alice's team mate) and oscar (outsider)."""
    return {
        "alice": make_job(alice).pk,
        "bob": make_job(bob).pk,
        "oscar": make_job(outsider).pk,
    }


# -- visibility -------------------------------------------------------------------------------


def test_the_requester_sees_their_job_and_team_mates_jobs(client: Client, alice: User, cast: dict) -> None:
    assert job_ids(logged_in(client, alice).get("/jobs/")) == [cast["bob"], cast["alice"]]


def test_it_hides_other_peoples_jobs_from_an_outsider(client: Client, outsider: User, cast: dict) -> None:
    assert job_ids(logged_in(client, outsider).get("/jobs/")) == [cast["oscar"]]


def test_an_auditor_sees_everything(client: Client, auditor: User, cast: dict) -> None:
    assert job_ids(logged_in(client, auditor).get("/jobs/")) == [cast["oscar"], cast["bob"], cast["alice"]]


def test_a_group_that_is_not_a_team_shares_nothing(
    client: Client, alice: User, bob: User, team: Group, cast: dict
) -> None:
    team.profile.is_team = False
    team.profile.save()
    assert job_ids(logged_in(client, alice).get("/jobs/")) == [cast["alice"]]


@pytest.mark.parametrize("path", ["/jobs/{}/", "/jobs/{}/stop/", "/jobs/{}/run-again/"])
def test_a_job_outside_ones_scope_is_404_everywhere(client: Client, outsider: User, cast: dict, path: str) -> None:
    response = logged_in(client, outsider).get(path.format(cast["alice"]))
    assert response.status_code == 404


def test_a_job_outside_ones_scope_is_404_on_stop_posts_too(client: Client, outsider: User, cast: dict) -> None:
    assert logged_in(client, outsider).post(f"/jobs/{cast['alice']}/stop/").status_code == 404


def test_the_csv_holds_only_visible_jobs(client: Client, outsider: User, cast: dict) -> None:
    rows = list(
        csv.reader(
            io.StringIO(b"".join(logged_in(client, outsider).get("/jobs/export.csv").streaming_content).decode())
        )
    )
    assert [row[0] for row in rows[1:]] == [str(cast["oscar"])]


def test_history_needs_a_login(client: Client, db: None) -> None:
    assert client.get("/jobs/").status_code == 302
    assert client.get("/jobs/export.csv").status_code == 302


# -- the table --------------------------------------------------------------------------------


def cells_of(response, job_id: int) -> list[Tag]:  # type: ignore[no-untyped-def]
    row = Html(response).soup.find("tr", id=f"job-{job_id}")
    assert isinstance(row, Tag), f"no row for job {job_id}"
    return row.find_all("td")


def test_a_row_shows_the_job_in_local_time_with_its_text_escaped(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Europe/Paris"
    job = make_job(
        alice,
        state="failure",
        description='<b>"Tom & Jerry"</b> ' + "x" * 100,
        created_at=datetime(2026, 3, 1, 11, 0, tzinfo=UTC),
        finished_at=datetime(2026, 3, 1, 11, 2, 38, tzinfo=UTC),
    )
    response = logged_in(client, alice).get("/jobs/")
    cells = cells_of(response, job.pk)
    assert cells[1].get_text() == "—"  # never reached PE
    assert cells[4].get_text() == "Failure" and cells[4].span["class"] == ["state", "state-failure"]
    description = cells[6].get_text()
    assert description.startswith('<b>"Tom & Jerry"</b> xxx') and description.endswith("x…")
    assert cells[6].find("b") is None  # text, never markup
    # The exact time on hover, in the site's zone (a script puts it in the browser's).
    assert cells[7].time["datetime"] == "2026-03-01T11:00:00Z"
    assert cells[7].time["title"] == "2026-03-01 12:00:00 CET"
    assert cells[8].time["title"] == "2026-03-01 12:02:38 CET"
    assert cells[9].get_text() == "2m 38s"


def test_a_running_job_shows_how_long_it_has_run_and_no_end(client: Client, alice: User) -> None:
    job = make_job(alice, state="running", pe_job_id="42")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1, minutes=2, seconds=3))
    cells = cells_of(logged_in(client, alice).get("/jobs/"), job.pk)
    assert cells[1].get_text() == "42"
    assert cells[8].get_text() == "—"
    assert cells[9].get_text().startswith("1h 02m 0")
    assert float(cells[9].time["data-elapsed"]) >= 3723  # the page's script ticks it from there


def test_a_stopped_job_says_who_stopped_it(client: Client, alice: User, bob: User) -> None:
    job = make_job(alice, state="failure", stopped_by=bob, stopped_by_username="bob", finished_at=timezone.now())
    failed = make_job(alice, state="failure", finished_at=timezone.now())
    response = logged_in(client, alice).get("/jobs/")
    assert cells_of(response, job.pk)[4].get_text() == "Stopped by bob"
    assert cells_of(response, failed.pk)[4].get_text() == "Failure"
    rows = {row["job"]: row for row in csv_rows(client.get("/jobs/export.csv"))}
    assert (rows[str(job.pk)]["state"], rows[str(job.pk)]["shown_as"]) == ("failure", "Stopped by bob")
    assert rows[str(failed.pk)]["shown_as"] == "Failure"


# -- filters ----------------------------------------------------------------------------------


@pytest.fixture
def history(alice: User, bob: User) -> dict[str, int]:
    return {
        "restart": make_job(
            alice, plan_name="webapp::rolling_restart", state="running", description="Restart app tier"
        ).pk,
        "failed": make_job(bob, plan_name="db::failover", state="failure", params={"primary": "db01.example.net"}).pk,
        "dev": make_job(alice, environment="development", created_at=datetime(2026, 1, 5, 12, tzinfo=UTC)).pk,
        "old": make_job(bob, created_at=datetime(2025, 6, 1, 12, tzinfo=UTC), description="Quarterly check").pk,
    }


def newest_first(history: dict[str, int], names: list[str]) -> list[int]:
    order = ["restart", "failed", "dev", "old"]  # by submission time, newest first
    return [history[name] for name in order if name in names]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"scope": "mine"}, ["dev", "restart"]),
        ({"plan": "db::failover"}, ["failed"]),
        ({"state": "running"}, ["restart"]),
        ({"requested_by": "bob"}, ["old", "failed"]),
        ({"environment": "development"}, ["dev"]),
        ({"submitted_from": "2026-01-01", "submitted_to": "2026-01-31"}, ["dev"]),
        ({"submitted_to": "2025-12-31"}, ["old"]),
        ({"q": "app tier"}, ["restart"]),
        ({"q": "DB01.example"}, ["failed"]),
        ({"q": "quarterly", "requested_by": "bob"}, ["old"]),
    ],
)
def test_each_filter_narrows_the_history(
    client: Client, alice: User, history: dict, query: dict, expected: list
) -> None:
    response = logged_in(client, alice).get("/jobs/", query)
    assert job_ids(response) == newest_first(history, expected)


def test_the_team_filter_shows_team_members_jobs(client: Client, alice: User, team: Group, history: dict) -> None:
    response = logged_in(client, alice).get("/jobs/", {"team": team.pk})
    assert len(job_ids(response)) == 4


def test_someone_elses_team_is_refused(client: Client, outsider: User, team: Group) -> None:
    response = logged_in(client, outsider).get("/jobs/", {"team": team.pk})
    assert "That team does not exist or is not yours." in response.content.decode()


def test_a_persons_teams_stay_theirs_while_another_page_is_built(alice: User, outsider: User, team: Group) -> None:
    # The filter forms share their fields between pages (gunicorn builds several at once), but
    # the team field's choices are each person's own.
    theirs = JobFilterForm(alice)
    JobFilterForm(outsider)
    assert (team.pk, team.name) in theirs.fields["team"].choices  # type: ignore[attr-defined]
    assert (team.pk, team.name) not in JobFilterForm(outsider).fields["team"].choices  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"state": "exploded"}, "“exploded” is not a job state."),
        ({"submitted_from": "yesterday"}, "Enter a valid date."),
        ({"plan": "Not A Plan"}, "“Not A Plan” is not a plan name."),
        ({"scope": "everyone"}, "“everyone” is not a choice here."),
        ({"submitted_from": "2026-01-01", "submitted_to": "2025-01-01"}, "The end date is before the start date."),
    ],
)
def test_bad_filters_are_reported_and_the_rest_applies(
    client: Client, alice: User, history: dict, query: dict, message: str
) -> None:
    response = logged_in(client, alice).get("/jobs/", query | {"requested_by": "alice"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were not understood" in page
    assert message.replace("“", "&ldquo;") in page or message in page
    assert job_ids(response) == newest_first(history, ["dev", "restart"])


def test_filters_live_in_the_url_and_htmx_gets_just_the_table(client: Client, alice: User, history: dict) -> None:
    response = logged_in(client, alice).get("/jobs/", {"state": "running"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="job-table"')
    assert "export.csv?state=running" in content


# -- paging --------------------------------------------------------------------------------


@pytest.fixture
def many_jobs(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_PER_PAGE = 5
    for _ in range(12):
        make_job(alice)


def pager_link(response, words: str) -> str | None:  # type: ignore[no-untyped-def]
    """The query string of the pager's link that says `words` ("Older", "Newer"...)."""
    for link in Html(response).soup.select("nav.pager a"):
        if words in link.get_text():
            return str(link["href"]).removeprefix("?")
    return None


def older_link(response) -> str | None:  # type: ignore[no-untyped-def]
    return pager_link(response, "Older")


def newer_link(response) -> str | None:  # type: ignore[no-untyped-def]
    return pager_link(response, "Newer")


def test_the_history_is_paged_newest_first(client: Client, alice: User, many_jobs: None) -> None:
    first = logged_in(client, alice).get("/jobs/")
    second = client.get(f"/jobs/?{older_link(first)}")
    third = client.get(f"/jobs/?{older_link(second)}")
    pages = [job_ids(page) for page in (first, second, third)]
    assert [len(ids) for ids in pages] == [5, 5, 2]
    everything = [i for ids in pages for i in ids]
    assert everything == sorted(everything, reverse=True)
    assert older_link(third) is None
    assert newer_link(first) is None
    assert job_ids(client.get(f"/jobs/?{newer_link(third)}")) == pages[1]


def test_paging_keeps_the_filters(client: Client, alice: User, many_jobs: None) -> None:
    make_job(alice, state="failure")
    first = logged_in(client, alice).get("/jobs/", {"state": "success"})
    assert "state=success" in older_link(first)
    assert len(job_ids(client.get(f"/jobs/?{older_link(first)}"))) == 5


def counted(response) -> str:  # type: ignore[no-untyped-def]
    """What the table's heading says about the number of jobs, e.g. "13 jobs"."""
    meta = Html(response).soup.select_one("#job-table p.table-meta")
    assert meta is not None, "no job count on the page"
    return " ".join(meta.get_text().split("·")[0].split())


def test_every_page_counts_all_matching_jobs(client: Client, alice: User, many_jobs: None) -> None:
    make_job(alice, state="failure")
    first = logged_in(client, alice).get("/jobs/")
    last = client.get(f"/jobs/?{older_link(client.get(f'/jobs/?{older_link(first)}'))}")
    past_the_end = client.get("/jobs/", {"before": job_ids(last)[-1]})  # an empty page
    assert counted(first) == counted(last) == counted(past_the_end) == "13 jobs"
    assert counted(client.get("/jobs/", {"state": "failure"})) == "1 job"
    assert counted(client.get("/jobs/", {"state": "running"})) == "0 jobs"


@pytest.mark.parametrize("cursor", ["before=abc", "before=999999", "after=-1"])
def test_a_page_link_that_is_not_valid_says_so(client: Client, alice: User, many_jobs: None, cursor: str) -> None:
    response = logged_in(client, alice).get(f"/jobs/?{cursor}")
    assert "That page link is out of date or not valid; here is the first page." in Html(response).plain()
    assert len(job_ids(response)) == 5


def test_a_large_history_says_more_than_instead_of_counting(
    client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestrator_web import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 6)
    for _ in range(7):
        make_job(alice)
    page = logged_in(client, alice).get("/jobs/")
    assert counted(page) == "More than 6 jobs"
    assert counted(client.get("/jobs/", {"before": job_ids(page)[-1]})) == "More than 6 jobs"  # an empty page
    assert counted(client.get("/jobs/", {"state": "failure"})) == "0 jobs"


def test_a_search_that_can_only_grow_is_not_counted_again_once_large(
    client: Client, alice: User, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orchestrator_web import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 6)
    for _ in range(7):
        make_job(alice)
    reader = logged_in(client, alice)

    def counts(query: dict) -> tuple[str, bool]:
        with CaptureQueriesContext(connection) as queries:
            page = reader.get("/jobs/", query)
        return counted(page), any("COUNT(" in q["sql"] for q in queries.captured_queries)

    assert counts({"scope": "mine", "plan": "facts"}) == ("More than 6 jobs", True)
    # Her own jobs of a plan can only grow (jobs are never deleted): known, not counted again.
    assert counts({"scope": "mine", "plan": "facts"}) == ("More than 6 jobs", False)
    assert counts({"scope": "mine", "plan": "facts", "before": "99999"})[1] is False
    # A state changes, and her team's jobs change with her teams: those are always counted.
    assert counts({"scope": "mine", "state": "success"}) == ("More than 6 jobs", True)
    assert counts({"scope": "mine", "state": "success"}) == ("More than 6 jobs", True)
    assert counts({}) == ("More than 6 jobs", True)
    assert counts({}) == ("More than 6 jobs", True)
    # A small search is counted every time: it may still grow past the cap.
    assert counts({"scope": "mine", "plan": "nothing_like_it"}) == ("0 jobs", True)
    assert counts({"scope": "mine", "plan": "nothing_like_it"}) == ("0 jobs", True)
    # Someone who sees every job sees them only grow.
    reader = logged_in(client, admin_user)
    assert counts({}) == ("More than 6 jobs", True)
    assert counts({}) == ("More than 6 jobs", False)


def test_the_list_uses_a_fixed_number_of_queries(client: Client, alice: User, history: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(**query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/jobs/", {"q": "x", "state": "success", "team": "", **query})
        assert response.status_code == 200
        return len(captured)

    logged_in(client, alice)
    queries()  # reads the team choices, which stay cached
    none_match = queries()
    for _ in range(60):
        make_job(alice, description="x", state="success")
    full_page = queries()
    older = older_link(client.get("/jobs/", {"q": "x", "state": "success"}))
    assert none_match == full_page <= 5  # session, user, permissions (2), the page with its count
    second_page = queries(before=older.split("before=")[1])
    past_the_end = queries(before=str(Job.objects.filter(description="x").order_by("created_at", "pk").first().pk))
    assert second_page == past_the_end == full_page + 1  # and the cursor's job, with the count


def test_the_team_filter_follows_changes_to_teams_at_once(client: Client, alice: User, team: Group) -> None:
    def teams_listed() -> list[str]:
        return [text for value, text in Html(client.get("/jobs/")).options("team") if value]

    assert logged_in(client, alice) and teams_listed() == ["Web team"]
    night = Group.objects.create(name="Night shift")
    night.user_set.add(alice)
    assert teams_listed() == ["Web team"]  # a group, not yet a team
    GroupProfile.objects.create(group=night, is_team=True)
    assert teams_listed() == ["Night shift", "Web team"]
    team.name = "Web crew"
    team.save()
    assert teams_listed() == ["Night shift", "Web crew"]
    alice.groups.remove(night)
    assert teams_listed() == ["Web crew"]
    team.delete()
    assert teams_listed() == []


# -- CSV -----------------------------------------------------------------------------------------


def test_the_csv_follows_the_filters_and_escapes_values(client: Client, alice: User) -> None:
    make_job(
        alice,
        description='=HYPERLINK("http://evil")',
        params={"note": 'a, "quoted"\nline'},
        sensitive_params=["api_key"],
    )
    make_job(alice, plan_name="canary")
    response = logged_in(client, alice).get("/jobs/export.csv", {"plan": "facts::info"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="orchestrator_web-jobs.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["job", "pe_job", "plan"]
    (row,) = rows[1:]
    record = dict(zip(rows[0], row, strict=True))
    assert record["description"] == '\'=HYPERLINK("http://evil")'
    assert record["parameters"] == '{"note": "a, \\"quoted\\"\\nline"}'
    assert record["sensitive_parameters"] == "api_key"


def test_the_csv_uses_a_fixed_number_of_queries(client: Client, alice: User, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(25):
        make_job(alice)
    logged_in(client, alice)
    with django_assert_max_num_queries(6):
        b"".join(client.get("/jobs/export.csv").streaming_content)


def test_the_filter_form_shows_the_filters_in_use(client: Client, alice: User, team: Group) -> None:
    query = {"state": "failure", "team": team.pk, "plan": "db::failover", "submitted_from": "2026-01-01", "q": "drill"}
    page = Html(logged_in(client, alice).get("/jobs/", query))
    assert page.value("state") == "failure"
    assert page.value("team") == str(team.pk)
    assert page.value("plan") == "db::failover"
    assert page.value("submitted_from") == "2026-01-01"
    assert page.value("q") == "drill"


# -- names matched by a part of them -------------------------------------------------------------


@pytest.fixture
def names(alice: User, bob: User) -> dict[str, int]:
    return {
        "patching": make_job(alice, plan_name="patching::run").pk,
        "report": make_job(bob, plan_name="patching::report", environment="development").pk,
        "facts": make_job(alice, plan_name="facts::info", environment="staging_eu").pk,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"plan": "patching"}, ["report", "patching"]),
        ({"plan": "PATCHING::R"}, ["report", "patching"]),
        ({"plan": "run"}, ["patching"]),
        ({"plan": "::info"}, ["facts"]),
        ({"requested_by": "BO"}, ["report"]),
        ({"requested_by": "lic"}, ["facts", "patching"]),
        ({"environment": "DEV"}, ["report"]),
        ({"environment": "eu"}, ["facts"]),
        ({"plan": "patching", "requested_by": "ali"}, ["patching"]),
    ],
)
def test_plan_requester_and_environment_match_any_part_of_a_name_in_any_case(
    client: Client, alice: User, names: dict, query: dict, expected: list
) -> None:
    assert job_ids(logged_in(client, alice).get("/jobs/", query)) == [names[name] for name in expected]


def test_a_part_that_no_name_holds_finds_nothing(client: Client, alice: User, names: dict) -> None:
    response = logged_in(client, alice).get("/jobs/", {"plan": "nothing_like_it"})
    assert job_ids(response) == []
    assert counted(response) == "0 jobs"


def test_a_name_first_used_a_moment_ago_is_found(
    client: Client, alice: User, names: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestrator_web.jobs import selectors

    logged_in(client, alice).get("/jobs/", {"plan": "patching"})  # the names are read, and kept
    fresh = make_job(alice, plan_name="canary::fresh").pk
    monkeypatch.setattr(selectors, "NAMES_RETRY_SECONDS", 0)
    assert job_ids(client.get("/jobs/", {"plan": "canary"})) == [fresh]


def test_a_part_matches_only_among_the_jobs_one_may_see(client: Client, outsider: User, names: dict) -> None:
    mine = make_job(outsider, plan_name="patching::run").pk
    assert job_ids(logged_in(client, outsider).get("/jobs/", {"plan": "patch"})) == [mine]


def test_the_choosers_suggest_the_names_on_the_page(client: Client, alice: User, names: dict, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    page = Html(logged_in(client, alice).get("/jobs/"))

    def suggested(name: str) -> list[str]:
        field = page.field(name)
        datalist = page.soup.find("datalist", id=field["list"])
        assert isinstance(datalist, Tag), f"no suggestions for {name}"
        return [str(option["value"]) for option in datalist.find_all("option")]

    assert suggested("plan") == ["facts::info", "patching::report", "patching::run"]
    assert suggested("requested_by") == ["alice", "bob"]
    assert suggested("environment") == ["development", "production", "staging_eu"]


def test_suggestions_cost_no_query(client: Client, alice: User, names: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    logged_in(client, alice).get("/jobs/")  # reads the team choices, which stay cached
    with CaptureQueriesContext(connection) as captured:
        client.get("/jobs/")
    assert len([query for query in captured if "jobs_job" in query["sql"]]) == 1  # the page, and nothing else


# -- compact filters -----------------------------------------------------------------------------


def test_the_common_filters_are_in_view_and_the_others_folded(client: Client, alice: User) -> None:
    page = Html(logged_in(client, alice).get("/jobs/"))
    folded = page.soup.select_one("details.more-filters")
    assert isinstance(folded, Tag) and not folded.has_attr("open")
    inside = {str(tag["name"]) for tag in folded.select("[name]")}
    assert inside == {"scope", "requested_by", "team", "environment", "submitted_from", "submitted_to"}
    in_view = {str(tag["name"]) for tag in page.soup.select(".filters-main [name]")}
    assert in_view == {"q", "plan", "state", "sort"}


@pytest.mark.parametrize("query", [{"environment": "dev"}, {"submitted_from": "not a day"}])
def test_more_filters_opens_when_one_of_them_is_in_use(client: Client, alice: User, query: dict) -> None:
    folded = Html(logged_in(client, alice).get("/jobs/", query)).soup.select_one("details.more-filters")
    assert isinstance(folded, Tag) and folded.has_attr("open")
    assert "(1 in use)" in folded.summary.get_text()


# -- userdata ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("orchestrator_settings")
def test_free_text_finds_what_was_put_in_the_userdata(client: Client, alice: User) -> None:
    import uuid

    from orchestrator_web.plans.forms import Launch
    from orchestrator_web.plans.services import submit

    launch = Launch("facts::info", "production", {"targets": "web01"}, [], "", None, {"ticket": "CHG-31337"}, {})
    job, _ = submit(alice, launch, uuid.uuid4())
    make_job(alice, description="something else")
    assert job_ids(logged_in(client, alice).get("/jobs/", {"q": "chg-31337"})) == [job.pk]
    assert job_ids(client.get("/jobs/", {"q": "ticket"})) == []  # values, never keys
