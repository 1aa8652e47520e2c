"""The approvals queue, the job page's panel as it follows the launch, the history and the API."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from orchestrator_web.accounts import api_tokens
from orchestrator_web.approvals.services import approve
from orchestrator_web.jobs.models import State
from orchestrator_web.simulator import StandIn
from tests.approvals.conftest import SECRET, decide, launch, logged_in, plan_runs, said
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("rule")


def test_the_queue_lists_what_waits_for_me(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    page = Html(logged_in(client, bob).get("/approvals/"))
    assert page.by_id(f"approval-{job.pk}").startswith(f"Job {job.pk} db::failover production alice")
    assert "Sensitive (never shown): vault_token" in page.by_id("waiting-for-me")
    assert SECRET not in page.text
    assert "None of your launches waits for approval." in page.plain()


def test_the_queue_lists_what_i_asked_for(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    page = Html(logged_in(client, alice).get("/approvals/"))
    assert "No launch waits for your approval." in page.plain()
    assert f"Job {job.pk}" in page.by_id("asked-by-me")
    assert page.soup.select_one("#asked-by-me button[value=withdraw]") is not None
    approve(job, bob)
    page = Html(client.get("/approvals/"))
    assert "Approved by bob" in page.by_id("decided-lately")


def test_an_approval_given_by_me_leaves_my_queue_for_what_i_decided(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    approve(job, bob)
    page = Html(logged_in(client, bob).get("/approvals/"))
    assert page.soup.find(id="waiting-for-me") is None
    assert page.soup.find(id="decided-by-me").find(id=f"approval-{job.pk}") is not None


def test_approving_from_the_queue_comes_back_to_it(client: Client, alice: User, bob: User, stand_in: StandIn) -> None:
    job = launch(alice)
    response = decide(logged_in(client, bob), job, "approve", next="queue")
    assert response["Location"] == "/approvals/"
    assert said(response).startswith("Approved and sent")
    assert len(plan_runs(stand_in)) == 1


def test_rejecting_from_the_queue_without_a_comment_shows_the_error(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    response = decide(logged_in(client, bob), job, "reject", next="queue")
    assert response.status_code == 200
    assert Html(response).by_id(f"comment-{job.pk}_error") == "Say why you reject it: a comment is required."


def test_a_job_that_needed_no_approval_has_no_decision_page(client: Client, alice: User, stand_in: StandIn) -> None:
    job = launch(alice, plan_name="facts::info", params={"targets": ["web01"]}, sensitive=[])
    assert logged_in(client, alice).get(f"/approvals/{job.pk}/").status_code == 404


def test_the_queue_needs_a_login(client: Client) -> None:
    assert client.get("/approvals/").status_code == 302


# -- the job page follows the approval ---------------------------------------------------------


def test_a_watching_page_gets_the_approval_when_it_is_given(
    client: Client, alice: User, bob: User, carol: User, rule: object
) -> None:
    from orchestrator_web.rbac.models import PlanGrant

    PlanGrant.objects.filter(plan="db::failover").update(approvals_required=2)
    job = launch(alice)
    logged_in(client, alice)
    page = Html(client.get(f"/jobs/{job.pk}/"))
    poll = page.soup.find(id="job-poll")
    assert poll is not None
    url = str(poll["hx-get"])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 204  # nothing new
    approve(job, bob, "ok")
    changed = client.get(url, headers={"HX-Request": "true"})
    assert changed.status_code == 200
    swapped = Html(changed).soup.find(id="job-approval")
    assert swapped is not None and swapped.get("hx-swap-oob") == "true"
    assert "Approved by bob just now : “ok”" in " ".join(swapped.get_text(" ").split())
    assert "May approve: carol." in " ".join(swapped.get_text(" ").split())


def test_once_sent_the_page_drops_the_decision_buttons(client: Client, alice: User, bob: User) -> None:
    job = launch(alice)
    approve(job, bob)
    page = Html(logged_in(client, bob).get(f"/jobs/{job.pk}/"))
    assert page.soup.select("#job-actions button[name=decision]") == []
    assert "Approved by bob" in page.by_id("job-approval")


# -- history, CSV ----------------------------------------------------------------------------------


def test_the_history_filter_offers_the_new_states(client: Client, alice: User) -> None:
    page = Html(logged_in(client, alice).get("/jobs/"))
    offered = dict(page.options("state"))
    assert offered["awaiting_approval"] == "Awaiting approval"
    assert offered["rejected_by_approver"] == "Rejected by approver"
    assert offered["expired"] == "Expired"


def test_the_history_filters_and_exports_waiting_and_rejected_jobs(client: Client, alice: User, bob: User) -> None:
    waiting = launch(alice)
    rejected = launch(alice)
    decide(logged_in(client, bob), rejected, "reject", "no")
    logged_in(client, alice)
    page = Html(client.get("/jobs/", {"state": "awaiting_approval"}))
    assert f"/jobs/{waiting.pk}/" in page.text and f"/jobs/{rejected.pk}/" not in page.text
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/jobs/export.csv").streaming_content).decode())))
    states = {int(row["job"]): (row["state"], row["shown_as"]) for row in rows}
    assert states[waiting.pk] == ("awaiting_approval", "Awaiting approval")
    assert states[rejected.pk] == ("rejected_by_approver", "Rejected by approver")
    assert SECRET not in json.dumps(rows)


# -- the API launches the same way ---------------------------------------------------------------


def test_a_launch_through_the_api_waits_for_approval_too(client: Client, alice: User, stand_in: StandIn) -> None:
    _, token = api_tokens.create(alice, "pipeline", None)
    body = {
        "plan": "db::failover",
        "environment": "production",
        "params": {"primary": "db01", "replica": "db02", "vault_token": SECRET},
    }
    response = client.post(
        "/api/v1/jobs", json.dumps(body), content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == State.AWAITING_APPROVAL
    assert plan_runs(stand_in) == []


def test_an_approver_who_left_the_group_is_told_in_words_on_a_stale_page(
    client: Client, alice: User, bob: User, approvers: Group
) -> None:
    job = launch(alice)
    approvers.user_set.remove(bob)
    response = logged_in(client, bob).post(f"/approvals/{job.pk}/", {"decision": "approve", "comment": "ok"})
    assert response.status_code == 404
    assert "There is no such job, or it is not yours to see (or to approve)." in Html(response).plain()
