"""The configured orchestrator client, built once per process from settings."""

from __future__ import annotations

import threading

from django.conf import settings

from orchestrator_web.pe.client import FileToken, OrchestratorClient, TokenSource
from orchestrator_web.pe.errors import NotConfigured

_lock = threading.Lock()
_clients: dict[tuple[object, ...], OrchestratorClient] = {}


def _settings_key() -> tuple[object, ...]:
    return (
        settings.ORCHESTRATOR_URL,
        settings.ORCHESTRATOR_TOKEN,
        settings.ORCHESTRATOR_TOKEN_FILE,
        settings.ORCHESTRATOR_CA_CERT,
        settings.ORCHESTRATOR_TIMEOUT,
        settings.ORCHESTRATOR_CONNECT_TIMEOUT,
    )


def orchestrator() -> OrchestratorClient:
    """The client for the service account (ORCHESTRATOR_TOKEN or ORCHESTRATOR_TOKEN_FILE).

    Raises NotConfigured when ORCHESTRATOR_URL is not set.
    """
    key = _settings_key()
    with _lock:
        client = _clients.get(key)
        if client is None:
            token: TokenSource | str = (
                FileToken(settings.ORCHESTRATOR_TOKEN_FILE)
                if settings.ORCHESTRATOR_TOKEN_FILE
                else settings.ORCHESTRATOR_TOKEN
            )
            if not settings.ORCHESTRATOR_URL:
                raise NotConfigured("ORCHESTRATOR_URL is not set")
            client = OrchestratorClient(
                settings.ORCHESTRATOR_URL,
                token,
                ca_cert=settings.ORCHESTRATOR_CA_CERT,
                timeout=settings.ORCHESTRATOR_TIMEOUT,
                connect_timeout=settings.ORCHESTRATOR_CONNECT_TIMEOUT,
            )
            _clients.clear()  # settings changed (tests); drop clients built from old ones
            _clients[key] = client
        return client
