"""Which address a request came from: X-Forwarded-For only from TRUSTED_PROXIES, read right to left."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.audit.services import client_address

PROXIES = ["10.0.0.0/24", "192.0.2.10"]


def address(peer: str, forwarded: str | None = None) -> str | None:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=peer, **extra))


@pytest.fixture
def proxies(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXIES = PROXIES


def test_it_is_the_peer_without_trusted_proxies(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXIES = []
    assert address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


@pytest.mark.usefixtures("proxies")
def test_it_ignores_x_forwarded_for_from_an_untrusted_peer() -> None:
    assert address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


@pytest.mark.usefixtures("proxies")
def test_it_takes_the_address_a_trusted_proxy_received_from() -> None:
    assert address("10.0.0.2", "203.0.113.1") == "203.0.113.1"


@pytest.mark.usefixtures("proxies")
def test_it_skips_trusted_hops_right_to_left_and_ignores_what_the_client_wrote() -> None:
    # The client wrote "1.2.3.4" itself; 198.51.100.7 reached the outer proxy 192.0.2.10, which
    # reached the inner proxy 10.0.0.5, which reached us.
    assert address("10.0.0.5", "1.2.3.4, 198.51.100.7, 192.0.2.10") == "198.51.100.7"


@pytest.mark.usefixtures("proxies")
def test_it_is_the_leftmost_when_every_hop_is_trusted() -> None:
    assert address("10.0.0.5", "10.0.0.9, 192.0.2.10") == "10.0.0.9"


@pytest.mark.usefixtures("proxies")
def test_it_stops_at_a_hop_it_cannot_read() -> None:
    assert address("10.0.0.5", "203.0.113.1, not-an-address") == "10.0.0.5"


@pytest.mark.usefixtures("proxies")
@pytest.mark.parametrize(
    ("hop", "expected"),
    [("203.0.113.1:51234", "203.0.113.1"), ("[2001:db8::1]:443", "2001:db8::1"), ("::ffff:203.0.113.1", "203.0.113.1")],
)
def test_it_reads_ports_and_mapped_addresses(hop: str, expected: str) -> None:
    assert address("10.0.0.2", hop) == expected


def test_it_is_none_without_a_peer_address() -> None:
    assert address("") is None
    assert client_address(None) is None


@pytest.mark.usefixtures("proxies")
def test_the_audit_trail_records_the_client_behind_a_trusted_proxy(client: Client, alice: User) -> None:
    client.post(
        "/accounts/login/",
        {"username": "alice", "password": "alice-password"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.1",
    )
    assert AuditEntry.objects.get(action="login").address == "203.0.113.1"
