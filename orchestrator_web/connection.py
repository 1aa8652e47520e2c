"""The configured PE clients: the service account's, built once per process from settings,
and a person's own when they stored a personal token."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache

from orchestrator_web.pe.client import FileToken, OrchestratorClient, TokenSource
from orchestrator_web.pe.errors import NotConfigured
from orchestrator_web.pe.guard import Guard
from orchestrator_web.pe.rbac import RbacClient

_lock = threading.RLock()  # guard() is called while building a client
_clients: dict[tuple[object, ...], Any] = {}


def _service_token() -> TokenSource | str:
    if settings.ORCHESTRATOR_TOKEN_FILE:
        return FileToken(settings.ORCHESTRATOR_TOKEN_FILE)
    return settings.ORCHESTRATOR_TOKEN


def _options() -> dict[str, Any]:
    return {
        "ca_cert": settings.ORCHESTRATOR_CA_CERT,
        "timeout": settings.ORCHESTRATOR_TIMEOUT,
        "read_timeout": settings.ORCHESTRATOR_READ_TIMEOUT,
        "connect_timeout": settings.ORCHESTRATOR_CONNECT_TIMEOUT,
        "guard": guard(),
    }


_guards: dict[tuple[object, ...], Guard] = {}


def guard(*, background: bool = False) -> Guard:
    """This process's guard for PE calls: one bulkhead for every client (the service
    account's and personal tokens alike), and a circuit breaker shared through the cache.
    `background` work holds no request thread, so it passes the bulkhead."""
    key = (
        background,
        settings.ORCHESTRATOR_URL,
        settings.PE_MAX_CONCURRENT,
        settings.PE_BREAKER_FAILURES,
        settings.PE_BREAKER_SECONDS,
    )
    with _lock:
        found = _guards.get(key)
        if found is None:
            found = Guard(
                max_concurrent=None if background else settings.PE_MAX_CONCURRENT,
                failures=settings.PE_BREAKER_FAILURES,
                cool_off=settings.PE_BREAKER_SECONDS,
                store=cache,
                key=settings.ORCHESTRATOR_URL,
            )
            _guards[key] = found
        return found


def _cached(kind: type, url: str, setting: str) -> Any:
    key = (
        kind,
        url,
        settings.ORCHESTRATOR_TOKEN,
        settings.ORCHESTRATOR_TOKEN_FILE,
        *(id(v) if isinstance(v, Guard) else v for v in _options().values()),
    )
    with _lock:
        client = _clients.get(key)
        if client is None:
            if not url:
                raise NotConfigured(f"{setting} is not set")
            client = kind(url, _service_token(), **_options())
            # Settings changed (tests): drop clients built from the old ones.
            for old in [k for k in _clients if k[0] is kind]:
                del _clients[old]
            _clients[key] = client
        return client


def orchestrator() -> OrchestratorClient:
    """The orchestrator client for the service account. Raises NotConfigured when
    ORCHESTRATOR_URL is not set."""
    return _cached(OrchestratorClient, settings.ORCHESTRATOR_URL, "ORCHESTRATOR_URL")


def orchestrator_background() -> OrchestratorClient:
    """The service account's client for work that holds no request thread (filling the
    catalogue cache): through the circuit breaker, but not the bulkhead."""
    options = _options() | {"guard": guard(background=True)}
    key = (
        "background",
        settings.ORCHESTRATOR_URL,
        settings.ORCHESTRATOR_TOKEN,
        settings.ORCHESTRATOR_TOKEN_FILE,
        *(id(v) if isinstance(v, Guard) else v for v in options.values()),
    )
    with _lock:
        client = _clients.get(key)
        if client is None:
            if not settings.ORCHESTRATOR_URL:
                raise NotConfigured("ORCHESTRATOR_URL is not set")
            client = OrchestratorClient(settings.ORCHESTRATOR_URL, _service_token(), **options)
            for old in [k for k in _clients if k[0] == "background"]:
                del _clients[old]
            _clients[key] = client
        return client


def rbac() -> RbacClient:
    """The RBAC client for the service account (RBAC_URL)."""
    return _cached(RbacClient, settings.RBAC_URL, "RBAC_URL")


def rbac_with(token: str) -> RbacClient:
    """An RBAC client using someone's own token (to check it), or none (to get one)."""
    if not settings.RBAC_URL:
        raise NotConfigured("RBAC_URL is not set")
    return RbacClient(settings.RBAC_URL, token, **_options())


class PersonalTokenUnreadable(NotConfigured):
    """A stored personal token that none of TOKEN_ENCRYPTION_KEYS opens."""


def orchestrator_for(user: Any) -> tuple[OrchestratorClient, bool]:
    """The client for `user`'s launches and stops, and whether it uses their own token.

    A stored personal token is used, so PE records them as owner and applies its own RBAC;
    otherwise the service account's. A stored token that can no longer be decrypted is an
    error, never a silent fallback to the service account.
    """
    from orchestrator_web.accounts.models import PersonalToken

    ciphertext = (
        PersonalToken.objects.filter(user=user).values_list("ciphertext", flat=True).first()
        if user.is_authenticated
        else None
    )
    if ciphertext is None:
        return orchestrator(), False
    token = PersonalToken(ciphertext=ciphertext).token()
    if token is None:
        raise PersonalTokenUnreadable(
            "your personal PE token can no longer be read here (the console's token encryption key "
            "changed), so nothing was sent; store your token again on your profile page, or remove "
            "it there to use the service account"
        )
    if not settings.ORCHESTRATOR_URL:
        raise NotConfigured("ORCHESTRATOR_URL is not set")
    return OrchestratorClient(settings.ORCHESTRATOR_URL, token, **_options()), True
