"""Idempotency-Key: a retried launch returns the first job and sends nothing twice."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from orchestrator_web.api import views
from orchestrator_web.jobs.models import Job
from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

LAUNCH = {"plan": "facts::info", "params": {"targets": ["web01.example.net"]}, "description": "facts"}


def test_a_retried_request_returns_the_first_job_and_sends_nothing(
    api_for: Any, alice: User, stand_in: StandIn
) -> None:
    api = api_for(alice)
    first = api.post("jobs", LAUNCH, **{"Idempotency-Key": "deploy-42"})
    again = api.post("jobs", LAUNCH, **{"Idempotency-Key": "deploy-42"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(stand_in.sim.requests_to("/command/plan_run")) == 1


def test_the_same_key_for_another_launch_is_409(api_for: Any, alice: User, stand_in: StandIn) -> None:
    api = api_for(alice)
    api.post("jobs", LAUNCH, **{"Idempotency-Key": "deploy-42"})
    answer = api.post("jobs", {**LAUNCH, "description": "other"}, **{"Idempotency-Key": "deploy-42"})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "conflict"
    assert len(stand_in.sim.requests_to("/command/plan_run")) == 1


def test_keys_are_per_person(api_for: Any, alice: User, bob: User, stand_in: StandIn) -> None:
    mine = api_for(alice).post("jobs", LAUNCH, **{"Idempotency-Key": "k1"})
    theirs = api_for(bob).post("jobs", LAUNCH, **{"Idempotency-Key": "k1"})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_without_a_key_each_request_is_a_launch(api_for: Any, alice: User, stand_in: StandIn) -> None:
    api = api_for(alice)
    assert [api.post("jobs", LAUNCH).status_code for _ in range(2)] == [201, 201]
    assert Job.objects.count() == 2


@pytest.mark.parametrize("key", ["", "has space", "é", "x" * 201])
def test_a_key_that_is_not_printable_ascii_is_400(api_for: Any, alice: User, stand_in: StandIn, key: str) -> None:
    answer = api_for(alice).post("jobs", LAUNCH, **{"Idempotency-Key": key})
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["Idempotency-Key"]
    assert stand_in.sim.requests_to("/command/plan_run") == []


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_make_one_job_and_one_plan_run(
    api_for: Any, alice: User, stand_in: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = api_for(alice)
    api.get("plans/facts::info")  # metadata cached: both requests race to the job row
    start, checked = threading.Barrier(2), threading.Barrier(2)
    answers: list[Any] = []
    submit = views.submit

    def submit_together(*args: Any, **kwargs: Any) -> Any:
        checked.wait(timeout=10)  # both found no job for the key: they race to write one
        return submit(*args, **kwargs)

    monkeypatch.setattr(views, "submit", submit_together)

    def launch() -> None:
        try:
            start.wait(timeout=10)
            answers.append(api_for(alice).post("jobs", LAUNCH, **{"Idempotency-Key": "same"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=launch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert Job.objects.count() == 1
    assert len(stand_in.sim.requests_to("/command/plan_run")) == 1
