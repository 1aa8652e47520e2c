"""/jobs/ and /jobs/export.csv: who sees what, filters, paging, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac.models import GroupProfile

from .conftest import logged_in, make_job


def job_ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(n) for n in re.findall(r'<td><a href="/jobs/(\d+)/">', response.content.decode())]


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


def row_of(response, job_id: int) -> str:  # type: ignore[no-untyped-def]
    match = re.search(rf'<tr><td><a href="/jobs/{job_id}/">.*?</tr>', response.content.decode(), re.S)
    assert match, f"no row for job {job_id}"
    return match.group(0)


def test_a_row_shows_the_job_in_local_time_with_its_text_escaped(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Europe/Paris"
    job = make_job(
        alice,
        state="failure",
        description='<b>"Tom & Jerry"</b> ' + "x" * 100,
        created_at=datetime(2026, 3, 1, 11, 0, tzinfo=UTC),
        finished_at=datetime(2026, 3, 1, 11, 2, 38, tzinfo=UTC),
    )
    row = row_of(logged_in(client, alice).get("/jobs/"), job.pk)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[1] == "—"  # never reached PE
    assert cells[4] == '<span class="state state-failure">Failure</span>'
    assert cells[6].startswith("&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt; xxx") and cells[6].endswith("x…")
    assert "<b>" not in row
    # The exact time on hover, in the site's zone (a script puts it in the browser's).
    assert cells[7] == '<time datetime="2026-03-01T11:00:00Z" title="2026-03-01 12:00:00 CET">2026-03-01</time>'
    assert cells[8] == '<time datetime="2026-03-01T11:02:38Z" title="2026-03-01 12:02:38 CET">2026-03-01</time>'
    assert cells[9] == "2m 38s"


def test_a_running_job_shows_how_long_it_has_run_and_no_end(client: Client, alice: User) -> None:
    job = make_job(alice, state="running", pe_job_id="42")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1, minutes=2, seconds=3))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_of(logged_in(client, alice).get("/jobs/"), job.pk))
    assert cells[1] == "42"
    assert cells[8] == "—"
    assert cells[9].startswith("1h 02m 0")


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


def older_link(response) -> str | None:  # type: ignore[no-untyped-def]
    match = re.search(r'<a href="\?([^"]*)"[^>]*>Older', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def newer_link(response) -> str | None:  # type: ignore[no-untyped-def]
    match = re.search(r'<a href="\?([^"]*)"[^>]*>\S+ Newer', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


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
    meta = re.search(r'<p class="table-meta">\s*(.*?)\s*·', response.content.decode(), re.S)
    assert meta, "no job count on the page"
    return meta.group(1)


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
    assert "That page link is out of date or not valid; here are the newest jobs." in response.content.decode()
    assert len(job_ids(response)) == 5


def test_a_large_history_says_more_than_instead_of_counting(
    client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestrator_web.jobs import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 6)
    for _ in range(7):
        make_job(alice)
    page = logged_in(client, alice).get("/jobs/")
    assert counted(page) == "More than 6 jobs"
    assert counted(client.get("/jobs/", {"before": job_ids(page)[-1]})) == "More than 6 jobs"  # an empty page
    assert counted(client.get("/jobs/", {"state": "failure"})) == "0 jobs"


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
        page = client.get("/jobs/").content.decode()
        select = re.search(r'<select name="team".*?</select>', page, re.S)
        assert select, "no team filter"
        return re.findall(r'<option value="\d+">([^<]*)</option>', select.group(0))

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
    page = logged_in(client, alice).get("/jobs/", query).content.decode()
    assert '<option value="failure" selected>' in page
    assert f'<option value="{team.pk}" selected>Web team</option>' in page
    assert 'name="plan" id="id_plan" value="db::failover"' in page
    assert '<input type="date" name="submitted_from" id="id_submitted_from" value="2026-01-01">' in page
    assert 'type="search" name="q" id="id_q" value="drill"' in page
