"""A schedule of a plan whose grant requires approval is approved once, through the approvals
app, before PE's scheduler gets it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from orchestrator_web.approvals.models import ApprovalRequest, Outcome
from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.schedules.models import Schedule
from tests.helpers import Html

from .conftest import SECRET, Scheduler, local_input, tomorrow_at


@pytest.fixture
def bob(operators: Group) -> User:
    """A member of the approver group of alice's webapp::rolling_restart grant."""
    approvers = Group.objects.create(name="Restart approvers")
    PlanGrant.objects.filter(group=operators, plan="webapp::rolling_restart").update(
        requires_approval=True, approver_group=approvers, approvals_required=1
    )
    user = User.objects.create_user("bob", password="bob-password")
    user.groups.add(approvers)
    return user


@pytest.fixture
def waiting(bob: User, scheduler: Scheduler) -> Job:
    response = scheduler.schedule(start_at=local_input(tomorrow_at(9)), repeat_every="1", repeat_unit="days")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    return job


def _decide(client: Client, user: User, job: Job, decision: str, comment: str = "") -> Any:
    client.force_login(user)
    return client.post(f"/approvals/{job.pk}/", {"decision": decision, "comment": comment})


def test_it_waits_for_approval_and_nothing_reaches_pe(waiting: Job, scheduler: Scheduler) -> None:
    assert waiting.state == State.AWAITING_APPROVAL
    assert waiting.schedule_request is not None and waiting.schedule_request["interval_seconds"] == 86400
    assert scheduler.sent() == [] and Schedule.objects.count() == 0
    assert SECRET not in str(Job.objects.values().get())
    page = Html(scheduler.client.get(f"/jobs/{waiting.pk}/"))
    assert "A request to schedule it" in page.soup.find(id="schedule-request").get_text()
    assert "every day" in page.soup.find(id="schedule-request").get_text()


def test_the_approval_hands_it_to_pes_scheduler_once(
    waiting: Job, bob: User, client: Client, scheduler: Scheduler
) -> None:
    _decide(client, bob, waiting, "approve")
    [body] = scheduler.sent()
    assert body["input"]["parameters"]["api_key"] == {"value": SECRET}  # kept sealed until now
    assert body["userdata"]["orchestrator_web"]["approved_by"] == ["bob"]
    assert body["userdata"]["orchestrator_web"]["requested_by"] == "alice"
    assert body["schedule"]["interval"] == {"units": "seconds", "value": 86400}
    waiting.refresh_from_db()
    assert waiting.state == State.SCHEDULED
    assert any("schedule 1" in step.get("note", "") for step in waiting.timeline)
    schedule = Schedule.objects.get()
    assert schedule.created_by.username == "alice" and schedule.pe_scheduled_job_id == "1"
    assert ApprovalRequest.objects.get().sealed_secrets == ""
    assert AuditEntry.objects.get(action=Action.SCHEDULE_CREATED).details["approved_by"] == ["bob"]
    _decide(client, bob, waiting, "approve")
    assert len(scheduler.sent()) == 1


def test_a_rejected_schedule_is_never_sent(waiting: Job, bob: User, client: Client, scheduler: Scheduler) -> None:
    _decide(client, bob, waiting, "reject", "not tonight")
    waiting.refresh_from_db()
    assert waiting.state == State.REJECTED_BY_APPROVER
    assert scheduler.sent() == [] and Schedule.objects.count() == 0


def test_a_requester_who_may_no_longer_schedule_gets_nothing_scheduled(
    waiting: Job, bob: User, client: Client, scheduler: Scheduler, alice: User
) -> None:
    PlanGrant.objects.filter(group__user=alice, plan="webapp::rolling_restart").update(launches="now")
    _decide(client, bob, waiting, "approve")
    waiting.refresh_from_db()
    assert waiting.state == State.NOT_SUBMITTED and "may no longer schedule" in waiting.error_message
    assert ApprovalRequest.objects.get().outcome == Outcome.REFUSED
    assert scheduler.sent() == []


def test_pe_refusing_the_approved_schedule_ends_the_request_with_its_words(
    waiting: Job, bob: User, client: Client, scheduler: Scheduler
) -> None:
    scheduler.stand_in.inject(
        "error",
        path="/scheduled_jobs/environment_jobs",
        status=400,
        body={"kind": "puppetlabs.orchestrator/invalid-time", "msg": "The start time is in the past", "details": {}},
    )
    _decide(client, bob, waiting, "approve")
    waiting.refresh_from_db()
    assert waiting.state == State.REJECTED
    assert "The start time is in the past" in waiting.error_message
    assert Schedule.objects.count() == 0
    entry = AuditEntry.objects.get(action=Action.LAUNCH, target=f"job {waiting.pk}")
    assert entry.details["state"] == State.REJECTED and entry.details["approved_by"] == ["bob"]
    assert "The start time is in the past" in entry.details["message"]


def test_a_request_to_schedule_waits_no_later_than_its_first_run(
    bob: User, scheduler: Scheduler, settings: Any
) -> None:
    # Approving it later could only be refused by PE: it expires then, even when approvals may
    # otherwise wait a week.
    settings.APPROVAL_MAX_AGE = 7 * 86400
    scheduler.schedule(start_at=local_input(tomorrow_at(9)))
    assert ApprovalRequest.objects.get().expires_at == tomorrow_at(9)


def test_a_request_to_schedule_cannot_be_approved_once_its_first_run_has_passed(
    waiting: Job, bob: User, client: Client, scheduler: Scheduler
) -> None:
    ApprovalRequest.objects.filter(job=waiting).update(expires_at=timezone.now())
    _decide(client, bob, waiting, "approve")
    waiting.refresh_from_db()
    assert waiting.state == State.EXPIRED
    assert scheduler.sent() == [] and Schedule.objects.count() == 0


def test_it_is_in_the_approvers_queue(waiting: Job, bob: User, client: Client) -> None:
    client.force_login(bob)
    queue = Html(client.get("/approvals/"))
    row = queue.soup.find(id=f"approval-{waiting.pk}")
    assert "webapp::rolling_restart" in row.get_text()
    assert "To schedule: first run" in row.get_text() and "every day" in row.get_text()


def test_the_approvers_message_says_it_is_a_schedule_its_first_run_and_how_often(waiting: Job, settings: Any) -> None:
    from orchestrator_web.notifications.models import Message
    from orchestrator_web.notifications.services import compose

    settings.TIME_ZONE = "Asia/Kolkata"  # the site's zone, whatever the approver's own
    subject, body = compose(Message.WAITING, waiting)
    assert subject == f"Approval wanted: schedule webapp::rolling_restart in production (job {waiting.pk})"
    assert "alice asks to schedule webapp::rolling_restart in production" in body
    first = tomorrow_at(9).astimezone(ZoneInfo("Asia/Kolkata")).strftime("%Y-%m-%d %H:%M:%S IST")
    assert f"First run {first}, then every day." in body
    assert SECRET not in body
