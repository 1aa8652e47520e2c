from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from orchestrator_web.notifications.channels import encrypt, mask
from orchestrator_web.notifications.models import Channel, Kind
from orchestrator_web.rbac.models import PlanGrant
from tests.helpers import WebhookReceiver


@pytest.fixture(autouse=True)
def _quick(settings: Any, orchestrator_settings: Any) -> None:
    """Retries at once (the tests move no clock) and short timeouts; a fresh stand-in."""
    settings.NOTIFICATION_RETRY_SECONDS = 0
    settings.NOTIFICATION_ATTEMPTS = 3
    settings.NOTIFICATION_TIMEOUT = 1.0
    settings.SITE_URL = "https://console.example.net"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as started:
        yield started


@pytest.fixture
def approvers(db: None) -> Group:
    return Group.objects.create(name="DB approvers")


@pytest.fixture
def bob(approvers: Group) -> User:
    user = User.objects.create_user("bob", password="bob-password", email="bob@example.net")
    user.groups.add(approvers)
    return user


@pytest.fixture
def rule(operators: Group, approvers: Group) -> PlanGrant:
    grant = PlanGrant.objects.get(group=operators, plan="db::failover")
    grant.requires_approval, grant.approver_group = True, approvers
    grant.save()
    return grant


def webhook(owner: User | Group, url: str, events: list[str], **fields: Any) -> Channel:
    """A chat webhook of a person or a group, as the profile page or the admin stores it."""
    key = "user" if isinstance(owner, User) else "group"
    return Channel.objects.create(
        **{key: owner},
        kind=Kind.WEBHOOK,
        name=fields.pop("name", "chat"),
        url_ciphertext=encrypt(url),
        url_shown=mask(url),
        events=events,
        **fields,
    )


def choose(user: User, kind: str, events: list[str]) -> None:
    """Set what the person's e-mail (kind "email") carries."""
    from orchestrator_web.notifications.services import email_channel

    channel = email_channel(user)
    channel.events = events
    channel.save()
