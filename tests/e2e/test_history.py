"""Reviewing history and watching a job in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orchestrator_web.simulator import ManualClock
from tests.jobs.conftest import make_job
from tests.jobs.test_job_page import launch

pytestmark = pytest.mark.e2e


def test_filtering_the_history_updates_the_table_and_the_url(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    make_job(alice, plan_name="db::failover", state="failure", description="failover drill")
    make_job(alice, plan_name="facts::info", state="success")
    make_job(alice, plan_name="canary", state="success")
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/")
    expect(page.locator("table.jobs tbody tr")).to_have_count(3)

    page.get_by_label("State").select_option("failure")
    expect(page.locator("table.jobs tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"state=failure"))
    expect(page.locator("table.jobs tbody")).to_contain_text("db::failover")

    page.get_by_label("State").select_option("")
    page.get_by_label("Search description and values").fill("drill")
    expect(page.locator("table.jobs tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute("href", re.compile(r"q=drill"))


def test_a_job_page_follows_the_plan_until_it_finishes(
    page: Page, site: str, log_in, alice, clock: ManualClock, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.JOB_POLL_SECONDS = 1
    job = launch(alice)
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_have_text("Pending")

    clock.advance(5)
    expect(page.locator("#job-state")).to_have_text("Running")
    expect(page.locator(".events")).to_contain_text("Draining web01 from the load balancer")

    clock.advance(60)
    expect(page.locator("#job-state")).to_have_text("Success")
    expect(page.locator(".events")).to_contain_text("Plan finished")
    expect(page.locator("#job-poll")).not_to_have_attribute("hx-trigger", re.compile("every"))
