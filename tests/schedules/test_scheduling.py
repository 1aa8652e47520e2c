"""Run later from the launch form: the review, the body PE's scheduler gets, time zones, bad
input, permissions, and nothing half-made when PE fails or refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from orchestrator_web.accounts.zones import SESSION_KEY
from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.schedules.models import Schedule, Status
from orchestrator_web.simulator import StandIn
from tests.helpers import Html

from .conftest import RESTART, SECRET, Scheduler, local_input, tomorrow_at

JOBS = "/scheduled_jobs/environment_jobs"


def test_it_schedules_a_single_run_with_the_exact_body_pe_documents(scheduler: Scheduler, alice: User) -> None:
    start = tomorrow_at(9)
    response = scheduler.schedule(start_at=local_input(start))
    assert response.status_code == 302 and response["Location"] == "/schedules/"
    [body] = scheduler.sent()
    schedule = Schedule.objects.get()
    assert body == {
        "type": "plan",
        "input": {
            "name": "webapp::rolling_restart",
            "parameters": {
                "targets": {"value": "web01.example.net"},
                "batch_size": {"value": 2},
                "drain": {"value": True},
                "mode": {"value": "graceful"},
                "notify": {"value": None},
                "api_key": {"value": SECRET},
            },
        },
        "environment": "production",
        "schedule": {"start_time": start.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "interval": None},
        "description": "Nightly restart",
        "userdata": {"orchestrator_web": {"schedule": str(schedule.key), "requested_by": "alice"}},
    }
    assert schedule.pe_scheduled_job_id == "1" and schedule.status == Status.SCHEDULED
    assert schedule.created_by == alice and schedule.interval_seconds is None


def test_it_schedules_a_recurring_run(scheduler: Scheduler) -> None:
    scheduler.schedule(start_at=local_input(tomorrow_at(22)), repeat_every="2", repeat_unit="days")
    [body] = scheduler.sent()
    assert body["schedule"]["interval"] == {"units": "seconds", "value": 2 * 86400}
    assert Schedule.objects.get().interval_seconds == 2 * 86400


def test_a_person_in_kolkata_scheduling_nine_oclock_sends_that_instant(scheduler: Scheduler, as_alice: Client) -> None:
    session = as_alice.session
    session[SESSION_KEY] = "Asia/Kolkata"
    session.save()
    day = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d")
    reviewed = scheduler.review(start_at=f"{day}T09:00")
    when = " ".join(reviewed.soup.find(id="when").get_text(" ").split())
    assert f"{day} 09:00 Asia/Kolkata" in when
    assert f"{day} 03:30 UTC" in when
    scheduler.confirm(reviewed)
    [body] = scheduler.sent()
    assert body["schedule"]["start_time"] == f"{day}T09:00:00+05:30"
    assert Schedule.objects.get().start_time == datetime.fromisoformat(f"{day}T03:30:00+00:00")


def test_the_review_says_when_and_that_pe_keeps_the_sensitive_values(scheduler: Scheduler) -> None:
    reviewed = scheduler.review(start_at=local_input(tomorrow_at(9)), repeat_every="6", repeat_unit="hours")
    text = reviewed.plain()
    assert "then every 6 hours" in text
    assert "PE keeps them" in reviewed.soup.find(id="sensitive-kept-by-pe").get_text()
    assert SECRET not in reviewed.text
    assert reviewed.soup.find("button", attrs={"value": "run"}).get_text() == "Schedule plan"
    assert scheduler.sent() == []


def test_the_app_never_stores_a_sensitive_value_of_a_schedule(scheduler: Scheduler) -> None:
    scheduler.schedule(start_at=local_input(tomorrow_at(9)))
    schedule = Schedule.objects.get()
    assert "api_key" not in schedule.params and schedule.sensitive_params == ["api_key"]
    for entry in AuditEntry.objects.all():
        assert SECRET not in str(entry.details)
    assert SECRET not in str(list(Schedule.objects.values()))


def test_creating_is_audited(scheduler: Scheduler) -> None:
    scheduler.schedule(start_at=local_input(tomorrow_at(9)))
    entry = AuditEntry.objects.get(action=Action.SCHEDULE_CREATED)
    assert entry.actor_name == "alice" and entry.target == "schedule 1"
    assert entry.details["plan"] == "webapp::rolling_restart"


def test_the_same_review_twice_schedules_once(scheduler: Scheduler) -> None:
    reviewed = scheduler.review(start_at=local_input(tomorrow_at(9)))
    scheduler.confirm(reviewed)
    scheduler.confirm(reviewed)
    assert len(scheduler.sent()) == 1 and Schedule.objects.count() == 1


# -- bad input ----------------------------------------------------------------------------------


def _refused(page: Html, field: str) -> str:
    assert page.soup.find("input", attrs={"name": "submission"}) is None, "it went on to the review"
    return page.error(field)


@pytest.mark.parametrize(
    ("typed", "field", "words"),
    [
        ({"start_at": ""}, "start_at", "Give the date and time of the first run"),
        ({"start_at": "next tuesday"}, "start_at", "like 2026-03-01 09:00"),
        ({"start_at": "2020-01-01T09:00"}, "start_at", "in the past"),
        ({"repeat_every": "0"}, "repeat_every", "1 or more"),
        ({"repeat_every": "-3"}, "repeat_every", "1 or more"),
        ({"repeat_every": "1.5"}, "repeat_every", "a whole number"),
        ({"timeout": "600"}, "timeout", "takes no timeout"),
    ],
)
def test_bad_times_are_refused_next_to_their_field(
    scheduler: Scheduler, typed: dict[str, str], field: str, words: str
) -> None:
    typed = {"start_at": local_input(tomorrow_at(9)), **typed}
    assert words in _refused(scheduler.review(**typed), field)
    assert scheduler.sent() == [] and Schedule.objects.count() == 0


def test_a_start_time_that_passed_since_the_review_is_refused_by_pe(scheduler: Scheduler, stand_in: StandIn) -> None:
    stand_in.inject(
        "error",
        path=JOBS,
        status=400,
        body={"kind": "puppetlabs.orchestrator/invalid-time", "msg": "The start time is in the past", "details": {}},
    )
    page = Html(scheduler.schedule(start_at=local_input(tomorrow_at(9))))
    assert "The start time is in the past" in page.error("start_at")
    assert "Nothing was scheduled" in page.error("start_at")
    assert Schedule.objects.count() == 0


def test_an_environment_pe_does_not_know_is_said_next_to_it(scheduler: Scheduler, stand_in: StandIn) -> None:
    stand_in.inject(
        "error",
        path=JOBS,
        status=404,
        body={
            "kind": "puppetlabs.orchestrator/unknown-environment",
            "msg": "Unknown environment production",
            "details": {"environment": "production"},
        },
    )
    page = Html(scheduler.schedule(start_at=local_input(tomorrow_at(9))))
    assert "Unknown environment production" in page.error("environment")
    assert Schedule.objects.count() == 0 and not AuditEntry.objects.filter(action=Action.SCHEDULE_CREATED).exists()


def test_pe_refusing_the_schedule_keeps_nothing(scheduler: Scheduler, stand_in: StandIn) -> None:
    stand_in.inject(
        "error",
        path=JOBS,
        status=403,
        body={"kind": "puppetlabs.orchestrator/not-permitted", "msg": "alice may not run it", "details": {}},
    )
    page = Html(scheduler.schedule(start_at=local_input(tomorrow_at(9))))
    assert "alice may not run it" in page.plain()
    assert "Nothing was scheduled" in page.plain()
    assert page.value("param__targets") == "web01.example.net"  # the form as it was, to try again
    assert Schedule.objects.count() == 0


def test_pe_down_while_creating_says_so_and_keeps_nothing(scheduler: Scheduler, settings: Any) -> None:
    reviewed = scheduler.review(start_at=local_input(tomorrow_at(9)))
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"  # nothing listens there
    response = scheduler.confirm(reviewed)
    assert response.status_code in (200, 502)
    page = Html(response)
    assert "Nothing was scheduled" in page.plain() and "could not be reached" in page.plain()
    assert Schedule.objects.count() == 0 and not AuditEntry.objects.filter(action=Action.SCHEDULE_CREATED).exists()


def test_pe_taking_it_without_answering_keeps_it_as_unconfirmed(scheduler: Scheduler, stand_in: StandIn) -> None:
    stand_in.inject("drop", path=JOBS, method="POST")
    response = scheduler.schedule(start_at=local_input(tomorrow_at(9)))
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert schedule.status == Status.UNKNOWN and schedule.pe_scheduled_job_id is None
    # Once PE lists it (the schedules page asks), it is matched by the key in its userdata.
    scheduler.client.get("/schedules/")
    schedule.refresh_from_db()
    assert schedule.status == Status.SCHEDULED and schedule.pe_scheduled_job_id == "1"


# -- who may schedule -----------------------------------------------------------------------------


def _only(alice: User, launches: str) -> None:
    PlanGrant.objects.filter(group__user=alice, plan="webapp::rolling_restart").update(launches=launches)


def test_a_run_now_only_grant_may_not_schedule(scheduler: Scheduler, alice: User) -> None:
    _only(alice, "now")
    page = scheduler.review(start_at=local_input(tomorrow_at(9)))
    assert "not schedule it" in page.error("when")
    assert scheduler.sent() == []


def test_a_schedule_only_grant_may_not_run_now_but_may_schedule(scheduler: Scheduler, alice: User) -> None:
    _only(alice, "schedule")
    page = scheduler.review(when="now")
    assert "not run it now" in page.error("when")
    assert scheduler.stand_in.sim.requests_to("/command/plan_run") == []
    scheduler.schedule(start_at=local_input(tomorrow_at(9)))
    assert len(scheduler.sent()) == 1


def test_a_schedule_only_grant_shows_the_plan_in_the_catalogue(scheduler: Scheduler, alice: User) -> None:
    _only(alice, "schedule")
    page = Html(scheduler.client.get("/plans/"))
    assert "webapp::rolling_restart" in page.plain()


def test_an_outsider_may_not_schedule(client: Client, outsider: User, orchestrator_settings: Any) -> None:
    client.force_login(outsider)
    assert client.post(RESTART, {"action": "review", "when": "later"}).status_code == 403


def test_run_now_still_runs_now(scheduler: Scheduler) -> None:
    response = scheduler.schedule(when="now")
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    assert scheduler.sent() == []
    assert len(scheduler.stand_in.sim.requests_to("/command/plan_run")) == 1


def test_the_form_names_the_zone_the_time_is_read_in(scheduler: Scheduler, as_alice: Client) -> None:
    session = as_alice.session
    session[SESSION_KEY] = "Asia/Kolkata"
    session.save()
    page = Html(as_alice.get(RESTART))
    assert "in Asia/Kolkata" in page.plain()
    assert page.field("start_at")["type"] == "datetime-local"


def test_a_time_in_the_past_is_refused_in_the_persons_zone(scheduler: Scheduler, as_alice: Client) -> None:
    session = as_alice.session
    session[SESSION_KEY] = "Pacific/Kiritimati"  # UTC+14: its "now" is tomorrow's date in UTC
    session.save()
    past = datetime.now(UTC) - timedelta(minutes=5)
    assert "in the past" in scheduler.review(start_at=local_input(past, "Pacific/Kiritimati")).error("start_at")


def test_a_sensitive_value_the_plan_requires_cannot_be_left_out(scheduler: Scheduler) -> None:
    page = scheduler.review(start_at=local_input(tomorrow_at(9)), param__api_key="")
    assert page.soup.find("input", attrs={"name": "submission"}) is None
    assert page.error("param__api_key")
    assert scheduler.sent() == []


def test_a_time_that_does_not_exist_in_the_persons_zone_is_refused(scheduler: Scheduler, as_alice: Client) -> None:
    session = as_alice.session
    session[SESSION_KEY] = "Europe/Berlin"
    session.save()
    # Clocks go from 02:00 to 03:00 on the last Sunday of March: 02:30 never happens there.
    year = timezone.now().year + 1
    march_end = max(day for day in range(25, 32) if datetime(year, 3, day).weekday() == 6)
    page = scheduler.review(start_at=f"{year}-03-{march_end:02d}T02:30")
    assert "Europe/Berlin" in page.error("start_at")
    assert scheduler.sent() == []


def test_schedules_made_here_are_in_the_admin_for_those_who_may_see_them(
    scheduler: Scheduler, client: Client, admin_user: User
) -> None:
    scheduler.schedule(start_at=local_input(tomorrow_at(9)))
    client.force_login(admin_user)
    page = Html(client.get("/admin/schedules/schedule/"))
    assert "webapp::rolling_restart" in page.plain()
    assert client.get("/admin/schedules/schedule/add/").status_code == 403
