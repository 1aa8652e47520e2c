"""Four eyes through the API: GET /approvals, POST /jobs/<id>/approve and /reject, and a
launch that waits for approval."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from orchestrator_web.approvals.models import ApprovalRequest, Outcome
from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.simulator import StandIn
from tests.approvals.conftest import SECRET, launch, plan_runs

pytestmark = pytest.mark.usefixtures("orchestrator_settings", "rule")


@pytest.fixture
def approvers(db: None) -> Group:
    return Group.objects.create(name="DB approvers")


@pytest.fixture
def dora(approvers: Group) -> User:
    """A member of DB approvers."""
    user = User.objects.create_user("dora", password="dora-password")
    user.groups.add(approvers)
    return user


@pytest.fixture
def rule(operators: Group, approvers: Group) -> PlanGrant:
    """The operators' db::failover in production needs one approval by DB approvers."""
    grant = PlanGrant.objects.get(group=operators, plan="db::failover")
    grant.requires_approval, grant.approver_group, grant.approvals_required = True, approvers, 1
    grant.save()
    return grant


def test_a_launch_that_needs_approval_answers_201_awaiting_approval_and_sends_nothing(
    api_for: Any, alice: User, stand_in: StandIn
) -> None:
    body = {
        "plan": "db::failover",
        "environment": "production",
        "params": {"primary": "db01", "replica": "db02", "vault_token": SECRET},
    }
    response = api_for(alice).post("jobs", body)
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "awaiting_approval"
    assert SECRET not in response.content.decode()
    assert plan_runs(stand_in) == []


def test_an_approver_lists_what_waits_for_them_without_secret_values(api_for: Any, alice: User, dora: User) -> None:
    job = launch(alice)
    found = api_for(dora).get("approvals").json()["results"]
    assert [(a["job"]["id"], a["outcome"], a["approver_group"], a["required"]) for a in found] == [
        (job.pk, "waiting", "DB approvers", 1)
    ]
    assert found[0]["sensitive_params"] == ["vault_token"]
    assert SECRET not in str(found)


def test_the_requester_sees_their_launch_under_asked_by_me_and_not_as_theirs_to_approve(
    api_for: Any, alice: User
) -> None:
    job = launch(alice)
    api = api_for(alice)
    assert api.get("approvals").json()["results"] == []
    assert [a["job"]["id"] for a in api.get("approvals", {"list": "asked_by_me"}).json()["results"]] == [job.pk]


def test_an_unknown_list_is_a_400_naming_the_choices(api_for: Any, alice: User) -> None:
    response = api_for(alice).get("approvals", {"list": "everything"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"list": ["Give one of waiting_for_me, asked_by_me, decided_by_me."]}


def test_approving_sends_exactly_one_plan_run_carrying_the_approver(
    api_for: Any, alice: User, dora: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    response = api_for(dora).post(f"jobs/{job.pk}/approve", {"comment": "Checked with the DBA on call"})
    assert response.status_code == 200, response.json()
    assert response.json()["job"]["state"] == "pending"
    runs = plan_runs(stand_in)
    assert len(runs) == 1 and runs[0]["userdata"]["orchestrator_web"]["approved_by"] == ["dora"]
    assert ApprovalRequest.objects.get(job=job).sealed_secrets == ""
    assert AuditEntry.objects.filter(action=Action.APPROVED, actor_name="dora").exists()


def test_approving_twice_is_a_409_and_sends_nothing_again(
    api_for: Any, alice: User, dora: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    api = api_for(dora)
    api.post(f"jobs/{job.pk}/approve")
    again = api.post(f"jobs/{job.pk}/approve")
    assert again.status_code == 409
    assert "no longer waiting for approval" in again.json()["error"]["message"]
    assert len(plan_runs(stand_in)) == 1


def test_nobody_approves_their_own_launch(api_for: Any, alice: User, approvers: Group, stand_in: StandIn) -> None:
    alice.groups.add(approvers)
    job = launch(alice)
    response = api_for(alice).post(f"jobs/{job.pk}/approve")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Nobody approves their own launch: someone else must."
    assert plan_runs(stand_in) == []
    assert AuditEntry.objects.filter(action=Action.DENIED, target=f"job {job.pk}").exists()


def test_someone_outside_the_approver_group_cannot_find_the_job(api_for: Any, alice: User, stand_in: StandIn) -> None:
    job = launch(alice)
    outsider = User.objects.create_user("oscar")
    assert api_for(outsider).post(f"jobs/{job.pk}/approve").status_code == 404
    assert plan_runs(stand_in) == []


def test_rejecting_needs_a_comment_then_ends_the_job_with_who_and_why(
    api_for: Any, alice: User, dora: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    api = api_for(dora)
    bare = api.post(f"jobs/{job.pk}/reject", {"comment": "  "})
    assert bare.status_code == 400
    assert bare.json()["error"]["fields"] == {"comment": ["Say why you reject it: a comment is required."]}
    assert Job.objects.get(pk=job.pk).state == State.AWAITING_APPROVAL
    response = api.post(f"jobs/{job.pk}/reject", {"comment": "Not during the freeze"})
    assert response.status_code == 200
    assert response.json()["job"]["state"] == "rejected_by_approver"
    assert response.json()["job"]["error_message"] == "Rejected by dora: Not during the freeze"
    assert ApprovalRequest.objects.get(job=job).outcome == Outcome.REJECTED
    assert plan_runs(stand_in) == []


def test_a_job_that_needed_no_approval_is_a_409(api_for: Any, alice: User, make_job: Any) -> None:
    job = make_job(alice)
    response = api_for(alice).post(f"jobs/{job.pk}/approve")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == f"Job {job.pk} needed no approval; there is nothing to approve."


def test_a_body_that_is_not_a_decision_is_a_400(api_for: Any, alice: User, dora: User) -> None:
    job = launch(alice)
    api = api_for(dora)
    assert api.post(f"jobs/{job.pk}/approve", {"coment": "typo"}).json()["error"]["fields"] == {
        "coment": ["Unknown field."]
    }
    assert api.post(f"jobs/{job.pk}/approve", [1]).status_code == 400
    assert api.post(f"jobs/{job.pk}/approve", raw=b"{").status_code == 400
    assert Job.objects.get(pk=job.pk).state == State.AWAITING_APPROVAL


def test_a_body_of_null_is_not_an_approval(api_for: Any, alice: User, dora: User, stand_in: StandIn) -> None:
    job = launch(alice)
    response = api_for(dora).post(f"jobs/{job.pk}/approve", raw=b"null")
    assert response.status_code == 400
    assert Job.objects.get(pk=job.pk).state == State.AWAITING_APPROVAL and plan_runs(stand_in) == []


def test_an_approver_reads_the_job_they_are_asked_to_approve_and_its_events(
    api_for: Any, alice: User, dora: User
) -> None:
    job = launch(alice)
    api = api_for(dora)
    assert api.get(f"jobs/{job.pk}").json()["state"] == "awaiting_approval"
    assert api.get(f"jobs/{job.pk}/events").status_code == 200


def test_what_an_approver_decided_is_listed_for_them(api_for: Any, alice: User, dora: User) -> None:
    approved, rejected, untouched = launch(alice), launch(alice), launch(alice)
    api = api_for(dora)
    api.post(f"jobs/{approved.pk}/approve")
    api.post(f"jobs/{rejected.pk}/reject", {"comment": "no"})
    found = api.get("approvals", {"list": "decided_by_me"}).json()["results"]
    assert sorted(a["job"]["id"] for a in found) == sorted([approved.pk, rejected.pk])
    assert untouched.pk not in [a["job"]["id"] for a in found]


def test_rejecting_a_launch_no_longer_waiting_is_a_409_even_without_a_comment(
    api_for: Any, alice: User, dora: User
) -> None:
    job = launch(alice)
    api = api_for(dora)
    api.post(f"jobs/{job.pk}/approve")
    response = api.post(f"jobs/{job.pk}/reject")
    assert response.status_code == 409
    assert "no longer waiting for approval" in response.json()["error"]["message"]


def test_the_requester_withdraws_through_the_api_and_nobody_else_may(
    api_for: Any, alice: User, dora: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    assert api_for(dora).post(f"jobs/{job.pk}/withdraw").status_code == 403
    response = api_for(alice).post(f"jobs/{job.pk}/withdraw")
    assert response.status_code == 200 and response.json()["job"]["state"] == "expired"
    assert api_for(alice).post(f"jobs/{job.pk}/withdraw").status_code == 409
    assert plan_runs(stand_in) == []
