"""A person launches a plan in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.e2e


def test_a_person_filters_reviews_runs_and_lands_on_the_job(
    page: Page, site: str, log_in, alice, stand_in: StandIn
) -> None:  # type: ignore[no-untyped-def]
    log_in("alice", "alice-password")
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()

    page.get_by_label("Filter by name or description").fill("restart")
    expect(page.locator(".plan-name")).to_have_count(1)  # narrowed by htmx, no reload
    page.get_by_role("link", name="webapp::rolling_restart").click()

    page.get_by_label("targets").fill("web01.example.net\nweb02.example.net")
    page.get_by_label("batch_size").fill("2")
    page.get_by_label("api_key").fill("lb-secret-123")
    page.get_by_role("button", name="Review").click()

    expect(page.get_by_text("Nothing has been sent yet")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("lb-secret-123")
    assert stand_in.sim.requests_to("/command/plan_run") == []
    page.get_by_role("button", name="Run plan").click()

    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.locator("#job-state")).to_have_text("Pending")
    expect(page.locator("#job-facts")).to_contain_text("PE job")


def test_a_wrong_value_is_shown_next_to_its_field(page: Page, site: str, log_in, alice, stand_in: StandIn) -> None:  # type: ignore[no-untyped-def]
    log_in("alice", "alice-password")
    page.goto(f"{site}/plans/webapp::rolling_restart/")
    page.get_by_label("targets").fill("web01")
    page.get_by_label("batch_size").fill("99")
    page.get_by_label("api_key").fill("k")
    page.get_by_role("button", name="Review").click()

    batch = page.get_by_label("batch_size")
    expect(batch).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_param__batch_size_error")).to_have_text(
        "This parameter must be between 1 and 10 (Integer[1, 10]), got 99."
    )
    assert stand_in.sim.requests_to("/command/plan_run") == []
