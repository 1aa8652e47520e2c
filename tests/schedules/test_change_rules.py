"""What a change to a schedule must still respect: four eyes (a grant that requires approval
lets nobody change the schedule without it), the grant to schedule the plan at all, sane times,
the Sensitive values PE keeps; and what the page does when PE cannot take the change."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.schedules.models import Schedule, Status
from orchestrator_web.simulator import StandIn
from tests.helpers import Html

from .conftest import Scheduler, local_input, tomorrow_at

JOBS = "/scheduled_jobs/environment_jobs"
PLAN = "webapp::rolling_restart"


@pytest.fixture
def scheduled(scheduler: Scheduler) -> Schedule:
    """alice's schedule of webapp::rolling_restart (schedule 1), made while it needed no approval."""
    response = scheduler.schedule(start_at=local_input(tomorrow_at(9)), repeat_every="6", repeat_unit="hours")
    assert response.status_code == 302
    return Schedule.objects.get()


def _manager(operators: Group) -> User:
    user = User.objects.create_user("maria", password="maria-password")
    user.groups.add(operators)
    for codename in ("manage_any_schedule", "view_all_jobs"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def _change(client: Client, **typed: str) -> Any:
    page = Html(client.get("/schedules/1/change/"))
    data = {
        "start_at": local_input(tomorrow_at(10)),
        "repeat_every": "5",
        "repeat_unit": "minutes",
        "params_json": '{"targets": "db-evil.example.net", "batch_size": 2}',
    }
    assert page.soup is not None
    return client.post("/schedules/1/change/", data | typed)


# -- four eyes ----------------------------------------------------------------------------------


def _needs_approval(operators: Group) -> None:
    approvers = Group.objects.create(name="Restart approvers")
    PlanGrant.objects.filter(group=operators, plan=PLAN).update(
        requires_approval=True, approver_group=approvers, approvals_required=1
    )


@pytest.mark.parametrize("who", ["creator", "manager"])
def test_a_schedule_whose_grant_needs_approval_cannot_be_changed_without_it(
    scheduled: Schedule, scheduler: Scheduler, client: Client, operators: Group, stand_in: StandIn, who: str
) -> None:
    _needs_approval(operators)
    person = scheduler.client if who == "creator" else client
    if who == "manager":
        person.force_login(_manager(operators))
    shown = Html(person.get("/schedules/1/change/"))
    assert "Changes to this schedule need approval: remove it and schedule it again" in shown.plain()
    response = _change(person)
    assert response.status_code == 403
    assert "the new request waits for approval" in Html(response).plain()
    assert stand_in.sim.requests_to(f"{JOBS}/1", "PUT") == []  # PE got nothing
    assert not AuditEntry.objects.filter(action=Action.SCHEDULE_CHANGED).exists()
    assert AuditEntry.objects.filter(action=Action.DENIED, target="schedule 1").exists()
    # Removing stays allowed.
    assert person.post("/schedules/1/remove/").status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == Status.REMOVED


# -- the grant, checked again ---------------------------------------------------------------------


@pytest.mark.parametrize("lost", ["removed", "run now only"])
def test_a_change_needs_the_grant_to_schedule_the_plan_still(
    scheduled: Schedule, scheduler: Scheduler, operators: Group, stand_in: StandIn, lost: str
) -> None:
    grants = PlanGrant.objects.filter(group=operators, plan=PLAN)
    if lost == "removed":
        grants.delete()
    else:
        grants.update(launches="now")
    assert scheduler.client.get("/schedules/1/change/").status_code == 403
    response = _change(scheduler.client)
    assert response.status_code == 403
    assert stand_in.sim.requests_to(f"{JOBS}/1", "PUT") == []
    assert not AuditEntry.objects.filter(action=Action.SCHEDULE_CHANGED).exists()
    denied = AuditEntry.objects.filter(action=Action.DENIED, target="schedule 1")
    assert denied.count() == 3 and "may not schedule" in denied.last().details["reason"]
    # Removing stays allowed for its creator.
    assert scheduler.client.post("/schedules/1/remove/").status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == Status.REMOVED


def test_a_manager_without_the_grant_may_remove_but_not_change(
    scheduled: Schedule, client: Client, stand_in: StandIn
) -> None:
    maria = User.objects.create_user("maria", password="maria-password")
    for codename in ("manage_any_schedule", "view_all_jobs"):
        maria.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(maria)
    assert _change(client).status_code == 403
    assert stand_in.sim.requests_to(f"{JOBS}/1", "PUT") == []
    assert client.post("/schedules/1/remove/").status_code == 302


# -- far-off times --------------------------------------------------------------------------------


def test_a_first_run_more_than_a_year_ahead_is_refused_next_to_the_field(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn
) -> None:
    page = scheduler.review(start_at="9999-12-31T23:59")
    assert "The first run can be at most a year ahead" in page.error("start_at")
    assert "At most a year ahead." in page.plain()  # the help says so
    assert len(scheduler.sent()) == 1  # only the fixture's schedule
    changed = Html(_change(scheduler.client, start_at="9999-12-31T23:59", params_json='{"targets": "web01"}'))
    assert "at most a year ahead" in changed.error("start_at")
    assert stand_in.sim.requests_to(f"{JOBS}/1", "PUT") == []


def test_pages_show_a_time_at_the_end_of_the_calendar_in_utc_rather_than_fail(
    client: Client, admin_user: User, stand_in: StandIn, orchestrator_settings: Any
) -> None:
    from datetime import UTC, datetime

    from orchestrator_web.connection import orchestrator
    from orchestrator_web.pe.types import Schedule as Timing

    end = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    pe_id = orchestrator().schedule_plan("facts::info", {"targets": "db01"}, Timing(end), environment="production")
    local = Schedule.objects.create(
        pe_scheduled_job_id=pe_id,
        plan_name="facts::info",
        environment="production",
        start_time=end,
        created_by=admin_user,
        created_by_username=admin_user.username,
    )
    client.force_login(admin_user)
    client.post("/accounts/profile/time-zone/", {"time_zone": "Europe/Berlin"})  # east of UTC
    listing = client.get("/schedules/")
    assert listing.status_code == 200
    assert "9999-12-31 23:59:00 UTC" in listing.content.decode()
    assert client.get(f"/schedules/{pe_id}/change/").status_code == 200
    assert client.get(f"/admin/schedules/schedule/{local.pk}/change/").status_code == 200


# -- Sensitive values -----------------------------------------------------------------------------


def test_a_new_sensitive_value_is_refused_next_to_the_field_and_never_shown(
    scheduled: Schedule, scheduler: Scheduler, stand_in: StandIn
) -> None:
    page = Html(scheduler.client.get("/schedules/1/change/"))
    assert "PE keeps the Sensitive values it has" in page.plain()
    assert "To change one, remove the schedule and schedule it again" in page.plain()
    response = _change(scheduler.client, params_json='{"targets": "web01.example.net", "api_key": "NEWSECRET-42"}')
    assert response.status_code == 200
    refused = Html(response)
    error = refused.error("params_json")
    assert "api_key is Sensitive: PE keeps the value it has" in error
    assert "remove this schedule and schedule it again" in error
    assert "NEWSECRET-42" not in refused.text  # not echoed back in the box
    assert "web01.example.net" in refused.value("params_json")  # the rest of what was typed is kept
    assert stand_in.sim.requests_to(f"{JOBS}/1", "PUT") == []
    assert not AuditEntry.objects.filter(action=Action.SCHEDULE_CHANGED).exists()


# -- PE down or refusing ----------------------------------------------------------------------------


def test_pe_down_when_a_change_is_sent_brings_the_form_back_with_what_was_typed(
    scheduled: Schedule, scheduler: Scheduler, settings: Any
) -> None:
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    typed = '{"targets": "web07.example.net", "batch_size": 3, "api_key": "TYPED-SECRET-9"}'
    response = scheduler.client.post(
        "/schedules/1/change/",
        {"start_at": "2030-01-02T03:04", "repeat_every": "7", "repeat_unit": "days", "params_json": typed},
    )
    page = Html(response)
    text = page.plain()
    assert "Nothing was changed: PE could not be asked about this schedule." in text
    assert "What you typed is below" in text
    assert page.value("start_at") == "2030-01-02T03:04" and page.value("repeat_every") == "7"
    assert "web07.example.net" in page.value("params_json")
    assert "TYPED-SECRET-9" not in page.text  # a Sensitive value is never shown again
    assert "Please correct the fields marked below" not in text  # no field is marked
    assert page.soup.find("form") is not None


def test_pe_refusing_a_change_is_a_message_for_the_form_not_for_its_fields(
    scheduled: Schedule, scheduler: Scheduler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestrator_web.pe import errors
    from orchestrator_web.pe.client import OrchestratorClient

    def refuse(*_: Any, **__: Any) -> None:
        raise errors.NotPermitted(403, "puppetlabs.orchestrator/not-permitted", "User may not edit scheduled job 1")

    monkeypatch.setattr(OrchestratorClient, "change_scheduled_job", refuse)
    page = Html(_change(scheduler.client, params_json='{"targets": "web08.example.net"}'))
    text = page.plain()
    assert "Nothing was changed." in text and "may not edit scheduled job 1" in text
    assert "Please correct the fields marked below" not in text
    assert "web08.example.net" in page.value("params_json")


def test_pe_down_on_remove_keeps_the_remove_page_and_its_title(
    scheduled: Schedule, scheduler: Scheduler, settings: Any
) -> None:
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    for response in (scheduler.client.get("/schedules/1/remove/"), scheduler.client.post("/schedules/1/remove/")):
        page = Html(response)
        assert page.soup.title is not None and "Remove schedule 1" in page.soup.title.get_text()
        assert page.soup.h1 is not None and "Remove schedule 1" in page.soup.h1.get_text()
        assert "Nothing was removed: PE could not be asked" in page.plain()
        assert page.soup.find("form", attrs={"action": "/schedules/1/remove/"}) is not None
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED


def test_pe_down_still_refuses_those_who_may_not_manage_it(
    scheduled: Schedule, client: Client, operators: Group, settings: Any
) -> None:
    from orchestrator_web.rbac.models import GroupProfile

    GroupProfile.objects.create(group=operators, is_team=True)
    bob = User.objects.create_user("bob", password="bob-password")
    bob.groups.add(operators)
    client.force_login(bob)
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    assert client.post("/schedules/1/change/", {"params_json": "{}"}).status_code == 403
    assert client.post("/schedules/1/remove/").status_code == 403


def test_pe_refusing_schedule_plan_says_so_without_asking_to_correct_fields(
    scheduler: Scheduler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestrator_web.pe import errors
    from orchestrator_web.pe.client import OrchestratorClient

    def refuse(*_: Any, **__: Any) -> None:
        raise errors.NotPermitted(403, "puppetlabs.orchestrator/not-permitted", "Not permitted to schedule plans")

    reviewed = scheduler.review(start_at=local_input(tomorrow_at(9)))
    monkeypatch.setattr(OrchestratorClient, "schedule_plan", refuse)
    page = Html(scheduler.confirm(reviewed))
    text = page.plain()
    assert "Nothing was scheduled." in text and "Not permitted to schedule plans" in text
    assert page.soup.find("form") is not None
    assert "Please correct the fields marked below" not in text


@pytest.mark.parametrize(("lost", "words"), [("approval", "need approval"), ("grant", "may not schedule")])
def test_the_list_offers_only_remove_when_a_change_would_be_refused(
    scheduled: Schedule, scheduler: Scheduler, operators: Group, lost: str, words: str
) -> None:
    if lost == "approval":
        _needs_approval(operators)
    else:
        PlanGrant.objects.filter(group=operators, plan=PLAN).update(launches="now")
    row = Html(scheduler.client.get("/schedules/")).soup.find(id="schedule-1")
    assert row is not None
    links = [a.get_text() for a in row.find_all("a")]
    assert links == ["Remove"]
    assert words in row.get_text()
