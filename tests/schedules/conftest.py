from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from orchestrator_web.simulator import ManualClock, StandIn
from tests.helpers import Html

RESTART = "/plans/webapp::rolling_restart/"
SECRET = "lb-secret-123"


def restart_form(**overrides: Any) -> dict[str, Any]:
    """webapp::rolling_restart's launch form as a person fills it in to run it later."""
    data = {
        "environment": "production",
        "mode": "form",
        "param__targets": "web01.example.net",
        "param__batch_size": "2",
        "param__drain": "on",
        "param__mode": "graceful",
        "param__notify": "",
        "param__api_key": SECRET,
        "description": "Nightly restart",
        "timeout": "",
        "userdata": "",
        "when": "later",
        "start_at": "",
        "repeat_every": "",
        "repeat_unit": "hours",
        "action": "review",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def local_input(moment: datetime, zone: str = "UTC") -> str:
    """A moment as a datetime-local box holds it, in `zone`."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = timezone.now().astimezone(UTC) + timedelta(days=1)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


class Scheduler:
    """Drives the launch page to schedule webapp::rolling_restart, as a browser would."""

    def __init__(self, client: Client, stand_in: StandIn) -> None:
        self.client, self.stand_in = client, stand_in

    def review(self, **overrides: Any) -> Html:
        return Html(self.client.post(RESTART, restart_form(**overrides)))

    def confirm(self, reviewed: Html) -> Any:
        return self.client.post(RESTART, {"action": "run", "submission": reviewed.sealed()})

    def schedule(self, **overrides: Any) -> Any:
        reviewed = self.review(**overrides)
        assert reviewed.soup.find("input", attrs={"name": "submission"}), reviewed.plain()[:3000]
        return self.confirm(reviewed)

    def sent(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.stand_in.sim.requests_to("/scheduled_jobs/environment_jobs", "POST")]


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def scheduler(as_alice: Client, stand_in: StandIn, orchestrator_settings: Any) -> Scheduler:
    return Scheduler(as_alice, stand_in)


def advance_to(clock: ManualClock, moment: datetime) -> None:
    """Move the stand-in's clock to `moment` (it starts in January 2026; the app's is real)."""
    clock.advance(max(0.0, moment.timestamp() - clock()))
