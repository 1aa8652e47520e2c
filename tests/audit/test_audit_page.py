"""/audit/: the audit trail for auditors ("Can view audit trail") and superusers, with filters,
free text, pages by position and a CSV export; 404 for anyone else. And where each person lands."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.audit.services import record
from orchestrator_web.rbac import access
from tests.helpers import Html

DAY = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def trail_auditor(db: None) -> User:
    user = User.objects.create_user("tess", password="tess-password")
    user.user_permissions.add(Permission.objects.get(codename="view_audit_trail"))
    return user


@pytest.fixture
def jobs_auditor(db: None) -> User:
    """Sees every job, but not the audit trail."""
    user = User.objects.create_user("victor", password="victor-password")
    user.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))
    return user


def at(moment: datetime, monkeypatch: pytest.MonkeyPatch, *args, **kwargs) -> AuditEntry:  # type: ignore[no-untyped-def]
    """An entry written at `moment` (the trail stamps entries itself)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
    try:
        return record(*args, **kwargs)
    finally:
        monkeypatch.undo()


@pytest.fixture
def trail(monkeypatch: pytest.MonkeyPatch, alice: User) -> dict[str, int]:
    return {
        "launch": at(DAY, monkeypatch, Action.LAUNCH, "job 41", actor=alice, plan="patching::run").pk,
        "denied": at(
            DAY + timedelta(hours=1),
            monkeypatch,
            Action.DENIED,
            "db::failover",
            actor_name="Mallory",
            reason="no grant",
        ).pk,
        "grant": at(DAY + timedelta(days=3), monkeypatch, Action.GRANT_ADDED, "Operators", actor_name="sync_rbac").pk,
        "failed": at(
            DAY + timedelta(days=10), monkeypatch, Action.LOGIN_FAILED, "alice", actor_name="alice", reason="password"
        ).pk,
    }


def entry_ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        int(str(row["id"]).removeprefix("entry-")) for row in Html(response).soup.select("#audit-table tbody tr[id]")
    ]


def newest_first(trail: dict[str, int], names: str) -> list[int]:
    return [trail[name] for name in ("failed", "grant", "denied", "launch") if name in names.split()]


# -- who may see it ----------------------------------------------------------------------------


def test_an_auditor_reads_the_whole_trail_newest_first(client: Client, trail_auditor: User, trail: dict) -> None:
    client.force_login(trail_auditor)
    response = client.get("/audit/")
    assert response.status_code == 200
    listed = entry_ids(response)
    assert listed[0] not in trail.values()  # the auditor's own login, just now
    assert listed[1:] == newest_first(trail, "failed grant denied launch")


def test_a_superuser_reads_it_too(client: Client, admin_user: User, trail: dict) -> None:
    client.force_login(admin_user)
    assert set(newest_first(trail, "failed grant denied launch")) <= set(entry_ids(client.get("/audit/")))


def test_an_auditor_by_group_reads_it(client: Client, alice: User, trail: dict) -> None:
    group = Group.objects.create(name="Auditors")
    group.permissions.add(Permission.objects.get(codename="view_audit_trail"))
    group.user_set.add(alice)
    client.force_login(alice)
    assert client.get("/audit/").status_code == 200


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
@pytest.mark.parametrize("who", ["alice", "jobs_auditor", "outsider"])
def test_anyone_else_gets_404(client: Client, request, trail: dict, path: str, who: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(who))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_it_needs_a_login(client: Client, db: None, path: str) -> None:
    assert client.get(path).status_code == 302


# -- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"who": "MALL"}, "denied"),
        ({"who": "alic"}, "failed launch"),
        ({"action": "grant_added"}, "grant"),
        ({"target": "JOB 4"}, "launch"),
        ({"since": "2026-03-02"}, "failed grant"),
        ({"since": "2026-03-01", "until": "2026-03-01"}, "denied launch"),
        ({"q": "patching"}, "launch"),  # a detail
        ({"q": "no grant"}, "denied"),
        ({"q": "failed login"}, "failed"),  # what the action reads as
        ({"q": "operators"}, "grant"),
        ({"q": "sync_rbac"}, "grant"),
    ],
)
def test_each_filter_narrows_the_trail(
    client: Client, trail_auditor: User, trail: dict, query: dict, expected: str
) -> None:
    client.force_login(trail_auditor)
    shown = [pk for pk in entry_ids(client.get("/audit/", query)) if pk in trail.values()]
    assert shown == newest_first(trail, expected)


def test_bad_filters_are_reported_and_the_rest_applies(client: Client, trail_auditor: User, trail: dict) -> None:
    client.force_login(trail_auditor)
    response = client.get("/audit/", {"action": "explode", "until": "soon", "who": "mallory"})
    page = Html(response)
    assert "“explode” is not an action of the trail." in page.plain()
    assert "Enter a valid date." in page.plain()
    assert entry_ids(response) == [trail["denied"]]
    folded = page.soup.select_one("details.more-filters")
    assert folded is not None and folded.has_attr("open")  # the date that was not understood is in there


# -- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def many(trail_auditor: User, settings) -> list[int]:  # type: ignore[no-untyped-def]
    settings.JOBS_PER_PAGE = 3
    return [record(Action.LOGIN, f"login {n}", actor_name="robot").pk for n in range(8)]


def pager(response, words: str) -> str | None:  # type: ignore[no-untyped-def]
    for link in Html(response).soup.select("nav.pager a"):
        if words in link.get_text():
            return str(link["href"]).removeprefix("?")
    return None


def test_the_trail_is_paged_newest_first(client: Client, trail_auditor: User, many: list[int]) -> None:
    client.force_login(trail_auditor)
    query: str | None = "who=robot"
    pages = []
    while query is not None:
        response = client.get(f"/audit/?{query}")
        pages.append(entry_ids(response))
        assert Html(response).by_id("audit-table").startswith("8 entries")
        query = pager(response, "Older")
    assert pages == [many[::-1][0:3], many[::-1][3:6], many[::-1][6:8]]
    assert entry_ids(client.get(f"/audit/?{pager(response, 'Newer')}")) == pages[1]


def test_a_page_link_that_is_not_valid_says_so(client: Client, trail_auditor: User, many: list[int]) -> None:
    client.force_login(trail_auditor)
    response = client.get("/audit/", {"before": "999999999"})
    assert "That page link is out of date or not valid" in Html(response).plain()
    assert len(entry_ids(response)) == 3


def test_the_page_uses_a_fixed_number_of_queries(client: Client, trail_auditor: User, many: list[int]) -> None:
    def queries(**query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/", query).status_code == 200
        return len(captured)

    client.force_login(trail_auditor)
    first = queries()
    assert first <= 5  # session, user, permissions (2), the page with its count
    assert first == queries(who="nobody") == queries(q="login", action="login")
    assert queries(before=str(many[4])) == first + 1  # and the cursor's entry, with the count
    for _ in range(40):
        record(Action.LOGIN, "more", actor_name="robot")
    assert queries() == first


# -- CSV -----------------------------------------------------------------------------------------


def test_the_csv_follows_the_filters_and_keeps_formulas_as_text(
    client: Client, trail_auditor: User, trail: dict
) -> None:
    record(Action.DENIED, "=cmd|' /C calc'!A0", actor_name="mallory", reason="@SUM(1)")
    client.force_login(trail_auditor)
    response = client.get("/audit/export.csv", {"who": "mallory"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="orchestrator_web-audit.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["denied", "denied"]  # newest first
    assert rows[0]["target"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["details"] == '{"reason": "@SUM(1)"}'
    assert rows[1]["at"] == "2026-03-01T13:00:00+00:00"


# -- the menu and the first page -------------------------------------------------------------------


def audit_link(response) -> bool:  # type: ignore[no-untyped-def]
    return any(a.get_text() == "Audit" for a in Html(response).soup.select("header nav a"))


def test_the_menu_shows_audit_only_to_those_who_may_see_it(
    client: Client, trail_auditor: User, alice: User, jobs_auditor: User, admin_user: User
) -> None:
    for person, shown in [(trail_auditor, True), (admin_user, True), (alice, False), (jobs_auditor, False)]:
        client.force_login(person)
        assert audit_link(client.get("/jobs/")) is shown, person
        assert audit_link(client.get("/accounts/profile/")) is shown, person


@pytest.mark.parametrize("who", ["trail_auditor", "admin_user", "alice", "jobs_auditor", "by_group"])
def test_the_menu_asks_what_rbac_decides_in_one_query_at_most(request, db: None, who: str) -> None:  # type: ignore[no-untyped-def]
    from django.template import Context, Template

    if who == "by_group":
        person = User.objects.create_user("gus")
        group = Group.objects.create(name="Auditors")
        group.permissions.add(Permission.objects.get(codename="view_audit_trail"))
        group.user_set.add(person)
    else:
        person = request.getfixturevalue(who)
    person = User.objects.get(pk=person.pk)  # nothing read yet
    template = Template("{% load audit_trail %}{% shows_audit_trail as shown %}{{ shown }}")
    with CaptureQueriesContext(connection) as captured:
        shown = template.render(Context({"user": person}))
    assert len(captured) <= 1
    assert shown == str(access.sees_audit_trail(User.objects.get(pk=person.pk)))


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("alice", "/plans/"), ("admin_user", "/plans/"), ("trail_auditor", "/jobs/"), ("jobs_auditor", "/jobs/")],
)
def test_each_person_lands_on_the_page_that_fits_them(client: Client, request, who: str, lands_on: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(who))
    response = client.get("/")
    assert (response.status_code, response.url) == (302, lands_on)


def test_the_first_page_asks_for_a_login(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
