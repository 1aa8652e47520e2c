"""The launch form in a real browser keeps what a person typed: Enter means Review, another
environment keeps values, JSON and back keeps values or says why, secrets never reach a page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.e2e

PLAN = "mymod::deploy"
PARAMETERS = {
    "targets": {"type": "TargetSpec"},
    "drain": {"type": "Boolean", "default_value": "true"},
    "note": {"type": "Optional[String]"},
    "api_key": {"type": "Sensitive[String[1]]"},
}


@pytest.fixture
def plan_page(site: str, pe_with: Callable[..., StandIn], settings, admin_user) -> Callable[[Page], StandIn]:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    stand_in = pe_with({PLAN: {"parameters": PARAMETERS}}, environments=("production", "development"))

    def open_in(page: Page) -> StandIn:
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("Username").fill("root")
        page.get_by_label("Password").fill("root-password")
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{site}/plans/{PLAN}/")
        return stand_in

    return open_in


def test_enter_in_a_field_means_review(page: Page, plan_page: Callable[[Page], StandIn]) -> None:
    plan_page(page)
    page.get_by_label("targets").fill("web01")
    page.get_by_label("api_key").fill("k-1")
    page.get_by_label("note").fill("quick")
    page.get_by_label("note").press("Enter")
    expect(page.get_by_role("heading", name=f"Review: {PLAN}")).to_be_visible()


def test_enter_means_review_without_javascript_too(browser: Browser, plan_page: Callable[[Page], StandIn]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    plan_page(page)
    page.get_by_label("targets").fill("web01")
    page.get_by_label("api_key").fill("k-1")
    page.get_by_label("note").press("Enter")
    expect(page.get_by_role("heading", name=f"Review: {PLAN}")).to_be_visible()
    context.close()


def test_another_environment_keeps_values_and_secrets(page: Page, plan_page: Callable[[Page], StandIn]) -> None:
    stand_in = plan_page(page)
    page.get_by_label("targets").fill("web01")
    page.get_by_label("drain").uncheck()
    page.get_by_label("api_key").fill("S3cr3t-k")
    page.get_by_label("Environment").select_option("development")
    expect(page.get_by_text("A value is kept from before")).to_be_visible()
    expect(page.get_by_label("drain")).not_to_be_checked()
    expect(page.get_by_label("targets")).to_have_value("web01")
    assert "S3cr3t-k" not in page.content()
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Run plan").click()
    expect(page.locator("#job-state")).to_be_visible()
    sent: dict[str, Any] = stand_in.sim.requests_to("/command/plan_run")[-1]["body"]
    assert sent["environment"] == "development"
    assert sent["params"] == {"targets": "web01", "drain": False, "note": None, "api_key": "S3cr3t-k"}


def test_json_and_back_keeps_values_or_says_why(page: Page, plan_page: Callable[[Page], StandIn]) -> None:
    plan_page(page)
    page.get_by_label("targets").fill("web01")
    page.get_by_label("api_key").fill("S3cr3t-k")
    page.get_by_role("button", name="Edit as JSON").click()
    box = page.get_by_label("Parameters (JSON)")
    expect(box).to_be_visible()
    assert json.loads(box.input_value()) == {"targets": "web01", "drain": True}
    assert "S3cr3t-k" not in page.content()
    box.fill('{"targets": "web01", "batchsize": 5}')
    page.get_by_role("button", name="Back to the form").click()
    expect(page.locator("#id_params_json_error")).to_contain_text("'batchsize' is not a parameter")
    expect(page.get_by_label("Parameters (JSON)")).to_have_value('{"targets": "web01", "batchsize": 5}')


def test_change_something_after_json_never_shows_the_secret(page: Page, plan_page: Callable[[Page], StandIn]) -> None:
    stand_in = plan_page(page)
    page.get_by_role("button", name="Edit as JSON").click()
    page.get_by_label("Parameters (JSON)").fill('{"targets": "web01", "api_key": "S3cr3t-k"}')
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("heading", name=f"Review: {PLAN}")).to_be_visible()
    assert "S3cr3t-k" not in page.content()
    page.get_by_role("button", name="Change something").click()
    box = page.get_by_label("Parameters (JSON)")
    expect(box).to_be_visible()
    assert "S3cr3t-k" not in page.content()
    assert json.loads(box.input_value()) == {"targets": "web01"}
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Run plan").click()
    expect(page.locator("#job-state")).to_be_visible()
    assert stand_in.sim.requests_to("/command/plan_run")[-1]["body"]["params"]["api_key"] == "S3cr3t-k"
