"""A plan's events and result follow the targets it was called with (the catalogue's
`each_target` steps and `result_set` blocks), as a Bolt plan's would."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_web.simulator import ManualClock
from orchestrator_web.simulator.state import target_names

from .conftest import Raw


def finished(raw: Raw, clock: ManualClock, plan: str, **params: Any) -> dict[str, Any]:
    name = raw.run(plan, params=params)
    clock.advance(600)
    return raw.get(f"/plan_jobs/{name}").json()


def test_a_plan_answers_for_the_targets_it_was_given(raw: Raw, clock: ManualClock) -> None:
    job = finished(raw, clock, "facts::info", targets=["web01.example.net", "db01.example.net"])
    assert job["state"] == "success"
    assert [(r["target"], r["status"]) for r in job["result"]] == [
        ("web01.example.net", "success"),
        ("db01.example.net", "success"),
    ]


def test_each_target_gets_its_own_value_with_its_name_filled_in(raw: Raw, clock: ManualClock) -> None:
    job = finished(raw, clock, "facts::info", targets="web02.example.net")
    (only,) = job["result"]
    assert only == {
        "target": "web02.example.net",
        "action": "task",
        "object": "facts",
        "status": "success",
        "value": {"fqdn": "web02.example.net", "os": {"family": "Debian", "release": "12"}},
    }


def test_one_failed_target_fails_the_plan_with_the_result_set_in_its_error(raw: Raw, clock: ManualClock) -> None:
    job = finished(raw, clock, "facts::info", targets="web01.example.net,win01.example.net")
    assert job["state"] == "failure"
    assert job["result"]["kind"] == "bolt/run-failure"
    assert job["result"]["msg"] == "Plan aborted: run_task 'facts' failed on 1 target"
    web, win = job["result"]["details"]["result_set"]
    assert (web["target"], web["status"]) == ("web01.example.net", "success")
    assert (win["target"], win["status"]) == ("win01.example.net", "failure")
    assert win["value"]["_error"]["kind"] == "puppetlabs.tasks/connect-error"


def test_the_failed_task_job_shows_failed_in_the_plan_jobs_status(raw: Raw, clock: ManualClock) -> None:
    job = finished(raw, clock, "facts::info", targets="win01.example.net")
    assert [states[-1]["state"] for states in job["status"].values()] == ["failed"]


def test_targets_may_come_from_another_parameter(raw: Raw, clock: ManualClock) -> None:
    job = finished(raw, clock, "db::failover", primary="db01", replica="db02", vault_token="s3cret")
    (replica,) = job["result"]["details"]["result_set"]
    assert replica["target"] == "db02"
    assert (
        replica["value"]["_error"]["msg"] == "The task failed with exit code 1: db02 is 42 seconds behind its primary"
    )


def test_a_step_for_each_target_is_an_event_for_each_target(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("patching::run", params={"targets": ["web01", "web02", "db01"]})
    clock.advance(600)
    messages = [e["details"].get("message") for e in raw.get(f"/plan_jobs/{name}/events").json()["items"]]
    assert [m for m in messages if m and "updates available" in m] == [
        "web01: 12 updates available",
        "web02: 12 updates available",
        "db01: 12 updates available",
    ]
    assert raw.get(f"/plan_jobs/{name}").json()["result"] == {"patched": 3, "rebooted": 0}


@pytest.mark.parametrize(
    ("spec", "names"),
    [
        ("web01", ["web01"]),
        ("web01, web02,,web01", ["web01", "web02"]),
        (["web01", ["db01", "db02"]], ["web01", "db01", "db02"]),
        ([{"name": "web01"}, {"uri": "ssh://db01"}, {"alias": "x"}], ["web01", "ssh://db01"]),
        (None, []),
        (42, []),
    ],
)
def test_a_target_spec_reads_as_bolt_reads_it(spec: Any, names: list[str]) -> None:
    assert target_names(spec) == names
