"""Watching a job in a real browser: live updates that leave focus alone and swap nothing when
nothing changed, each target's result, the page without JavaScript, and the buttons a person
may use."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Browser, Page, Response, expect

from orchestrator_web.simulator import ManualClock
from tests.jobs.test_job_page import launch

pytestmark = pytest.mark.e2e


@pytest.fixture
def fast_polls(settings):  # type: ignore[no-untyped-def]
    settings.JOB_POLL_SECONDS = 1
    return settings


def polls_of(page: Page, job_id: int) -> list[int]:
    """The status of every poll the page sends from now on."""
    statuses: list[int] = []

    def seen(response: Response) -> None:
        if f"/jobs/{job_id}/?since=" in response.url:
            statuses.append(response.status)

    page.on("response", seen)
    return statuses


def test_focus_stays_on_stop_plan_across_live_updates(
    page: Page, site: str, log_in, alice, clock: ManualClock, fast_polls
) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice, "patching::run", {"targets": ["web01", "web02"]})
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_have_text("Pending")
    stop = page.get_by_role("link", name="Stop plan")
    stop.focus()

    clock.advance(20)  # running, with its first event (events come every 15 s)
    expect(page.locator("#job-state")).to_have_text("Running")
    expect(page.locator("#job-events-list")).to_contain_text("Task started")
    page.wait_for_timeout(2_500)  # two more polls
    clock.advance(60)
    expect(page.locator("#job-events-list")).to_contain_text("updates installed")

    assert page.evaluate("document.activeElement.textContent") == "Stop plan"
    expect(stop).to_be_focused()


def test_nothing_is_swapped_while_nothing_changes(
    page: Page, site: str, log_in, alice, clock: ManualClock, fast_polls
) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice, "patching::run", {"targets": "web01"})
    clock.advance(20)
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_have_text("Running")
    statuses = polls_of(page, job.pk)
    # Mark what is on the page now: a swap would replace these nodes.
    page.evaluate("document.getElementById('job-state').dataset.mark = 'kept'")
    page.evaluate("document.getElementById('job-clock').dataset.mark = 'kept'")

    page.wait_for_timeout(2_500)
    assert len(statuses) >= 2 and set(statuses) == {204}
    expect(page.locator("#job-state")).to_have_attribute("data-mark", "kept")
    expect(page.locator("#job-clock")).to_have_attribute("data-mark", "kept")

    clock.advance(30)  # a change is swapped in
    expect(page.locator("#job-events-list")).to_contain_text("web01: 12 updates available")
    expect(page.locator("#job-state")).not_to_have_attribute("data-mark", "kept")


def test_each_targets_result_shows_when_the_plan_ends(
    page: Page, site: str, log_in, alice, clock: ManualClock, fast_polls
) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice, "facts::info", {"targets": ["web01.example.net", "win01.example.net"]})
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_have_text("Pending")

    clock.advance(30)
    rows = page.locator("#job-targets tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("web01.example.net")
    expect(rows.nth(0)).to_contain_text("Succeeded")
    expect(rows.nth(1)).to_contain_text("win01.example.net")
    expect(rows.nth(1)).to_contain_text("Failed to connect to win01.example.net")
    expect(page.locator("#job-target-summary")).to_have_text("2 targets: 1 succeeded, 1 failed")
    expect(page.locator("#job-state")).to_have_text("Failure")


def test_the_elapsed_time_ticks_while_the_plan_runs(page: Page, site: str, log_in, alice, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice, "patching::run", {"targets": "web01"})
    clock.advance(5)
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    elapsed = page.locator("#job-clock time.elapsed")
    first = elapsed.text_content()
    expect(elapsed).not_to_have_text(first or "", timeout=3_000)
    expect(elapsed).to_have_text(re.compile(r"^(\d+m )?\d+s$"))


def test_without_javascript_the_page_reloads_until_the_plan_ends(
    browser: Browser, site: str, alice, clock: ManualClock, fast_polls
) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_have_text("Pending")
    # Playwright's text assertions skip <noscript>; without JavaScript it is ordinary content.
    assert page.locator("main noscript p").text_content() == "This page reloads every 3 seconds until the plan ends."
    expect(page.locator("head noscript meta[http-equiv=refresh]")).to_have_attribute("content", "3")

    clock.advance(60)  # no script polls: only the reload can show this
    expect(page.locator("#job-state")).to_have_text("Success", timeout=8_000)
    expect(page.locator("noscript")).to_have_count(0)
    context.close()


def test_run_again_is_not_offered_to_an_auditor(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice, "facts::info", {"targets": "web01"})
    auditor = User.objects.create_user("victor", password="victor-password")
    auditor.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))

    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.get_by_role("link", name="Run again")).to_be_visible()

    page.context.clear_cookies()
    log_in("victor", "victor-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_be_visible()
    expect(page.get_by_role("link", name="Run again")).to_have_count(0)
    expect(page.get_by_role("link", name="Stop plan")).to_have_count(0)


def test_when_stop_plan_goes_away_focus_moves_to_run_again(
    page: Page, site: str, log_in, alice, clock: ManualClock, fast_polls
) -> None:  # type: ignore[no-untyped-def]
    job = launch(alice, "facts::info", {"targets": "web01"})
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/{job.pk}/")
    page.get_by_role("link", name="Stop plan").focus()

    clock.advance(30)  # the plan ends: nothing left to stop
    expect(page.get_by_role("link", name="Stop plan")).to_have_count(0)
    expect(page.get_by_role("link", name="Run again")).to_be_focused()
