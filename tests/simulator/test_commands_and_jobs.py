"""The stand-in against orchestrator-api.md sections 2 (commands), 4 (plan jobs) and 8."""

from __future__ import annotations

import json

import pytest

from orchestrator_web.simulator import ManualClock, StandIn

from .conftest import RESTART_PARAMS, Raw
from .test_auth_and_plans import assert_pe_error

VALIDATION = "puppetlabs.orchestrator/validation-error"


def test_plan_run_answers_202_with_only_the_job_name(raw: Raw) -> None:
    response = raw.post("/command/plan_run", {"plan_name": "facts::info", "params": {"targets": "web01"}})
    assert response.status_code == 202
    assert response.json() == {"name": "1"}


def test_job_names_are_increasing_integers_as_strings(raw: Raw) -> None:
    names = [raw.run("tools::noop") for _ in range(3)]
    assert names == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "plan_name"),
        ({"plan_name": 5}, "plan_name"),
        ({"plan_name": "Bad::Name"}, "plan_name"),
        ({"plan_name": "tools::noop", "params": []}, "params"),
        ({"plan_name": "tools::noop", "timeout": 0}, "timeout"),
        ({"plan_name": "tools::noop", "timeout": -5}, "timeout"),
        ({"plan_name": "tools::noop", "timeout": "abc"}, "timeout"),
        ({"plan_name": "tools::noop", "timeout": True}, "timeout"),
        ({"plan_name": "tools::noop", "timeout": 1.5}, "timeout"),
        ({"plan_name": "tools::noop", "userdata": ["x"]}, "userdata"),
        ({"plan_name": "tools::noop", "description": 7}, "description"),
        ({"plan_name": "tools::noop", "environment": "bad-env"}, "environment"),
        ({"plan_name": "tools::noop", "surprise": 1}, "surprise"),
    ],
)
def test_plan_run_rejects_invalid_bodies_naming_the_field(raw: Raw, body: dict, field: str) -> None:
    error = assert_pe_error(raw.post("/command/plan_run", body), 400, VALIDATION)
    assert error["details"]["field"] == field


def test_plan_run_rejects_a_body_that_is_not_json(raw: Raw) -> None:
    response = raw.session.post(
        raw.base + "/command/plan_run",
        data=b"{not json",
        headers={"X-Authentication": "demo-service-token", "Content-Type": "application/json"},
        timeout=5,
    )
    assert_pe_error(response, 400, VALIDATION)


def test_plan_run_rejects_a_missing_body(raw: Raw) -> None:
    response = raw.session.post(
        raw.base + "/command/plan_run", headers={"X-Authentication": "demo-service-token"}, timeout=5
    )
    assert_pe_error(response, 400, VALIDATION)


def test_plan_run_rejects_a_huge_body_without_reading_it_all(raw: Raw, stand_in: StandIn) -> None:
    body = json.dumps({"plan_name": "tools::noop", "description": "x" * (2 * 1024 * 1024)})
    response = raw.session.post(
        raw.base + "/command/plan_run",
        data=body,
        headers={"X-Authentication": "demo-service-token", "Content-Type": "application/json"},
        timeout=5,
    )
    assert_pe_error(response, 400, VALIDATION)
    assert stand_in.sim.jobs == {}


def test_plan_run_refuses_a_plan_the_caller_may_not_run(raw: Raw, stand_in: StandIn) -> None:
    response = raw.post("/command/plan_run", {"plan_name": "db::failover", "params": {}}, token="alice-token")
    body = assert_pe_error(response, 403, "puppetlabs.orchestrator/not-permitted")
    assert "alice" in body["msg"]
    assert stand_in.sim.jobs == {}


def test_plan_run_answers_404_for_an_unknown_environment(raw: Raw) -> None:
    response = raw.post("/command/plan_run", {"plan_name": "tools::noop", "environment": "staging"})
    assert_pe_error(response, 404, "puppetlabs.orchestrator/unknown-environment")


def test_plan_run_answers_404_for_an_unknown_plan(raw: Raw) -> None:
    response = raw.post("/command/plan_run", {"plan_name": "no::such_plan"})
    assert_pe_error(response, 404, "puppetlabs.orchestrator/unknown-plan")


def test_a_job_moves_from_pending_to_running_to_success(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("facts::info", params={"targets": ["web01"]})
    assert raw.get(f"/plan_jobs/{name}").json()["state"] == "pending"
    clock.advance(1)
    assert raw.get(f"/plan_jobs/{name}").json()["state"] == "running"
    clock.advance(10)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["state"] == "success"
    assert [(r["target"], r["status"]) for r in job["result"]] == [("web01", "success")]


def test_a_failing_plan_ends_in_failure_with_a_bolt_error_result(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("db::failover", params={"primary": "db01", "replica": "db02", "vault_token": "s3cret"})
    clock.advance(60)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["state"] == "failure"
    assert job["result"]["kind"] == "bolt/run-failure"


def test_a_single_job_has_the_documented_keys(raw: Raw, clock: ManualClock) -> None:
    name = raw.run(
        "webapp::rolling_restart",
        params=RESTART_PARAMS,
        description="restart",
        userdata={"ticket": "CHG-1"},
    )
    clock.advance(5)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["id"] == raw.base + f"/plan_jobs/{name}"
    assert job["name"] == name
    assert job["options"]["description"] == "restart"
    assert job["options"]["plan_name"] == "webapp::rolling_restart"
    assert job["options"]["environment"] == "production"
    assert job["options"]["scheduled_job_id"] is None
    assert job["owner"]["login"] == "orchestrator-web"
    assert job["userdata"] == {"ticket": "CHG-1"}
    assert job["events"] == {"id": raw.base + f"/plan_jobs/{name}/events"}
    assert job["timestamp"].endswith("Z")
    assert job["result"] is None
    # One ordinary task job is running by now, with its state history.
    (history,) = job["status"].values()
    assert history[-1]["state"] == "running" and history[-1]["exit_time"] is None


def test_sensitive_values_are_never_echoed_back(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("webapp::rolling_restart", params=RESTART_PARAMS)
    clock.advance(60)
    single = raw.get(f"/plan_jobs/{name}").text
    listed = raw.get("/plan_jobs").text
    events = raw.get(f"/plan_jobs/{name}/events").text
    for text in (single, listed, events):
        assert "lb-secret-123" not in text
    options = raw.get(f"/plan_jobs/{name}").json()["options"]
    assert options["sensitive"] == ["api_key"]
    assert options["parameters"] == {"targets": ["web01.example.net"], "notify": None}


def test_a_missing_required_parameter_fails_the_job_like_bolt(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("webapp::rolling_restart", params={"targets": "web01"})
    clock.advance(2)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["state"] == "failure"
    assert job["result"]["kind"] == "bolt/pal-error"
    assert "api_key" in job["result"]["msg"]


def test_an_unknown_parameter_fails_the_job_like_bolt(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("tools::noop", params={"surprise": 1})
    clock.advance(2)
    assert "surprise" in raw.get(f"/plan_jobs/{name}").json()["result"]["msg"]


def test_the_timeout_ends_a_long_plan_in_failure(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("patching::run", params={"targets": "web01"}, timeout=10)
    clock.advance(5)
    assert raw.get(f"/plan_jobs/{name}").json()["state"] == "running"
    clock.advance(10)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["state"] == "failure"
    assert "timed out" in job["result"]["msg"]


def test_stop_plan_ends_a_running_plan_in_failure_with_a_plan_failed_event(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("patching::run", params={"targets": "web01"})
    clock.advance(10)
    response = raw.post("/command/stop_plan", {"plan_job": name})
    assert response.status_code == 202
    assert response.json() == {"name": name}
    clock.advance(300)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["state"] == "failure"
    assert job["result"]["kind"] == "simulator/plan-stopped"
    events = raw.get(f"/plan_jobs/{name}/events").json()["items"]
    assert events[-1]["type"] == "plan_failed"
    assert [e["type"] for e in events].count("plan_failed") == 1


def test_stop_plan_is_idempotent_on_a_finished_job(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("tools::noop")
    clock.advance(10)
    assert raw.post("/command/stop_plan", {"plan_job": name}).status_code == 202
    assert raw.post("/command/stop_plan", {"plan_job": name}).status_code == 202
    assert raw.get(f"/plan_jobs/{name}").json()["state"] == "success"


def test_stop_plan_answers_404_for_an_unknown_job(raw: Raw) -> None:
    assert_pe_error(raw.post("/command/stop_plan", {"plan_job": "999"}), 404, "puppetlabs.orchestrator/unknown-job")


@pytest.mark.parametrize("plan_job", [417, "abc", None, ""])
def test_stop_plan_rejects_a_malformed_id(raw: Raw, plan_job: object) -> None:
    assert_pe_error(raw.post("/command/stop_plan", {"plan_job": plan_job}), 400, VALIDATION)


def test_a_job_id_that_is_not_an_integer_is_a_validation_error(raw: Raw) -> None:
    assert_pe_error(raw.get("/plan_jobs/abc"), 400, VALIDATION)


def test_an_unknown_job_is_404(raw: Raw) -> None:
    assert_pe_error(raw.get("/plan_jobs/12345"), 404, "puppetlabs.orchestrator/unknown-job")


# -- GET /plan_jobs ----------------------------------------------------------------------


def test_an_empty_job_list_has_total_zero(raw: Raw) -> None:
    assert raw.get("/plan_jobs").json() == {"items": [], "pagination": {"limit": None, "offset": 0, "total": 0}}


def test_the_job_list_pages_and_echoes_limit_and_offset(raw: Raw, clock: ManualClock) -> None:
    for _ in range(5):
        raw.run("tools::noop")
        clock.advance(1)
    body = raw.get("/plan_jobs", limit=2, offset=1, order_by="name", order="desc").json()
    assert [item["name"] for item in body["items"]] == ["4", "3"]
    assert body["pagination"] == {"limit": 2, "offset": 1, "total": 5}


def test_list_items_carry_created_finished_and_duration(raw: Raw, clock: ManualClock) -> None:
    raw.run("tools::noop")
    clock.advance(0.5)
    running = raw.get("/plan_jobs").json()["items"][0]
    assert running["finished_timestamp"] is None
    assert running["duration"] == 0.5
    clock.advance(10)
    done = raw.get("/plan_jobs").json()["items"][0]
    assert done["created_timestamp"] == "2026-01-01T00:00:00Z"
    assert done["finished_timestamp"] == "2026-01-01T00:00:01Z"
    assert done["duration"] == pytest.approx(1.2)


def test_results_exclude_leaves_out_the_result_key(raw: Raw, clock: ManualClock) -> None:
    raw.run("canary")
    clock.advance(10)
    assert "result" in raw.get("/plan_jobs").json()["items"][0]
    assert "result" not in raw.get("/plan_jobs", results="exclude").json()["items"][0]


def test_finish_timestamp_bounds_never_match_unfinished_jobs(raw: Raw, clock: ManualClock) -> None:
    raw.run("tools::noop")  # finishes at 00:00:01
    clock.advance(100)
    raw.run("patching::run", params={"targets": "x"})  # still running
    names = [i["name"] for i in raw.get("/plan_jobs", min_finish_timestamp="2026-01-01T00:00:00Z").json()["items"]]
    assert names == ["1"]
    assert raw.get("/plan_jobs", max_finish_timestamp="2025-12-31T23:59:59Z").json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "x"},
        {"limit": "-1"},
        {"offset": "1.5"},
        {"order_by": "plan"},
        {"order": "up"},
        {"results": "maybe"},
        {"min_finish_timestamp": "yesterday"},
    ],
)
def test_the_job_list_rejects_bad_query_parameters(raw: Raw, params: dict) -> None:
    assert_pe_error(raw.get("/plan_jobs", **params), 400, VALIDATION)


# -- events --------------------------------------------------------------------------------


def test_events_appear_over_time_with_increasing_ids(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("webapp::rolling_restart", params=RESTART_PARAMS)
    assert raw.get(f"/plan_jobs/{name}/events").json()["items"] == []
    clock.advance(4)
    early = raw.get(f"/plan_jobs/{name}/events").json()["items"]
    clock.advance(60)
    everything = raw.get(f"/plan_jobs/{name}/events").json()["items"]
    assert 0 < len(early) < len(everything)
    ids = [int(e["id"]) for e in everything]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert everything[-1]["type"] == "plan_finished"
    assert everything[-1]["details"] == {
        "plan-id": name,
        "result": {"restarted": ["web01.example.net", "web02.example.net"]},
    }
    task = next(e for e in everything if e["type"] == "task_start")
    assert task["details"]["job-id"].isdigit()


def test_the_start_cursor_begins_from_the_given_event(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("webapp::rolling_restart", params=RESTART_PARAMS)
    clock.advance(60)
    first = raw.get(f"/plan_jobs/{name}/events").json()
    cursor = first["next-events"]["event"]
    assert cursor == first["items"][-1]["id"]
    assert first["next-events"]["id"].endswith(f"/plan_jobs/{name}/events?start={cursor}")
    again = raw.get(f"/plan_jobs/{name}/events", start=cursor).json()["items"]
    assert [e["id"] for e in again] == [cursor]


def test_the_event_list_truncates_out_messages_and_the_single_event_does_not(
    stand_in: StandIn, raw: Raw, clock: ManualClock
) -> None:
    plan = stand_in.sim.catalogue["production"]["canary"]
    plan.simulate = {**plan.simulate, "steps": [{"type": "out_message", "message": "é" * 1000}]}
    name = raw.run("canary")
    clock.advance(10)
    listed = raw.get(f"/plan_jobs/{name}/events").json()["items"][0]
    assert len(listed["details"]["message"].encode()) <= 1024
    full = raw.get(f"/plan_jobs/{name}/event/{listed['id']}").json()
    assert full["details"]["message"] == "é" * 1000


def test_an_event_of_another_job_is_a_mismatch(raw: Raw, clock: ManualClock) -> None:
    first = raw.run("canary")
    second = raw.run("canary")
    clock.advance(10)
    event = raw.get(f"/plan_jobs/{first}/events").json()["items"][0]["id"]
    assert_pe_error(
        raw.get(f"/plan_jobs/{second}/event/{event}"), 404, "puppetlabs.orchestrator/mismatched-job-event-id"
    )


def test_a_non_integer_start_is_a_validation_error(raw: Raw) -> None:
    name = raw.run("canary")
    assert_pe_error(raw.get(f"/plan_jobs/{name}/events", start="abc"), 400, VALIDATION)
