from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from orchestrator_web.pe.client import OrchestratorClient
from orchestrator_web.simulator import ManualClock, Simulator, StandIn
from tests.helpers import catalogue

SERVICE_TOKEN = "demo-service-token"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The catalogue cache must not leak between tests (locmem lives as long as the process), nor
    what the history knows of counts, as each test's database starts afresh."""
    from django.core.cache import cache

    from orchestrator_web.jobs import selectors

    cache.clear()
    selectors._MANY.clear()
    yield
    cache.clear()
    selectors._MANY.clear()


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
    settings.RBAC_URL = stand_in.url  # the stand-in serves /rbac-api too
    settings.ORCHESTRATOR_TOKEN = SERVICE_TOKEN
    settings.ORCHESTRATOR_TOKEN_FILE = None
    return settings


@pytest.fixture
def pe_with(settings, clock: ManualClock) -> Iterator[Callable[..., StandIn]]:  # type: ignore[no-untyped-def]
    """Start a stand-in whose catalogue holds the given plans (in each of `environments`),
    and point the app at it."""
    with ExitStack() as stack:

        def start(
            plans: dict[str, dict[str, Any]], *, environments: tuple[str, ...] = ("production",), **extra: Any
        ) -> StandIn:
            data = {"environments": {env: catalogue(plans, env, **extra)["environments"][env] for env in environments}}
            server = stack.enter_context(StandIn(Simulator(catalogue=data, clock=clock)))
            settings.ORCHESTRATOR_URL = settings.RBAC_URL = server.url
            settings.ORCHESTRATOR_TOKEN = "demo-service-token"
            settings.ORCHESTRATOR_TOKEN_FILE = None
            return server

        yield start


# -- the cast ---------------------------------------------------------------------------


@pytest.fixture
def operators(db: None):  # type: ignore[no-untyped-def]
    """A group that may run a few plans anywhere and db::failover in production only."""
    from django.contrib.auth.models import Group

    from orchestrator_web.rbac.models import PlanGrant

    group = Group.objects.create(name="Operators")
    for plan in ("webapp::rolling_restart", "facts::info", "tools::noop", "patching::run", "canary", "deploy::app"):
        PlanGrant.objects.create(group=group, plan=plan)
    PlanGrant.objects.create(group=group, plan="db::failover", environments="production")
    return group


@pytest.fixture
def alice(operators):  # type: ignore[no-untyped-def]
    """An operator."""
    from django.contrib.auth.models import User

    user = User.objects.create_user("alice", password="alice-password")
    user.groups.add(operators)
    return user


@pytest.fixture
def outsider(db: None):  # type: ignore[no-untyped-def]
    """Logged in, in no group."""
    from django.contrib.auth.models import User

    return User.objects.create_user("oscar", password="oscar-password")


@pytest.fixture
def admin_user(db: None):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    return User.objects.create_superuser("root", password="root-password")
