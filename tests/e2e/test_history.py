"""Reviewing history and watching a job in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
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
    page.get_by_label("Search").fill("drill")
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


# -- on a phone, on a big screen -----------------------------------------------------------------

PHONE = {"width": 360, "height": 740}


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_history_fits_a_phone_with_each_jobs_state_in_view(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    for n in range(8):
        make_job(
            alice,
            plan_name="webapp::rolling_restart",
            state="failure" if n % 2 else "success",
            description="Restart the whole app tier after the quarterly kernel patch window " * 2,
            finished_at=timezone.now(),
        )
    page.set_viewport_size(PHONE)
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/")
    first = page.locator("table.jobs tbody tr").first
    state = first.locator(".state")
    expect(state).to_be_in_viewport()
    box = state.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    row = first.bounding_box()
    assert row is not None and row["y"] < PHONE["height"] * 0.6  # the filters leave room for jobs
    no_sideways_scroll(page)
    page.get_by_text("More filters").click()  # open, the folded filters still fit
    expect(page.get_by_label("Environment")).to_be_visible()
    no_sideways_scroll(page)


def test_the_audit_trail_fits_a_phone(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    alice.user_permissions.add(Permission.objects.get(codename="view_audit_trail"))
    record(Action.DENIED, "x" * 120, actor=alice, reason="a reason long enough to need wrapping on a phone " * 3)
    page.set_viewport_size(PHONE)
    log_in("alice", "alice-password")
    page.goto(f"{site}/audit/")
    expect(page.locator("table.entries tbody tr").first).to_be_visible()
    no_sideways_scroll(page)


def test_a_big_screen_shows_the_history_as_a_table(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    make_job(alice)
    page.set_viewport_size({"width": 1600, "height": 900})
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/")
    expect(page.get_by_role("columnheader", name="State")).to_be_visible()
    no_sideways_scroll(page)


# -- live rows, parts of names, orders ------------------------------------------------------------


def test_a_running_jobs_row_updates_by_itself(page: Page, site: str, log_in, alice, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOB_POLL_SECONDS = 1
    job = make_job(alice, plan_name="patching::run", state="running", pe_job_id="77")
    done = make_job(alice, state="success", finished_at=timezone.now())
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/")
    row = page.locator(f"#job-{job.pk}")
    expect(row.locator(".state")).to_have_text("Running")
    job.state, job.finished_at = "success", timezone.now()
    job.save()  # as the worker or sync_jobs would
    expect(row.locator(".state")).to_have_text("Success")
    expect(page.locator(f"#job-{done.pk} .state")).to_have_text("Success")
    expect(page.locator("#job-live")).not_to_have_attribute("hx-trigger", re.compile("every"))


def test_part_of_a_plan_name_finds_its_jobs(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    make_job(alice, plan_name="patching::run")
    make_job(alice, plan_name="facts::info")
    make_job(alice, plan_name="patching::report")
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/")
    suggestions = page.locator("datalist#suggest-plan option")
    expect(suggestions).to_have_count(3)
    page.get_by_label("Plan").fill("PATCH")
    expect(page.locator("table.jobs tbody tr")).to_have_count(2)
    expect(page.locator("table.jobs tbody")).not_to_contain_text("facts::info")
    expect(page).to_have_url(re.compile(r"plan=PATCH"))


def test_the_order_can_be_chosen(page: Page, site: str, log_in, alice) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    longest = make_job(alice, created_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=1))
    make_job(alice, created_at=now - timedelta(minutes=5), finished_at=now)
    log_in("alice", "alice-password")
    page.goto(f"{site}/jobs/")
    page.get_by_label("Order").select_option("duration")
    expect(page).to_have_url(re.compile(r"sort=duration"))
    expect(page.locator("table.jobs tbody tr").first).to_have_id(f"job-{longest.pk}")
