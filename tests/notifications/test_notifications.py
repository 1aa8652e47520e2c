"""Who hears about what, by e-mail and chat webhook, delivered by the worker with retries."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client
from django.utils import timezone

from orchestrator_web.approvals.services import approve, reject
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.jobs.services import change
from orchestrator_web.notifications.delivery import attempt
from orchestrator_web.notifications.models import Channel, Delivery, DeliveryState, Event, Message
from orchestrator_web.notifications.services import notify
from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.simulator import StandIn
from tests.helpers import Html, WebhookReceiver, run_queued_tasks
from tests.notifications.conftest import choose, webhook

SECRET = "vault-s3cret-token-4711"
FAILED, SUCCEEDED = Event.JOB_FAILED.value, Event.JOB_SUCCEEDED.value
WAITING, DECIDED = Event.APPROVAL_WAITING.value, Event.LAUNCH_DECIDED.value


def failover(user: User, secret: str = SECRET, **overrides: Any) -> Job:
    launch = Launch(
        plan_name="db::failover",
        environment="production",
        params={"primary": "db01", "replica": "db02", "vault_token": secret, "dry_run": False},
        sensitive=["vault_token"],
        description="Fail over",
        timeout=None,
        userdata={},
        param_types={},
    )
    for key, value in overrides.items():
        setattr(launch, key, value)
    job, _ = submit(user, launch, uuid.uuid4())
    return job


def finish(job: Job, state: str) -> None:
    """PE says the job ended (as a refresh or sync_jobs writes it)."""
    job.refresh_from_db()
    assert change(job, job.state, state=state)


def everything_sent() -> str:
    """Every subject and body that left, by e-mail and in deliveries: to search for secrets."""
    texts = [f"{m.subject}\n{m.body}" for m in mail.outbox]
    texts += [f"{d.subject}\n{d.body}\n{d.last_error}" for d in Delivery.objects.all()]
    return "\n".join(texts)


# -- my job succeeded / failed ---------------------------------------------------------------


def test_a_failed_job_is_told_to_its_requester_by_email_and_webhook(
    alice: User, receiver: WebhookReceiver, stand_in: StandIn
) -> None:
    alice.email = "alice@example.net"
    alice.save()
    choose(alice, "email", [FAILED])
    webhook(alice, receiver.url, [FAILED], name="my Slack")
    job = failover(alice)
    finish(job, State.FAILURE)
    assert mail.outbox == []  # nothing is sent by the request: the worker sends
    run_queued_tasks()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["alice@example.net"]
    assert sent.subject == f"Job {job.pk} failed: db::failover in production"
    assert f"https://console.example.net/jobs/{job.pk}/" in sent.body
    [message] = receiver.accepted
    assert message["title"] == sent.subject and f"Job {job.pk}, db::failover in production" in message["message"]


def test_no_secret_is_in_any_message(alice: User, bob: User, rule: Any, receiver: WebhookReceiver) -> None:
    alice.email = "alice@example.net"
    alice.save()
    for person in (alice, bob):
        choose(person, "email", [FAILED, SUCCEEDED, WAITING, DECIDED])
        webhook(person, receiver.url, [FAILED, SUCCEEDED, WAITING, DECIDED])
    job = failover(alice)  # waits: approvers are told
    run_queued_tasks()
    approve(job, bob)  # sent: alice is told
    finish(job, State.SUCCESS)
    run_queued_tasks()
    assert len(mail.outbox) == 3 and len(receiver.accepted) == 3
    assert SECRET not in everything_sent()
    assert SECRET not in str(receiver.accepted)
    assert "demo-service-token" not in everything_sent()


def test_a_success_is_not_told_unless_chosen(alice: User, stand_in: StandIn) -> None:
    alice.email = "alice@example.net"
    alice.save()
    job = failover(alice)
    finish(job, State.SUCCESS)
    run_queued_tasks()
    assert mail.outbox == []  # by default e-mail carries what needs a person: approvals


def test_one_message_per_event_and_channel(alice: User, receiver: WebhookReceiver, stand_in: StandIn) -> None:
    webhook(alice, receiver.url, [FAILED])
    job = failover(alice)
    finish(job, State.FAILURE)
    notify(Message.FAILED, job, people=[alice])  # the same event again
    run_queued_tasks()
    assert Delivery.objects.count() == 1 and len(receiver.accepted) == 1


# -- approvals -----------------------------------------------------------------------------------


def test_each_approver_hears_that_a_launch_waits(alice: User, bob: User, rule: Any, approvers: Group) -> None:
    carol = User.objects.create_user("carol", email="carol@example.net")
    approvers.user_set.add(carol, alice)  # alice asks: she is not asked to approve her own launch
    alice.email = "alice@example.net"
    alice.save()
    job = failover(alice)
    run_queued_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.net", "carol@example.net"]
    body = mail.outbox[0].body
    assert "alice asks to run db::failover in production" in body
    assert "Sensitive parameters (values never shown): vault_token." in body
    assert f"https://console.example.net/jobs/{job.pk}/" in body
    assert "https://console.example.net/approvals/" in body


def test_an_approval_wanted_that_was_not_out_before_the_decision_is_not_sent(
    settings: Any, alice: User, bob: User, rule: Any, receiver: WebhookReceiver
) -> None:
    settings.NOTIFICATION_RETRY_SECONDS = 60
    receiver.answers = [500]  # bob's chat is down at first: his message waits to be tried again
    webhook(bob, receiver.url, [WAITING])
    job = failover(alice)
    run_queued_tasks()  # the first attempt fails; the next is due a little later
    waiting = Delivery.objects.get(channel__user=bob, message=Message.WAITING, channel__kind="webhook")
    assert waiting.state == DeliveryState.RETRYING
    reject(job, bob, "Not during the freeze")
    Delivery.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())  # its retry is due
    assert attempt(waiting.pk) == (DeliveryState.SKIPPED, None)
    assert receiver.accepted == []
    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.SKIPPED and "decided" in waiting.last_error


def test_the_requester_hears_the_launch_was_approved(alice: User, bob: User, rule: Any) -> None:
    alice.email = "alice@example.net"
    alice.save()
    job = failover(alice)
    approve(job, bob)
    run_queued_tasks()
    told = [m for m in mail.outbox if m.to == ["alice@example.net"]]
    assert [m.subject for m in told] == [f"Approved: db::failover in production (job {job.pk})"]
    assert "approved by bob and sent" in told[0].body


def test_the_requester_hears_an_approved_launch_was_not_sent_when_they_may_no_longer_run_it(
    alice: User, bob: User, rule: Any, operators: Any
) -> None:
    alice.email = "alice@example.net"
    alice.save()
    job = failover(alice)
    alice.groups.remove(operators)
    approve(job, bob)
    run_queued_tasks()
    [told] = [m for m in mail.outbox if m.to == ["alice@example.net"]]
    assert told.subject == f"Approved, not sent: db::failover in production (job {job.pk})"
    assert "approved by bob but not sent: Not sent: alice may no longer run db::failover in production." in told.body


def test_the_requester_hears_who_rejected_it_and_why(alice: User, bob: User, rule: Any) -> None:
    alice.email = "alice@example.net"
    alice.save()
    job = failover(alice)
    reject(job, bob, "Not during the freeze")
    run_queued_tasks()
    [told] = [m for m in mail.outbox if m.to == ["alice@example.net"]]
    assert told.subject == f"Rejected: db::failover in production (job {job.pk})"
    assert f"bob rejected alice's launch of db::failover in production (job {job.pk})" in told.body
    assert "“Not during the freeze”" in told.body


# -- group channels ------------------------------------------------------------------------------


def test_a_team_channel_hears_failures_of_its_plans_in_production_only(
    alice: User, receiver: WebhookReceiver, stand_in: StandIn
) -> None:
    team = Group.objects.create(name="Database operators")
    webhook(team, receiver.url, [FAILED], name="#db-team", plans="db::*", environments="production")
    failed = failover(alice)
    finish(failed, State.FAILURE)
    succeeded = failover(alice)
    finish(succeeded, State.SUCCESS)
    other = failover(alice, plan_name="facts::info", params={"targets": ["web01"]}, sensitive=[])
    finish(other, State.FAILURE)
    run_queued_tasks()
    assert [m["title"] for m in receiver.accepted] == [f"Job {failed.pk} failed: db::failover in production"]


# -- delivery: retries, timeouts, failures -------------------------------------------------------


def test_a_receiver_that_fails_twice_then_succeeds_gets_one_message(
    alice: User, receiver: WebhookReceiver, stand_in: StandIn
) -> None:
    receiver.answers = [500, 503]
    webhook(alice, receiver.url, [FAILED])
    job = failover(alice)
    finish(job, State.FAILURE)
    run_queued_tasks()
    assert [r["status"] for r in receiver.requests] == [500, 503, 200]
    assert len(receiver.accepted) == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 3, "")


def test_a_target_that_stays_down_ends_failed_in_the_delivery_log(
    client: Client, admin_user: User, alice: User, stand_in: StandIn
) -> None:
    webhook(alice, "json://127.0.0.1:9/hook", [FAILED])  # nothing listens on port 9
    job = failover(alice)
    finish(job, State.FAILURE)
    run_queued_tasks()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 3)
    assert delivery.last_error == "A Connection error occurred sending JSON notification to 127.0.0.1."
    client.force_login(admin_user)
    log = Html(client.get("/admin/notifications/delivery/"))
    assert "A Connection error occurred sending JSON notification to 127.0.0.1." in log.plain()
    assert "Failed" in log.plain()
    from django_tasks_db.models import DBTaskResult

    failed = DBTaskResult.objects.failed().get()
    assert failed.exception_class_path.endswith("DeliveryFailed")


def test_a_failed_delivery_can_be_sent_again_from_the_admin(
    client: Client, admin_user: User, alice: User, receiver: WebhookReceiver, stand_in: StandIn
) -> None:
    receiver.answers = [500, 500, 500]
    webhook(alice, receiver.url, [FAILED])
    job = failover(alice)
    finish(job, State.FAILURE)
    run_queued_tasks()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    client.force_login(admin_user)
    response = client.post(
        "/admin/notifications/delivery/", {"action": "send_again", "_selected_action": [str(delivery.pk)]}
    )
    assert response.status_code == 302
    run_queued_tasks()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and len(receiver.accepted) == 1


def test_a_receiver_that_never_answers_holds_neither_the_page_nor_other_deliveries(
    client: Client, alice: User, bob: User, rule: Any, receiver: WebhookReceiver
) -> None:
    with WebhookReceiver() as silent:
        silent.hang = True
        webhook(bob, silent.url, [WAITING], name="silent")
        webhook(bob, receiver.url, [WAITING], name="working")
        client.force_login(alice)
        started = time.monotonic()
        job = failover(alice)  # as the Run plan request does: it only writes the deliveries
        assert time.monotonic() - started < 1.0
        assert job.state == State.AWAITING_APPROVAL
        started = time.monotonic()
        run_queued_tasks()
        took = time.monotonic() - started
    assert len(receiver.accepted) == 1 and receiver.accepted[0]["title"].startswith("Approval wanted")
    hung = Delivery.objects.get(channel__name="silent")
    assert hung.state == DeliveryState.FAILED and hung.attempts == 3
    assert "error" in hung.last_error.lower()
    assert took < 3 * 1.0 + 3  # each attempt waited NOTIFICATION_TIMEOUT, no longer


def test_the_request_that_ends_a_job_does_not_wait_for_deliveries(
    alice: User, stand_in: StandIn, receiver: WebhookReceiver
) -> None:
    receiver.hang = True
    webhook(alice, receiver.url, [FAILED])
    job = failover(alice)
    started = time.monotonic()
    finish(job, State.FAILURE)
    assert time.monotonic() - started < 0.5
    assert Delivery.objects.get().state == DeliveryState.PENDING
    assert receiver.requests == []


def test_a_notification_fault_never_fails_the_change_it_follows(
    monkeypatch: pytest.MonkeyPatch, alice: User, stand_in: StandIn
) -> None:
    from orchestrator_web.notifications import services

    def broken(*args: Any) -> int:
        raise RuntimeError("a bug in notifications")

    monkeypatch.setattr(services, "_notify", broken)
    job = failover(alice)
    finish(job, State.FAILURE)
    assert Job.objects.get(pk=job.pk).state == State.FAILURE


def test_a_person_without_an_email_address_gets_no_email(alice: User, stand_in: StandIn) -> None:
    choose(alice, "email", [FAILED])
    job = failover(alice)
    finish(job, State.FAILURE)
    run_queued_tasks()
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_a_deactivated_person_hears_nothing(alice: User, receiver: WebhookReceiver, stand_in: StandIn) -> None:
    webhook(alice, receiver.url, [FAILED])
    job = failover(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    job.requested_by = User.objects.get(pk=alice.pk)
    notify(Message.FAILED, job, people=[job.requested_by])
    run_queued_tasks()
    assert receiver.requests == []


def test_channels_are_kept_per_person(alice: User, receiver: WebhookReceiver) -> None:
    webhook(alice, receiver.url, [FAILED])
    assert Channel.objects.filter(user=alice).count() == 1
