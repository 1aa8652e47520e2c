"""A person schedules a plan in a real browser, PE's (stand-in) scheduler runs it, and the run
shows in the history under their name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from orchestrator_web.jobs.models import Job
from orchestrator_web.simulator import Simulator, StandIn
from tests.e2e.conftest import signed_in
from tests.helpers import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """A fast stand-in on the real clock: a run a minute ahead comes a second later."""
    with StandIn(Simulator(speed=60)) as server:
        yield server


def test_a_person_schedules_a_plan_a_minute_ahead_and_sees_its_run_in_the_history(
    page: Page, site: str, log_in, alice, stand_in: StandIn
) -> None:  # type: ignore[no-untyped-def]
    log_in("alice", "alice-password")
    page.goto(f"{site}/plans/facts::info/")
    page.get_by_label("targets").fill("web01.example.net")
    page.get_by_label("Run later (PE's scheduler)").check()
    start = (timezone.now() + timedelta(minutes=2)).astimezone(ZoneInfo(settings.TIME_ZONE))
    page.get_by_label("Date and time").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Review").click()

    expect(page.locator("#when")).to_contain_text(start.strftime("%Y-%m-%d %H:%M"))
    expect(page.locator("#when")).to_contain_text("once")
    page.get_by_role("button", name="Schedule plan").click()

    expect(page).to_have_url(re.compile(r"/schedules/$"))
    expect(page.locator(".messages")).to_contain_text("Scheduled in PE (schedule 1)")
    expect(page.locator("#schedule-1")).to_contain_text("facts::info")
    expect(page.locator("#schedule-1")).to_contain_text("alice")

    # The stand-in runs it about two seconds later; sync_jobs (cron or the worker) brings it in.
    def imported() -> bool:
        call_command("sync_jobs", stdout=StringIO(), stderr=StringIO())
        return Job.objects.filter(pe_scheduled_job_id="1").exists()

    eventually(imported, seconds=30, every=0.5)
    job = Job.objects.get(pe_scheduled_job_id="1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    row = page.locator(f"#job-{job.pk}")
    expect(row).to_contain_text("facts::info")
    expect(row).to_contain_text("alice")
    row.get_by_role("link", name=f"#{job.pk}").click()
    expect(page.locator("#scheduled-by")).to_contain_text("scheduled (schedule 1)")


def test_without_a_zone_on_the_profile_the_time_is_read_in_the_browsers_zone(
    browser, site: str, alice, stand_in: StandIn
) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(browser, site, "alice", "alice-password", timezone_id="Asia/Kolkata")
    page.goto(f"{site}/plans/facts::info/")
    page.get_by_label("targets").fill("web01.example.net")
    page.get_by_label("Run later (PE's scheduler)").check()
    # Chromium names the zone by its older name, which zoneinfo knows too.
    expect(page.locator("label[for=id_start_at]")).to_contain_text(re.compile(r"in Asia/(Kolkata|Calcutta)"))
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(ZoneInfo("Asia/Kolkata")).date()
    page.get_by_label("Date and time").fill(f"{tomorrow.isoformat()}T09:00")
    page.get_by_role("button", name="Review").click()
    # 09:00 in Kolkata (UTC+5:30) is 03:30 UTC.
    expect(page.locator("#when")).to_contain_text(f"{tomorrow.isoformat()} 03:30 UTC")
    page.context.close()
