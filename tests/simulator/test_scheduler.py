"""The stand-in's scheduler against orchestrator-api.md section 2.3: scheduled environment jobs
(create 200, list, get, PUT replacing whole keys, disable as the only removal) and their runs."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_web.simulator import ManualClock, Simulator, StandIn

from .conftest import Raw
from .test_auth_and_plans import assert_pe_error

VALIDATION = "puppetlabs.orchestrator/validation-error"
JOBS = "/scheduled_jobs/environment_jobs"
START = "2026-01-01T01:00:00+00:00"  # an hour after the manual clock's start


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "plan",
        "input": {"name": "facts::info", "parameters": {"targets": {"value": ["web01"]}}},
        "environment": "production",
        "schedule": {"start_time": START, "interval": None},
        "description": "nightly facts",
        "userdata": {"orchestrator_web": {"schedule": 7}},
    }
    data.update(changes)
    return data


def create(raw: Raw, **changes: Any) -> str:
    response = raw.post(JOBS, body(**changes))
    assert response.status_code == 200, response.text
    return response.json()["scheduled_job"]["name"]


def test_creating_answers_200_with_the_scheduled_job_id_and_name(raw: Raw) -> None:
    response = raw.post(JOBS, body())
    assert response.status_code == 200
    ref = response.json()["scheduled_job"]
    assert ref["name"] == "1"
    assert ref["id"].endswith("/orchestrator/v1/scheduled_jobs/environment_jobs/1")


@pytest.mark.parametrize("key", ["type", "input", "environment", "schedule", "description", "userdata"])
def test_every_key_is_required(raw: Raw, key: str) -> None:
    data = body()
    del data[key]
    error = assert_pe_error(raw.post(JOBS, data), 400, VALIDATION)
    assert error["details"]["field"] == key


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"input": {"name": "facts::info", "parameters": {"targets": ["web01"]}}}, "input.parameters.targets"),
        ({"input": {"name": "Bad::Name", "parameters": {}}}, "input.name"),
        ({"schedule": {"start_time": "2026-01-01T01:00:00", "interval": None}}, "schedule.start_time"),
        ({"schedule": {"start_time": "tomorrow", "interval": None}}, "schedule.start_time"),
        ({"schedule": {"start_time": START}}, "schedule.interval"),
        ({"schedule": {"start_time": START, "interval": {"units": "seconds", "value": 0}}}, "schedule.interval"),
        ({"schedule": {"start_time": START, "interval": {"units": "seconds", "value": -60}}}, "schedule.interval"),
        ({"schedule": {"start_time": START, "interval": {"units": "minutes", "value": 5}}}, "schedule.interval"),
        ({"schedule": {"start_time": START, "interval": 3600}}, "schedule.interval"),
        ({"userdata": []}, "userdata"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_bodies_are_refused_naming_the_field(raw: Raw, changes: dict[str, Any], field: str) -> None:
    error = assert_pe_error(raw.post(JOBS, body(**changes)), 400, VALIDATION)
    assert error["details"]["field"] == field


def test_an_unknown_environment_is_404(raw: Raw) -> None:
    assert_pe_error(raw.post(JOBS, body(environment="nowhere")), 404, "puppetlabs.orchestrator/unknown-environment")


def test_a_start_time_in_the_past_is_refused(raw: Raw) -> None:
    past = {"start_time": "2025-12-31T23:00:00+00:00", "interval": None}
    assert_pe_error(raw.post(JOBS, body(schedule=past)), 400, "puppetlabs.orchestrator/invalid-time")


def test_a_user_without_plans_run_is_not_permitted(raw: Raw) -> None:
    assert_pe_error(raw.post(JOBS, body(), token="dave-token"), 403, "puppetlabs.orchestrator/not-permitted")


def test_get_returns_what_was_scheduled_with_its_next_run(raw: Raw) -> None:
    name = create(raw, schedule={"start_time": "2026-01-01T06:30:00+05:30", "interval": None})
    item = raw.get(f"{JOBS}/{name}").json()
    assert item["enabled"] is True
    assert item["type"] == "plan"
    assert item["environment"] == "production"
    assert item["owner"]["login"] == "orchestrator-web"
    assert item["input"] == {"name": "facts::info", "parameters": {"targets": {"value": ["web01"]}}}
    assert item["schedule"] == {"start_time": "2026-01-01T06:30:00+05:30", "interval": None}
    assert item["next_run_time"] == "2026-01-01T01:00:00Z"
    assert item["userdata"] == {"orchestrator_web": {"schedule": 7}}


def test_the_list_pages_orders_and_filters(raw: Raw) -> None:
    create(raw, schedule={"start_time": "2026-01-01T03:00:00Z", "interval": None})
    create(raw, schedule={"start_time": "2026-01-01T02:00:00Z", "interval": None})
    listed = raw.get(JOBS, type="plan", limit="1", offset="0").json()
    assert [i["name"] for i in listed["items"]] == ["2"]  # next_run_time, ascending, by default
    assert listed["pagination"]["total"] == 2
    desc = raw.get(JOBS, order_by="next_run_time", order="desc").json()
    assert [i["name"] for i in desc["items"]] == ["1", "2"]
    assert raw.get(JOBS, type="task").json()["items"] == []
    assert_pe_error(raw.get(JOBS, order_by="plan"), 400, VALIDATION)


def test_a_put_replaces_each_key_given_whole_and_keeps_the_others(raw: Raw) -> None:
    name = create(raw)
    new_input = {"name": "facts::info", "parameters": {"targets": {"value": "db01"}}}
    response = raw.put(f"{JOBS}/{name}", {"input": new_input, "description": "changed"})
    assert response.status_code == 200
    assert response.json()["scheduled_job"]["name"] == name
    item = raw.get(f"{JOBS}/{name}").json()
    assert item["input"] == new_input
    assert item["description"] == "changed"
    assert item["schedule"]["start_time"] == START
    assert item["userdata"] == {"orchestrator_web": {"schedule": 7}}


def test_there_is_no_delete_only_disabling_after_which_edits_are_refused(raw: Raw) -> None:
    name = create(raw)
    response = raw.session.delete(f"{raw.base}{JOBS}/{name}", headers={"X-Authentication": "demo-service-token"})
    assert response.status_code == 405
    assert raw.put(f"{JOBS}/{name}", {"enabled": False}).status_code == 200
    item = raw.get(f"{JOBS}/{name}").json()
    assert item["enabled"] is False and item["next_run_time"] is None
    error = assert_pe_error(
        raw.put(f"{JOBS}/{name}", {"description": "again"}), 400, "puppetlabs.orchestrator/disabled-scheduled-job"
    )
    assert name in error["msg"]


def test_someone_else_may_not_edit_a_schedule(raw: Raw) -> None:
    name = create(raw)
    assert_pe_error(
        raw.put(f"{JOBS}/{name}", {"enabled": False}, token="alice-token"), 403, "puppetlabs.orchestrator/not-permitted"
    )


def test_an_unknown_scheduled_job_is_404(raw: Raw) -> None:
    assert raw.get(f"{JOBS}/99").status_code == 404
    assert raw.put(f"{JOBS}/99", {"enabled": False}).status_code == 404


def test_a_due_schedule_starts_a_plan_job_carrying_its_id(raw: Raw, clock: ManualClock) -> None:
    name = create(raw)
    clock.advance(3599)
    assert raw.get("/plan_jobs").json()["items"] == []
    clock.advance(1)
    jobs = raw.get("/plan_jobs").json()["items"]
    assert len(jobs) == 1
    job = jobs[0]
    assert job["options"]["scheduled_job_id"] == name
    assert job["options"]["parameters"] == {"targets": ["web01"]}
    assert job["options"]["description"] == "nightly facts"
    assert job["created_timestamp"] == "2026-01-01T01:00:00Z"
    assert job["userdata"] == {"orchestrator_web": {"schedule": 7}}
    clock.advance(86400)
    assert len(raw.get("/plan_jobs").json()["items"]) == 1  # once only: no interval
    assert raw.get(f"{JOBS}/{name}").json()["next_run_time"] is None


def test_a_recurring_schedule_keeps_running_while_nobody_asks(raw: Raw, clock: ManualClock) -> None:
    create(raw, schedule={"start_time": START, "interval": {"units": "seconds", "value": 600}})
    clock.advance(3600 + 1800)  # nobody asked meanwhile: four runs were due (at 01:00, :10, :20, :30)
    jobs = raw.get("/plan_jobs", order_by="timestamp").json()["items"]
    assert [j["created_timestamp"] for j in jobs] == [
        "2026-01-01T01:00:00Z",
        "2026-01-01T01:10:00Z",
        "2026-01-01T01:20:00Z",
        "2026-01-01T01:30:00Z",
    ]


def test_a_disabled_schedule_no_longer_runs(raw: Raw, clock: ManualClock) -> None:
    name = create(raw)
    raw.put(f"{JOBS}/{name}", {"enabled": False})
    clock.advance(7200)
    assert raw.get("/plan_jobs").json()["items"] == []


def test_speed_shortens_the_wait_for_scheduled_runs(clock: ManualClock) -> None:
    with StandIn(Simulator(clock=clock, speed=60)) as server:
        fast = Raw(server.url)
        create(fast)  # an hour ahead: a minute at speed 60
        clock.advance(59)
        assert fast.get("/plan_jobs").json()["items"] == []
        clock.advance(1)
        assert len(fast.get("/plan_jobs").json()["items"]) == 1
        assert fast.get(f"{JOBS}/1").json()["schedule"]["start_time"] == START
