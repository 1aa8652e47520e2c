"""Four eyes: a launch that needs approval waits, sends nothing, and is sent once by the
approval that completes its count; rejected, withdrawn or expired, it never is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from orchestrator_web.approvals.models import ApprovalRequest, Outcome
from orchestrator_web.approvals.services import expire_due
from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.rbac.models import GroupProfile, PlanGrant
from orchestrator_web.simulator import StandIn
from tests.approvals.conftest import SECRET, decide, launch, launch_from_the_page, logged_in, plan_runs, said
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("rule")


def test_a_launch_that_needs_approval_waits_and_sends_nothing(client: Client, alice: User, stand_in: StandIn) -> None:
    job = launch_from_the_page(logged_in(client, alice))
    assert job.state == State.AWAITING_APPROVAL
    assert plan_runs(stand_in) == []
    assert job.sensitive_params == ["vault_token"] and "vault_token" not in job.params
    entry = AuditEntry.objects.get(action=Action.LAUNCH_REQUESTED)
    assert entry.details["state"] == State.AWAITING_APPROVAL and entry.details["approval_by"] == "DB approvers"


def test_the_sensitive_value_waits_encrypted(alice: User) -> None:
    job = launch(alice)
    sealed = ApprovalRequest.objects.get(job=job).sealed_secrets
    assert sealed and SECRET not in sealed


def test_the_review_says_the_launch_will_wait_for_approval(client: Client, alice: User) -> None:
    form = {
        "environment": "production",
        "mode": "form",
        "param__primary": "db01",
        "param__replica": "db02",
        "param__vault_token": SECRET,
        "description": "",
        "timeout": "",
        "userdata": "",
        "action": "review",
    }
    review = Html(logged_in(client, alice).post("/plans/db::failover/", form))
    notice = " ".join(review.soup.find(id="needs-approval").get_text().split())
    assert notice.startswith("This launch needs 1 approval from members of DB approvers first")
    assert "kept encrypted until then, never shown to the approvers" in notice
    assert SECRET not in review.text


def test_a_review_without_an_approval_rule_says_nothing_of_it(client: Client, alice: User) -> None:
    review = Html(
        logged_in(client, alice).post(
            "/plans/tools::noop/",
            {
                "environment": "production",
                "mode": "form",
                "action": "review",
                "description": "",
                "timeout": "",
                "userdata": "",
            },
        )
    )
    assert review.soup.find("button", value="run") is not None
    assert review.soup.find(id="needs-approval") is None


def test_the_requester_is_told_nothing_was_sent_yet(client: Client, alice: User) -> None:
    logged_in(client, alice)
    job = launch_from_the_page(client)
    page = Html(client.get(f"/jobs/{job.pk}/"))
    assert "Nothing is sent yet: this launch waits for 1 approval from DB approvers" in page.plain()


def test_the_job_page_says_who_may_approve_and_until_when(client: Client, alice: User, bob: User, carol: User) -> None:
    job = launch(alice)
    page = Html(logged_in(client, alice).get(f"/jobs/{job.pk}/"))
    assert page.by_id("job-state") == "Awaiting approval"
    assert "May approve: bob, carol." in page.by_id("job-approvers")
    approval = page.soup.find(id="job-approval")
    assert approval is not None and approval.find("time") is not None  # until when
    assert "Waits for 1 approval from members of DB approvers" in page.by_id("job-approval")


def test_approvers_see_which_parameters_are_sensitive_never_their_values(
    client: Client, alice: User, bob: User
) -> None:
    job = launch(alice)
    response = logged_in(client, bob).get(f"/jobs/{job.pk}/")
    assert response.status_code == 200
    page = Html(response)
    assert SECRET not in page.text
    assert "vault_token ******** (sensitive, kept encrypted until it is sent, never shown)" in page.plain()
    assert "db01" in page.plain()  # what is not sensitive is shown, as for any job


def test_the_requester_gets_no_approve_button_but_may_withdraw(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    page = Html(logged_in(client, alice).get(f"/jobs/{job.pk}/"))
    buttons = {b["value"] for b in page.soup.select("#job-actions button[name=decision]")}
    assert buttons == {"withdraw"}


def test_an_approver_gets_approve_and_reject(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    page = Html(logged_in(client, bob).get(f"/jobs/{job.pk}/"))
    assert {b["value"] for b in page.soup.select("#job-actions button[name=decision]")} == {"approve", "reject"}


def test_approval_sends_exactly_one_plan_run_carrying_the_approvers(
    client: Client, alice: User, bob: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    response = decide(logged_in(client, bob), job, "approve", "Checked with the DBA on call")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    runs = plan_runs(stand_in)
    assert len(runs) == 1
    assert runs[0]["userdata"]["orchestrator_web"] == {"job": job.pk, "requested_by": "alice", "approved_by": ["bob"]}
    assert runs[0]["userdata"]["ticket"] == "CHG-7"
    assert runs[0]["params"]["vault_token"] == SECRET  # the secret reaches PE, once
    job.refresh_from_db()
    assert job.state == State.PENDING and job.pe_job_id
    assert [step["state"] for step in job.timeline if "note" not in step] == [
        "awaiting_approval",
        "submitting",
        "pending",
    ]
    assert "Approved by bob (1 of 1)" in [step.get("note") for step in job.timeline]


def test_the_secret_is_erased_once_sent(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    decide(logged_in(client, bob), job, "approve")
    approval = ApprovalRequest.objects.get(job=job)
    assert approval.sealed_secrets == "" and approval.outcome == Outcome.APPROVED


def test_a_second_click_sends_nothing_again(client: Client, alice: User, bob: User, stand_in: StandIn) -> None:
    job = launch(alice)
    logged_in(client, bob)
    decide(client, job, "approve")
    response = decide(client, job, "approve")
    assert response.status_code == 302
    assert len(plan_runs(stand_in)) == 1
    assert said(response) == (
        "This launch is no longer waiting for approval: it was approved (by bob) and sent. Nothing was changed."
    )


def test_approving_is_audited(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    decide(logged_in(client, bob), job, "approve", "fine")
    approved = AuditEntry.objects.get(action=Action.APPROVED)
    assert (approved.actor_name, approved.target, approved.details["comment"]) == ("bob", f"job {job.pk}", "fine")
    sent = AuditEntry.objects.get(action=Action.LAUNCH, target=f"job {job.pk}")
    assert sent.actor_name == "alice" and sent.details["approved_by"] == ["bob"]


def test_two_approvals_needed_the_first_sends_nothing(
    client: Client, alice: User, bob: User, carol: User, rule: PlanGrant, stand_in: StandIn
) -> None:
    rule.approvals_required = 2
    rule.save()
    job = launch(alice)
    response = decide(logged_in(client, bob), job, "approve")
    assert plan_runs(stand_in) == []
    assert said(response) == "Your approval is recorded; it waits for 1 more."
    assert Job.objects.get(pk=job.pk).state == State.AWAITING_APPROVAL
    decide(logged_in(client, carol), job, "approve")
    runs = plan_runs(stand_in)
    assert len(runs) == 1 and runs[0]["userdata"]["orchestrator_web"]["approved_by"] == ["bob", "carol"]


def test_the_same_approver_twice_counts_once(
    client: Client, alice: User, bob: User, rule: PlanGrant, stand_in: StandIn
) -> None:
    rule.approvals_required = 2
    rule.save()
    job = launch(alice)
    logged_in(client, bob)
    decide(client, job, "approve")
    response = decide(client, job, "approve")
    assert said(response) == "You have approved this launch already; it waits for someone else."
    assert plan_runs(stand_in) == []


# -- reject -----------------------------------------------------------------------------------


def test_rejecting_without_a_comment_asks_for_one_and_changes_nothing(
    client: Client, alice: User, bob: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    response = decide(logged_in(client, bob), job, "reject", "   ")
    assert response.status_code == 200
    assert Html(response).by_id(f"comment-{job.pk}_error") == "Say why you reject it: a comment is required."
    assert Job.objects.get(pk=job.pk).state == State.AWAITING_APPROVAL
    assert plan_runs(stand_in) == []


def test_rejecting_ends_the_job_with_who_and_why(client: Client, alice: User, bob: User, stand_in: StandIn) -> None:
    job = launch(alice)
    decide(logged_in(client, bob), job, "reject", "Not during the freeze")
    job.refresh_from_db()
    assert job.state == State.REJECTED_BY_APPROVER and job.is_terminal and job.finished_at
    assert job.error_message == "Rejected by bob: Not during the freeze"
    approval = ApprovalRequest.objects.get(job=job)
    assert (approval.outcome, approval.decided_by_username, approval.comment) == (
        Outcome.REJECTED,
        "bob",
        "Not during the freeze",
    )
    assert approval.sealed_secrets == ""
    assert plan_runs(stand_in) == []
    entry = AuditEntry.objects.get(action=Action.APPROVAL_REJECTED)
    assert entry.actor_name == "bob" and entry.details["comment"] == "Not during the freeze"
    page = Html(logged_in(client, alice).get(f"/jobs/{job.pk}/"))
    assert page.by_id("job-state") == "Rejected by approver"
    assert "Rejected by bob: Not during the freeze" in page.by_id("job-status")


def test_approving_a_rejected_launch_says_so_and_sends_nothing(
    client: Client, alice: User, bob: User, carol: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    decide(logged_in(client, bob), job, "reject", "No")
    response = decide(logged_in(client, carol), job, "approve")
    assert said(response) == "This launch is no longer waiting for approval: bob rejected it. Nothing was changed."
    assert plan_runs(stand_in) == []
    assert Job.objects.get(pk=job.pk).state == State.REJECTED_BY_APPROVER


# -- who may -------------------------------------------------------------------------------------


def test_nobody_approves_their_own_launch(client: Client, alice: User, approvers: Group, stand_in: StandIn) -> None:
    alice.groups.add(approvers)
    job = launch(alice)
    response = decide(logged_in(client, alice), job, "approve")
    assert response.status_code == 403
    assert plan_runs(stand_in) == []
    denied = AuditEntry.objects.get(action=Action.DENIED)
    assert denied.details["reason"] == "Nobody approves their own launch: someone else must."


def test_a_superuser_does_not_approve_their_own_launch_either(
    client: Client, admin_user: User, approvers: Group, stand_in: StandIn
) -> None:
    admin_user.groups.add(approvers)
    job = launch(admin_user)
    assert job.state == State.AWAITING_APPROVAL
    assert decide(logged_in(client, admin_user), job, "approve").status_code == 403
    assert plan_runs(stand_in) == []


def test_a_superuser_launch_skips_approval_with_the_bypass(settings, admin_user: User, stand_in: StandIn) -> None:  # type: ignore[no-untyped-def]
    settings.APPROVAL_SUPERUSER_BYPASS = True
    job = launch(admin_user)
    assert job.state == State.PENDING
    assert len(plan_runs(stand_in)) == 1


def test_a_member_of_another_group_may_not_approve(
    client: Client, alice: User, outsider: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    # An outsider cannot even see it: 404, which does not confirm it exists.
    assert decide(logged_in(client, outsider), job, "approve").status_code == 404
    assert plan_runs(stand_in) == []


def test_an_approver_who_lost_the_right_since_the_page_was_shown_is_refused(
    client: Client, alice: User, bob: User, approvers: Group, stand_in: StandIn
) -> None:
    job = launch(alice)
    team = Group.objects.create(name="Data team")
    GroupProfile.objects.create(group=team, is_team=True)
    team.user_set.add(alice, bob)  # so bob still sees the job once he is no approver
    logged_in(client, bob)
    page = Html(client.get(f"/jobs/{job.pk}/"))
    assert page.soup.select_one("#job-actions button[value=approve]") is not None
    approvers.user_set.remove(bob)
    response = decide(client, job, "approve")
    assert response.status_code == 403
    assert plan_runs(stand_in) == []
    assert Job.objects.get(pk=job.pk).state == State.AWAITING_APPROVAL
    assert AuditEntry.objects.get(action=Action.DENIED).details["reason"] == (
        "Only members of DB approvers may approve or reject this launch."
    )


def test_an_approver_who_left_and_cannot_see_the_job_any_more_gets_404(
    client: Client, alice: User, bob: User, approvers: Group, stand_in: StandIn
) -> None:
    job = launch(alice)
    logged_in(client, bob)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    approvers.user_set.remove(bob)
    assert decide(client, job, "approve").status_code == 404
    assert plan_runs(stand_in) == []


def test_an_approval_stops_counting_when_its_approver_leaves_the_group(
    client: Client, alice: User, bob: User, carol: User, approvers: Group, rule: PlanGrant, stand_in: StandIn
) -> None:
    rule.approvals_required = 2
    rule.save()
    job = launch(alice)
    decide(logged_in(client, bob), job, "approve")
    approvers.user_set.remove(bob)
    decide(logged_in(client, carol), job, "approve")
    assert plan_runs(stand_in) == []  # bob's yes no longer counts: 1 of 2
    job.refresh_from_db()
    assert job.state == State.AWAITING_APPROVAL
    assert "bob's approval no longer counts: they may no longer approve it" in [s.get("note") for s in job.timeline]


def test_a_requester_who_may_no_longer_run_it_gets_nothing_sent(
    client: Client, alice: User, bob: User, operators: Group, stand_in: StandIn
) -> None:
    job = launch(alice)
    operators.user_set.remove(alice)
    decide(logged_in(client, bob), job, "approve")
    job.refresh_from_db()
    assert job.state == State.NOT_SUBMITTED
    assert job.error_message == "Not sent: alice may no longer run db::failover in production."
    assert plan_runs(stand_in) == []
    assert ApprovalRequest.objects.get(job=job).sealed_secrets == ""


# -- withdraw and expire ----------------------------------------------------------------------


def test_the_requester_withdraws_a_waiting_launch(client: Client, alice: User, stand_in: StandIn) -> None:
    job = launch(alice)
    decide(logged_in(client, alice), job, "withdraw")
    job.refresh_from_db()
    assert job.state == State.EXPIRED and job.error_message == "Withdrawn by alice: nothing was sent."
    assert ApprovalRequest.objects.get(job=job).sealed_secrets == ""
    assert AuditEntry.objects.filter(action=Action.APPROVAL_WITHDRAWN, actor_name="alice").exists()
    assert plan_runs(stand_in) == []


def test_a_withdrawn_launch_reads_as_withdrawn_not_expired(client: Client, alice: User) -> None:
    job = launch(alice)
    page = logged_in(client, alice)
    decide(page, job, "withdraw")
    assert Html(page.get(f"/jobs/{job.pk}/")).by_id("job-state") == "Withdrawn by alice"
    row = Html(page.get("/jobs/")).soup.select_one(f"#job-{job.pk} .state")
    assert row is not None and row.get_text() == "Withdrawn by alice"
    assert "Withdrawn by alice" in b"".join(page.get("/jobs/export.csv").streaming_content).decode()
    assert page.get(f"/api/v1/jobs/{job.pk}").json()["stopped_by"] == "alice"
    # A launch nobody decided in time still reads as expired.
    late = launch(alice)
    ApprovalRequest.objects.filter(job=late).update(expires_at=timezone.now() - timedelta(seconds=1))
    expire_due()
    assert Html(page.get(f"/jobs/{late.pk}/")).by_id("job-state") == "Expired"


def test_only_the_requester_withdraws(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    assert decide(logged_in(client, bob), job, "withdraw").status_code == 403
    assert Job.objects.get(pk=job.pk).state == State.AWAITING_APPROVAL


def test_a_launch_nobody_approves_expires(settings, alice: User, stand_in: StandIn) -> None:  # type: ignore[no-untyped-def]
    settings.APPROVAL_MAX_AGE = 3600
    job = launch(alice)
    assert expire_due() == 0
    ApprovalRequest.objects.filter(job=job).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_due() == 1
    job.refresh_from_db()
    assert job.state == State.EXPIRED and job.is_terminal
    assert job.error_message.startswith("Not approved in time (it could wait until ")
    assert job.error_message.endswith("): nothing was sent.")
    assert ApprovalRequest.objects.get(job=job).sealed_secrets == ""
    assert AuditEntry.objects.filter(action=Action.APPROVAL_EXPIRED, target=f"job {job.pk}").exists()
    assert plan_runs(stand_in) == []
    assert expire_due() == 0


def test_a_waiting_launch_expires_after_approval_max_age(settings, alice: User) -> None:  # type: ignore[no-untyped-def]
    settings.APPROVAL_MAX_AGE = 24 * 3600
    job = launch(alice)
    approval = ApprovalRequest.objects.get(job=job)
    assert approval.expires_at - job.created_at == timedelta(hours=24)


def test_approving_after_expiry_expires_it_and_sends_nothing(
    client: Client, alice: User, bob: User, stand_in: StandIn
) -> None:
    job = launch(alice)
    ApprovalRequest.objects.filter(job=job).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = decide(logged_in(client, bob), job, "approve")
    assert said(response).startswith("This launch expired at")
    assert Job.objects.get(pk=job.pk).state == State.EXPIRED
    assert plan_runs(stand_in) == []


# -- which launches need approval -------------------------------------------------------------


def test_a_rule_for_some_environments_leaves_the_others_alone(alice: User, rule: PlanGrant, stand_in: StandIn) -> None:
    PlanGrant.objects.filter(pk=rule.pk).update(environments="", approval_environments="production")
    job = launch(alice, environment="development")
    assert job.state != State.AWAITING_APPROVAL
    assert launch(alice).state == State.AWAITING_APPROVAL


def test_a_grant_without_approval_lets_its_holder_run_it_at_once(alice: User, stand_in: StandIn) -> None:
    direct = Group.objects.create(name="DBAs")
    PlanGrant.objects.create(group=direct, plan="db::failover")
    alice.groups.add(direct)
    assert launch(alice).state == State.PENDING
    assert len(plan_runs(stand_in)) == 1


def test_a_rule_whose_approver_group_was_deleted_keeps_launches_waiting(
    client: Client, alice: User, approvers: Group, stand_in: StandIn
) -> None:
    approvers.delete()
    job = launch(alice)
    assert job.state == State.AWAITING_APPROVAL
    page = Html(logged_in(client, alice).get(f"/jobs/{job.pk}/"))
    assert "Nobody else may approve it now: its approver group was deleted." in page.by_id("job-approvers")
