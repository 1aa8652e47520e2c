"""`manage.py worker`: a real process that starts the periodic tasks and sends what is queued."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import close_old_connections

from orchestrator_web.notifications.channels import encrypt, mask
from orchestrator_web.notifications.models import Channel, Delivery, DeliveryState, Kind, Message
from orchestrator_web.notifications.services import send_test
from orchestrator_web.worker.models import Chain
from tests.helpers import WebhookReceiver, WorkerProcess, eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_starts_the_periodic_tasks_and_delivers(orchestrator_settings: Any) -> None:
    alice = User.objects.create_user("alice")
    with WebhookReceiver() as receiver:
        channel = Channel.objects.create(
            user=alice,
            kind=Kind.WEBHOOK,
            name="chat",
            url_ciphertext=encrypt(receiver.url),
            url_shown=mask(receiver.url),
        )
        send_test(channel)
        with WorkerProcess(ORCHESTRATOR_URL=orchestrator_settings.ORCHESTRATOR_URL) as worker:
            eventually(lambda: receiver.accepted, seconds=30)

            def chains_started() -> bool:
                close_old_connections()
                return Chain.objects.exclude(link="").count() == 3

            eventually(chains_started)
        assert [m["title"] for m in receiver.accepted] == ["Test message from orchestrator_web"]
    assert "started the periodic task sync_jobs" in worker.output()
    assert Delivery.objects.get(message=Message.TEST).state == DeliveryState.SENT
    assert worker.process.returncode == 0  # SIGTERM: a clean stop
