"""Writing to the audit trail, and the one answer to "which address did this request come from"."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest

from orchestrator_web.audit.models import Action, AuditEntry

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy) for proxy in proxies)


def _address(text: str) -> Address | None:
    """An address as REMOTE_ADDR or an X-Forwarded-For hop gives it (some proxies add a port)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the person behind `request`.

    The peer's address, unless the peer is one of TRUSTED_PROXIES: then X-Forwarded-For is read
    from right to left (each proxy appends the address it was reached from), skipping trusted
    proxies, and the first address that is not one is the client. A header from any other peer
    is ignored, since anyone can write one. The audit trail, the login lockout
    (AXES_CLIENT_IP_CALLABLE) and the login throttle all ask this one function.
    """
    if request is None:
        return None
    address = _address(request.META.get("REMOTE_ADDR") or "")
    if address is None:
        return None
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = reversed(forwarded.split(",")) if forwarded and trusted else ()
    for hop in hops:
        if not any(address in network for network in trusted):
            break
        earlier = _address(hop)
        if earlier is None:
            break  # unreadable: the last trusted proxy is as far back as we can believe
        address = earlier
    return str(address)


def record(
    action: Action,
    target: str = "",
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    actor_name: str = "",
    **details: Any,
) -> AuditEntry:
    """Append one entry. The actor is the request's user unless given; commands name themselves."""
    if actor is None and request is not None and isinstance(request.user, User):
        actor = request.user
    name = actor_name or (actor.get_username() if actor is not None else "anonymous")
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=name,
        address=client_address(request),
        action=action,
        target=target[:300],
        details=details,
    )
