"""orchestrator_web/jobs/summary.py: a plan's result per target, events in words, page versions."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_web.jobs.summary import TargetResult, Version, sentence, target_results

RESULT_SET = [
    {"target": "web01", "action": "task", "object": "facts", "status": "success", "value": {"os": "RedHat"}},
    {
        "target": "db01",
        "action": "task",
        "object": "facts",
        "status": "failure",
        "value": {"_error": {"kind": "puppetlabs.tasks/connect-error", "msg": "connection refused", "details": {}}},
    },
]


def test_a_result_set_reads_per_target() -> None:
    assert target_results(RESULT_SET) == [
        TargetResult("web01", ok=True, error="", output='{\n  "os": "RedHat"\n}'),
        TargetResult("db01", ok=False, error="connection refused", output=""),
    ]


def test_a_run_failure_carries_its_result_set() -> None:
    failure = {"kind": "bolt/run-failure", "msg": "Plan aborted", "details": {"result_set": RESULT_SET}}
    assert [(t.target, t.ok) for t in target_results(failure) or []] == [("web01", True), ("db01", False)]


def test_older_bolts_node_and_result_keys_read_too() -> None:
    older = [{"node": "web01", "status": "success", "result": {"_output": "hello\n"}}]
    assert target_results(older) == [TargetResult("web01", ok=True, error="", output="hello\n")]


def test_a_commands_output_reads_as_its_text() -> None:
    command = [
        {"target": "web01", "status": "success", "value": {"stdout": "up 3 days\n", "stderr": "", "exit_code": 0}}
    ]
    assert target_results(command) == [TargetResult("web01", ok=True, error="", output="up 3 days")]


@pytest.mark.parametrize(
    "result",
    [
        None,
        "renewed",
        {"restarted": ["web01"]},
        {"kind": "bolt/run-failure", "msg": "x", "details": {}},
        [],
        ["web01", "web02"],
        [{"target": "web01", "status": "maybe", "value": {}}],
        [{"target": "web01", "status": "success", "value": {}}, "web02"],
    ],
)
def test_other_shapes_are_not_per_target(result: Any) -> None:
    assert target_results(result) is None


@pytest.mark.parametrize(
    ("event_type", "details", "words"),
    [
        ("task_start", {"job-id": "12"}, "Task started (job 12)"),
        ("command_start", {"job-id": 13}, "Command started (job 13)"),
        ("script_start", {}, "Script started"),
        ("upload_start", {"job-id": "3"}, "File upload started (job 3)"),
        ("wait_start", {"job-id": "4"}, "Waiting for targets to be available (job 4)"),
        ("apply_prep_start", {"job-id": "5"}, "Preparing targets for apply (job 5)"),
        ("apply_start", {"job-id": "6"}, "Apply started (job 6)"),
        ("out_message", {"message": "batch 1/2 done"}, "batch 1/2 done"),
        ("plan_start", {"plan": "ops::collect"}, "Sub-plan ops::collect started"),
        ("plan_end", {"plan": "ops::collect", "duration": 61.6}, "Sub-plan ops::collect finished (took 1m 02s)"),
        ("plan_finished", {"plan-id": "7", "result": None}, "Plan finished"),
        ("plan_failed", {"plan-id": "7", "result": {"msg": "it broke"}}, "Plan failed: it broke"),
        ("plan_failed", {"plan-id": "7"}, "Plan failed"),
        ("something_new", {}, "Event something_new"),
    ],
)
def test_events_read_in_words(event_type: str, details: dict[str, Any], words: str) -> None:
    assert sentence(event_type, details) == words


def test_a_version_reads_back() -> None:
    version = Version(changed=1795971333269499, last_event=12, problem=0, head="r417")
    assert Version.parse(str(version)) == version


@pytest.mark.parametrize("text", ["", "garbage", "1.2.3", "a.2.3.r1", "1.2.3.r1" + "9" * 100])
def test_a_version_that_is_not_one_reads_as_none(text: str) -> None:
    assert Version.parse(text) is None
