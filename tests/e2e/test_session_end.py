"""A session that ends while someone works: a polling page goes to the login page instead of
swapping it in, and the launch form they were filling in comes back after logging in."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.e2e


def test_the_launch_form_comes_back_after_logging_in_again(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    log_in("alice", "alice-password")
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    page.goto(f"{site}/plans/webapp::rolling_restart/")
    page.get_by_label("targets").fill("web01.example.net\nweb02.example.net")
    page.get_by_label("batch_size").fill("3")
    page.get_by_label("drain").uncheck()
    page.get_by_label("api_key").fill("lb-secret-123")
    page.context.clear_cookies(name="sessionid")  # the session ends
    page.get_by_role("button", name="Review").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("Your session had ended: what you typed here is back.")).to_be_visible()
    expect(page.get_by_label("targets")).to_have_value("web01.example.net\nweb02.example.net")
    expect(page.get_by_label("batch_size")).to_have_value("3")
    expect(page.get_by_label("drain")).not_to_be_checked()
    expect(page.get_by_label("api_key")).to_have_value("")  # never kept


def test_a_polling_page_goes_to_the_login_page_when_the_session_ends(
    page: Page, site: str, log_in, alice, stand_in: StandIn, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.JOB_POLL_SECONDS = 1
    job, _ = submit(
        alice, Launch("patching::run", "production", {"targets": "web01"}, [], "", None, {}, {}), uuid.uuid4()
    )
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_be_visible()
    page.context.clear_cookies(name="sessionid")
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=%2Fjobs%2F{job.pk}%2F"), timeout=10_000)
    expect(page.get_by_label("Username")).to_be_visible()


def test_the_form_comes_back_in_the_environment_it_was_filled_in(
    page: Page, site: str, log_in, alice, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    log_in("alice", "alice-password")
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    page.goto(f"{site}/plans/webapp::rolling_restart/")
    page.get_by_label("Environment").select_option("development")
    expect(page.get_by_label("dry_run")).to_be_visible()  # development's version of the plan
    page.get_by_label("targets").fill("dev01.example.net")
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Review").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Your session had ended: what you typed here is back.")).to_be_visible()
    expect(page.get_by_label("Environment")).to_have_value("development")
    expect(page.get_by_label("targets")).to_have_value("dev01.example.net")


def test_logging_out_forgets_what_was_typed(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    log_in("alice", "alice-password")
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    page.goto(f"{site}/plans/webapp::rolling_restart/")
    page.get_by_label("targets").fill("web01.example.net")
    drafts = "Object.keys(localStorage).filter((k) => k.startsWith('orchestrator_web:draft:')).length"
    assert page.evaluate(drafts) == 1
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert page.evaluate(drafts) == 0
