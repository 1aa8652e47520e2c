"""An administrator grants a plan in the admin; a member of the group then runs it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.e2e


def test_a_grant_made_in_the_admin_lets_a_member_run_the_plan(
    browser: Browser,
    page: Page,
    site: str,
    log_in,  # type: ignore[no-untyped-def]
    stand_in: StandIn,
    request: pytest.FixtureRequest,
) -> None:
    User.objects.create_superuser("root", password="root-password")
    member = User.objects.create_user("mia", password="mia-password")
    group = Group.objects.create(name="Facts readers")
    member.groups.add(group)

    log_in("root", "root-password")
    page.goto(f"{site}/admin/auth/group/{group.pk}/change/")
    page.locator("#id_plan_grants-0-plan").fill("facts::info")
    page.locator("#id_plan_grants-0-environments").fill("production")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    context = browser.new_context()
    request.addfinalizer(context.close)  # its job page polls; stop it with the test
    other = context.new_page()
    other.goto(f"{site}/accounts/login/")
    other.get_by_label("Username").fill("mia")
    other.get_by_label("Password").fill("mia-password")
    other.get_by_role("button", name="Log in").click()
    expect(other.locator(".plan-name")).to_have_text(["facts::info"])

    other.get_by_role("link", name="facts::info").click()
    other.get_by_label("targets").fill("web01.example.net")
    other.get_by_role("button", name="Review").click()
    other.get_by_role("button", name="Run plan").click()
    expect(other).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(other.locator("#job-state")).to_have_text(re.compile("Pending|Running|Success"))
    assert (
        stand_in.sim.requests_to("/command/plan_run")[0]["body"]["userdata"]["orchestrator_web"]["requested_by"]
        == "mia"
    )
