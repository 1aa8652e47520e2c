from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrator_web.pe.client import OrchestratorClient
from orchestrator_web.simulator import ManualClock, Simulator, StandIn

SERVICE_TOKEN = "demo-service-token"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def stand_in(clock: ManualClock) -> Iterator[StandIn]:
    """A stand-in orchestrator on a free loopback port, with a clock the test moves."""
    with StandIn(Simulator(clock=clock)) as server:
        yield server


@pytest.fixture
def pe(stand_in: StandIn) -> OrchestratorClient:
    """The client, as the service account, talking to the stand-in."""
    return OrchestratorClient(stand_in.url, SERVICE_TOKEN, timeout=2.0, connect_timeout=1.0, retry_backoff=0.01)


@pytest.fixture
def orchestrator_settings(settings, stand_in: StandIn):  # type: ignore[no-untyped-def]
    """Point the app's settings at the stand-in."""
    settings.ORCHESTRATOR_URL = stand_in.url
    settings.ORCHESTRATOR_TOKEN = SERVICE_TOKEN
    settings.ORCHESTRATOR_TOKEN_FILE = None
    return settings
