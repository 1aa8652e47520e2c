"""Two approvers clicking at the same moment: the plan is sent once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from orchestrator_web.jobs.models import Job, State
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.simulator import StandIn
from tests.approvals.conftest import decide, launch, plan_runs, said

pytestmark = [pytest.mark.usefixtures("rule"), pytest.mark.django_db(transaction=True)]


def at_once(*people: User, job: Job) -> list[Any]:
    """Each person posts Approve from their own browser, all released at the same instant."""
    start = threading.Barrier(len(people))
    answers: list[Any] = [None] * len(people)

    def click(index: int, person: User) -> None:
        client = Client()
        client.force_login(person)
        start.wait()
        try:
            answers[index] = decide(client, job, "approve")
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def test_two_approvers_at_once_send_once(alice: User, bob: User, carol: User, stand_in: StandIn) -> None:
    stand_in.inject("delay", path="/command/plan_run", seconds=0.3)  # the first is still sending
    job = launch(alice)
    answers = at_once(bob, carol, job=job)
    assert len(plan_runs(stand_in)) == 1
    told = sorted(said(answer) for answer in answers)
    assert told[0].startswith("Approved and sent")
    assert told[1].startswith("This launch is no longer waiting for approval: it was approved (by ")
    assert Job.objects.get(pk=job.pk).state == State.PENDING


def test_the_two_approvals_a_launch_needs_given_at_once_send_it_once(
    alice: User, bob: User, carol: User, rule: PlanGrant, stand_in: StandIn
) -> None:
    rule.approvals_required = 2
    rule.save()
    job = launch(alice)
    at_once(bob, carol, job=job)
    runs = plan_runs(stand_in)
    assert len(runs) == 1
    assert sorted(runs[0]["userdata"]["orchestrator_web"]["approved_by"]) == ["bob", "carol"]
