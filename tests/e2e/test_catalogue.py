"""The catalogue in a browser: Refresh stays in the environment chosen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.e2e


def test_refresh_keeps_the_environment_chosen(
    page: Page, site: str, log_in, alice, stand_in: StandIn, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    log_in("alice", "alice-password")
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    page.get_by_label("Environment").select_option("development")
    expect(page).to_have_url(re.compile(r"environment=development"))
    page.get_by_role("button", name="Refresh").click()
    expect(page).to_have_url(re.compile(r"environment=development.*refresh=1|refresh=1.*environment=development"))
    expect(page.get_by_label("Environment")).to_have_value("development")
    assert any(r["query"].get("environment") == ["development"] for r in stand_in.sim.requests_to("/plans"))
