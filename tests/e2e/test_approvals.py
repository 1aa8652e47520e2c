"""Four eyes in real browsers: alice asks, bob approves from his queue, the worker (a real
`manage.py worker` process) tells each of them, and alice's page follows it to the end."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, expect

from orchestrator_web.notifications.channels import encrypt, mask
from orchestrator_web.notifications.models import Channel, Event, Kind
from orchestrator_web.rbac.models import PlanGrant
from orchestrator_web.simulator import StandIn
from tests.e2e.conftest import signed_in
from tests.helpers import WebhookReceiver, WorkerProcess, eventually

pytestmark = pytest.mark.e2e
SECRET = "vault-s3cret-token-4711"


def chat(user: User, url: str, events: list[str]) -> None:
    Channel.objects.create(
        user=user, kind=Kind.WEBHOOK, name="chat", url_ciphertext=encrypt(url), url_shown=mask(url), events=events
    )


def test_a_launch_is_approved_by_a_second_person_and_sent_once(
    browser: Browser, site: str, alice: User, operators: Group, stand_in: StandIn, settings: Any
) -> None:
    approvers = Group.objects.create(name="DB approvers")
    bob = User.objects.create_user("bob", password="bob-password")
    bob.groups.add(approvers)
    PlanGrant.objects.filter(group=operators, plan="db::failover").update(
        requires_approval=True, approver_group=approvers
    )
    with WebhookReceiver() as alices_chat, WebhookReceiver() as bobs_chat:
        chat(alice, alices_chat.url, [Event.LAUNCH_DECIDED.value])
        chat(bob, bobs_chat.url, [Event.APPROVAL_WAITING.value])
        with WorkerProcess(ORCHESTRATOR_URL=stand_in.url, NOTIFICATION_RETRY_SECONDS="1"):
            asker = signed_in(browser, site, "alice", "alice-password")
            asker.goto(f"{site}/plans/db::failover/")
            asker.get_by_label("primary").fill("db01")
            asker.get_by_label("replica").fill("db02")
            asker.get_by_label("vault_token").fill(SECRET)
            asker.get_by_role("button", name="Review").click()
            asker.get_by_role("button", name="Run plan").click()
            expect(asker).to_have_url(re.compile(r"/jobs/\d+/$"))
            expect(asker.locator("#job-state")).to_have_text("Awaiting approval")
            expect(asker.locator("#job-approvers")).to_have_text("May approve: bob.")
            assert stand_in.sim.requests_to("/command/plan_run") == []

            # The worker tells bob that a launch waits for him.
            [asked] = eventually(lambda: bobs_chat.accepted, seconds=30)
            assert asked["title"].startswith("Approval wanted: db::failover in production")

            approver = signed_in(browser, site, "bob", "bob-password")
            approver.goto(f"{site}/approvals/")
            row = approver.locator("#waiting-for-me tr", has_text="db::failover")
            expect(row).to_contain_text("alice")
            expect(approver.locator("body")).not_to_contain_text(SECRET)
            row.get_by_label("Comment").fill("Checked with the DBA")
            row.get_by_role("button", name="Approve").click()
            expect(approver.locator(".messages")).to_contain_text("Approved and sent")

            # alice's page follows by itself: sent, then PE's states.
            expect(asker.locator("#job-state")).not_to_have_text("Awaiting approval", timeout=15_000)
            expect(asker.locator("#job-approval")).to_contain_text("Approved by bob")
            [told] = eventually(lambda: alices_chat.accepted, seconds=30)
            assert told["title"].startswith("Approved: db::failover in production")

        runs = stand_in.sim.requests_to("/command/plan_run")
        assert len(runs) == 1
        assert runs[0]["body"]["userdata"]["orchestrator_web"]["approved_by"] == ["bob"]
        assert SECRET not in str(alices_chat.accepted) + str(bobs_chat.accepted)
