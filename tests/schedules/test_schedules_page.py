"""/schedules/: what PE's scheduler holds, to whom it is shown, and changing and removing
(disabling) a schedule: by its creator, by a manager, refused for anyone else; every change
audited; what was done in PE directly shown as such."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import requests
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.connection import orchestrator
from orchestrator_web.pe.types import Schedule as Timing
from orchestrator_web.rbac.models import GroupProfile
from orchestrator_web.schedules import services
from orchestrator_web.schedules.models import Schedule, Status
from orchestrator_web.simulator import ManualClock, StandIn
from tests.helpers import Html

from .conftest import SECRET, Scheduler, advance_to, local_input, tomorrow_at

JOBS = "/scheduled_jobs/environment_jobs"


@pytest.fixture
def scheduled(scheduler: Scheduler) -> Schedule:
    """alice's schedule: webapp::rolling_restart tomorrow at 09:00 UTC, every 6 hours."""
    response = scheduler.schedule(start_at=local_input(tomorrow_at(9)), repeat_every="6", repeat_unit="hours")
    assert response.status_code == 302
    return Schedule.objects.get()


def _person(name: str, *groups: Group, perms: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user(name, password=f"{name}-password")
    user.groups.add(*groups)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _row(page: Html, pe_id: str) -> str:
    row = page.soup.find(id=f"schedule-{pe_id}")
    return " ".join(row.get_text(" ").split()) if row is not None else ""


def _disable_in_pe(stand_in: StandIn, pe_id: str) -> None:
    response = requests.put(
        f"{stand_in.url}/orchestrator/v1{JOBS}/{pe_id}",
        json={"enabled": False},
        headers={"X-Authentication": "demo-service-token"},
        timeout=5,
    )
    assert response.status_code == 200


# -- the list ---------------------------------------------------------------------------------


def test_it_lists_the_schedule_with_its_next_run_interval_owner_and_creator(
    scheduled: Schedule, scheduler: Scheduler
) -> None:
    page = Html(scheduler.client.get("/schedules/"))
    row = _row(page, "1")
    assert "webapp::rolling_restart" in row and "production" in row
    assert "every 6 hours" in row
    assert "orchestrator-web" in row  # the owner in PE: the service account's token
    assert "alice" in row and "Enabled" in row
    time_tag = page.soup.find(id="schedule-1").find("time")
    assert time_tag["datetime"] == tomorrow_at(9).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_one_time_schedule_that_ran_says_so_instead_of_enabled(scheduler: Scheduler, clock: ManualClock) -> None:
    scheduler.schedule(start_at=local_input(tomorrow_at(9)))
    assert "Enabled" in _row(Html(scheduler.client.get("/schedules/")), "1")
    advance_to(clock, tomorrow_at(9) + timedelta(minutes=1))
    row = _row(Html(scheduler.client.get("/schedules/")), "1")
    assert "Ran once: nothing left to run" in row and "Enabled" not in row


def test_sensitive_values_are_never_shown(scheduled: Schedule, scheduler: Scheduler) -> None:
    page = Html(scheduler.client.get("/schedules/"))
    assert SECRET not in page.text
    assert "sensitive: PE keeps it" in _row(page, "1")


def test_a_team_mate_sees_it_but_may_not_change_it(
    scheduled: Schedule, client: Client, operators: Group, alice: User
) -> None:
    GroupProfile.objects.create(group=operators, is_team=True)
    bob = _as(client, _person("bob", operators))
    page = Html(bob.get("/schedules/"))
    assert "webapp::rolling_restart" in _row(page, "1")
    assert "Change" not in _row(page, "1")
    assert bob.get("/schedules/1/change/").status_code == 403
    assert bob.post("/schedules/1/remove/").status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, target="schedule 1").count() == 2


def test_an_outsider_neither_sees_nor_may_touch_it(scheduled: Schedule, client: Client, outsider: User) -> None:
    oscar = _as(client, outsider)
    assert _row(Html(oscar.get("/schedules/")), "1") == ""
    assert oscar.get("/schedules/1/change/").status_code == 404
    assert oscar.post("/schedules/1/remove/").status_code == 404


def test_view_all_jobs_sees_everyones_and_those_made_in_pe_directly(
    scheduled: Schedule, client: Client, stand_in: StandIn
) -> None:
    orchestrator().schedule_plan(
        "facts::info", {"targets": "db01"}, Timing(tomorrow_at(7)), environment="production"
    )  # made in PE directly: no row here
    auditor = _as(client, _person("audrey", perms=("view_all_jobs",)))
    page = Html(auditor.get("/schedules/"))
    assert "alice" in _row(page, "1")
    assert "Made in PE directly" in _row(page, "2")
    assert "Change" not in _row(page, "2")


def test_pe_down_shows_a_message_not_an_error_page(scheduled: Schedule, scheduler: Scheduler, settings: Any) -> None:
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    response = scheduler.client.get("/schedules/")
    assert response.status_code == 200
    assert "PE's schedules cannot be shown now" in Html(response).plain()


# -- change ---------------------------------------------------------------------------------


def _change(client: Client, **typed: str) -> Any:
    page = Html(client.get("/schedules/1/change/"))
    data = {
        "start_at": page.value("start_at"),
        "repeat_every": page.value("repeat_every"),
        "repeat_unit": page.value("repeat_unit"),
        "params_json": page.value("params_json"),
    }
    return client.post("/schedules/1/change/", data | typed)


def test_its_creator_changes_time_and_interval_with_one_put_of_the_whole_schedule(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn
) -> None:
    later = tomorrow_at(10) + timedelta(days=1)
    response = _change(scheduler.client, start_at=local_input(later), repeat_every="1", repeat_unit="days")
    assert response.status_code == 302
    [put] = stand_in.sim.requests_to(f"{JOBS}/1", "PUT")
    assert put["body"] == {
        "schedule": {
            "start_time": later.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "interval": {"units": "seconds", "value": 86400},
        }
    }
    scheduled.refresh_from_db()
    assert scheduled.interval_seconds == 86400 and scheduled.start_time == later
    entry = AuditEntry.objects.get(action=Action.SCHEDULE_CHANGED)
    assert entry.actor_name == "alice" and entry.details["interval_seconds"] == 86400
    assert "every day" in _row(Html(scheduler.client.get("/schedules/")), "1")


def test_changing_values_sends_the_whole_input_keeping_the_sensitive_ones_pe_holds(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn
) -> None:
    page = Html(scheduler.client.get("/schedules/1/change/"))
    assert SECRET not in page.text
    values = page.value("params_json").replace('"web01.example.net"', '"web09.example.net"')
    response = _change(scheduler.client, params_json=values)
    assert response.status_code == 302
    [put] = stand_in.sim.requests_to(f"{JOBS}/1", "PUT")
    parameters = put["body"]["input"]["parameters"]
    assert parameters["targets"] == {"value": "web09.example.net"}
    assert parameters["api_key"] == {"value": SECRET}  # taken from PE's copy, in memory only
    scheduled.refresh_from_db()
    assert scheduled.params["targets"] == "web09.example.net" and "api_key" not in scheduled.params
    assert SECRET not in str(AuditEntry.objects.get(action=Action.SCHEDULE_CHANGED).details)


@pytest.mark.parametrize(
    ("typed", "field", "words"),
    [
        ({"start_at": "2020-01-01T09:00"}, "start_at", "in the past"),
        ({"start_at": "soon"}, "start_at", "like 2026-03-01 09:00"),
        ({"repeat_every": "0"}, "repeat_every", "1 or more"),
        ({"params_json": '{"targets": '}, "params_json", "not valid JSON"),
        ({"params_json": '{"batch_size": "two"}'}, "params_json", "batch_size"),
    ],
)
def test_bad_changes_are_refused_next_to_their_field_and_nothing_is_sent(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn, typed: dict[str, str], field: str, words: str
) -> None:
    page = Html(_change(scheduler.client, **typed))
    assert words in page.error(field)
    assert stand_in.sim.requests_to(f"{JOBS}/1", "PUT") == []


def test_a_holder_of_manage_any_schedule_may_change_it(
    scheduled: Schedule, client: Client, operators: Group, stand_in: StandIn
) -> None:
    GroupProfile.objects.create(group=operators, is_team=True)
    manager = _as(client, _person("maria", operators, perms=("manage_any_schedule",)))
    assert _change(manager, repeat_every="12").status_code == 302
    assert stand_in.sim.requests_to(f"{JOBS}/1", "PUT")[0]["body"]["schedule"]["interval"]["value"] == 12 * 3600
    assert AuditEntry.objects.get(action=Action.SCHEDULE_CHANGED).actor_name == "maria"


# -- remove -----------------------------------------------------------------------------------


def test_removal_is_confirmed_first_and_says_it_is_final(scheduled: Schedule, scheduler: Scheduler) -> None:
    page = Html(scheduler.client.get("/schedules/1/remove/"))
    assert "Removal is final" in page.plain()
    assert "refuses any later change" in page.plain()
    assert scheduler.stand_in.sim.requests_to(f"{JOBS}/1", "PUT") == []


def test_its_creator_removes_it_by_disabling_it_in_pe(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn
) -> None:
    response = scheduler.client.post("/schedules/1/remove/")
    assert response.status_code == 302
    [put] = stand_in.sim.requests_to(f"{JOBS}/1", "PUT")
    assert put["body"] == {"enabled": False}
    scheduled.refresh_from_db()
    assert scheduled.status == Status.REMOVED and scheduled.removed_by_username == "alice"
    assert AuditEntry.objects.get(action=Action.SCHEDULE_REMOVED).target == "schedule 1"
    page = Html(scheduler.client.get("/schedules/"))
    removed = page.soup.find("details", class_="removed-schedules")
    assert removed is not None and "webapp::rolling_restart" in removed.get_text()
    assert page.soup.find(id="schedules") is None  # folded away: no active schedule left


def test_a_manager_may_remove_it(scheduled: Schedule, client: Client, stand_in: StandIn) -> None:
    manager = _as(client, _person("maria", perms=("manage_any_schedule", "view_all_jobs")))
    assert manager.post("/schedules/1/remove/").status_code == 302
    assert AuditEntry.objects.get(action=Action.SCHEDULE_REMOVED).actor_name == "maria"


def test_a_removed_schedule_cannot_be_changed(scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn) -> None:
    scheduler.client.post("/schedules/1/remove/")
    response = scheduler.client.get("/schedules/1/change/")
    assert response.status_code == 409
    assert "PE allows no change" in Html(response).plain()


def test_an_edit_pe_refuses_as_disabled_brings_pes_message(
    scheduled: Schedule, alice: User, stand_in: StandIn, orchestrator_settings: Any
) -> None:
    seen = orchestrator().get_scheduled_job("1")  # the page as it was drawn ...
    _disable_in_pe(stand_in, "1")  # ... and PE's state since
    with pytest.raises(services.NotDone) as refused:
        services.change(alice, seen, scheduled, timing=(tomorrow_at(11), None), params=None, secret_names=["api_key"])
    assert "disabled" in refused.value.message and "Nothing was changed" in refused.value.message
    assert not AuditEntry.objects.filter(action=Action.SCHEDULE_CHANGED).exists()


def test_a_schedule_disabled_in_pe_directly_shows_as_such(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn
) -> None:
    _disable_in_pe(stand_in, "1")
    page = Html(scheduler.client.get("/schedules/"))
    assert "Disabled in PE directly" in page.soup.find("details", class_="removed-schedules").get_text()


def test_a_schedule_changed_in_pe_directly_shows_as_such(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn
) -> None:
    requests.put(
        f"{stand_in.url}/orchestrator/v1{JOBS}/1",
        json={"schedule": {"start_time": tomorrow_at(13).isoformat(), "interval": None}},
        headers={"X-Authentication": "demo-service-token"},
        timeout=5,
    )
    assert "changed in PE directly" in _row(Html(scheduler.client.get("/schedules/")), "1")


def _made_here(user: User, count: int) -> None:
    client = orchestrator()
    for _ in range(count):
        key = uuid.uuid4()
        name = client.schedule_plan(
            "facts::info",
            {"targets": "web01"},
            Timing(tomorrow_at(8), 3600),
            environment="production",
            userdata={"orchestrator_web": {"schedule": str(key)}},  # ours: it carries the row's key
        )
        Schedule.objects.create(
            key=key,
            pe_scheduled_job_id=name,
            plan_name="facts::info",
            environment="production",
            params={"targets": "web01"},
            start_time=tomorrow_at(8),
            interval_seconds=3600,
            created_by=user,
            created_by_username=user.username,
        )


def _queries(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/schedules/").status_code == 200
    return len(captured)


def test_the_list_asks_the_database_the_same_number_of_times_however_many_schedules(
    client: Client, alice: User, operators: Group, orchestrator_settings: Any
) -> None:
    GroupProfile.objects.create(group=operators, is_team=True)
    bob = _person("bob", operators)
    _made_here(alice, 2)
    _made_here(bob, 1)
    client.force_login(alice)
    few = _queries(client)
    _made_here(alice, 6)
    _made_here(bob, 4)
    assert _queries(client) == few
    assert len(Html(client.get("/schedules/")).soup.select("#schedules tbody tr")) == 13
