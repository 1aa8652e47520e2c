"""Times in the reader's zone: the browser's, unless the person chose one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import signed_in
from tests.jobs.conftest import make_job

pytestmark = pytest.mark.e2e


def test_times_are_shown_in_the_browsers_zone(browser: Browser, site: str, alice) -> None:  # type: ignore[no-untyped-def]
    make_job(alice, created_at=datetime(2026, 3, 1, 11, 0, tzinfo=UTC))
    page = signed_in(browser, site, "alice", "alice-password", timezone_id="Asia/Tokyo")
    page.goto(f"{site}/jobs/")
    expect(page.locator("td time").first).to_have_attribute("title", "2026-03-01 20:00:00 GMT+9")
    page.context.close()


def test_a_zone_chosen_on_the_profile_wins_over_the_browsers(browser: Browser, site: str, alice) -> None:  # type: ignore[no-untyped-def]
    from orchestrator_web.accounts.models import Preferences

    Preferences.objects.create(user=alice, time_zone="Asia/Kolkata")
    make_job(alice, created_at=datetime(2026, 3, 1, 11, 0, tzinfo=UTC))
    page = signed_in(browser, site, "alice", "alice-password", timezone_id="Asia/Tokyo")
    page.goto(f"{site}/jobs/")
    expect(page.locator("td time").first).to_have_attribute("title", "2026-03-01 16:30:00 IST")
    page.context.close()
