"""Every page, checked with axe-core in the browser, light and dark: no serious or critical
violation. (axe-core comes from the npm registry: `make test` installs it.)"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.simulator import ManualClock, StandIn

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings for the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # evaluate, not a script tag: the pages' CSP allows no inline script
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5], "help": v["help"]}
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(params=["light", "dark"])
def scheme_page(request, browser: Browser, site: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=request.param)
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Page, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_every_page_passes_axe(
    scheme_page: Page, site: str, alice, admin_user, stand_in: StandIn, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    page = scheme_page
    page.goto(f"{site}/accounts/login/")
    found = {"login": violations(page)}
    log_in(page, site, "alice", "alice-password")
    job, _ = submit(
        alice, Launch("patching::run", "production", {"targets": "web01"}, [], "", None, {}, {}), uuid.uuid4()
    )
    done, _ = submit(alice, Launch("tools::noop", "production", {}, [], "", None, {}, {}), uuid.uuid4())
    clock.advance(30)
    pages = {
        "plans": "/plans/",
        "launch form": "/plans/webapp::rolling_restart/",
        "running job": f"/jobs/{job.pk}/",
        "finished job": f"/jobs/{done.pk}/",
        "history": "/jobs/",
        "profile": "/accounts/profile/",
        "not found": "/jobs/999999/",
    }
    for name, path in pages.items():
        page.goto(site + path)
        found[name] = violations(page)
    page.goto(site + "/plans/webapp::rolling_restart/")
    page.get_by_role("button", name="Review").click()  # errors shown next to the fields
    found["launch form with errors"] = violations(page)
    page.get_by_label("targets").fill("web01")
    page.get_by_label("api_key").fill("k")
    page.get_by_role("button", name="Review").click()
    found["review"] = violations(page)
    page.get_by_role("button", name="Change something").click()
    page.get_by_label("api_key").fill("k")
    page.get_by_label("Run later (PE's scheduler)").check()
    page.get_by_label("Date and time").fill((timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Repeat every").fill("2")
    page.get_by_role("button", name="Review").click()
    found["schedule review"] = violations(page)
    page.get_by_role("button", name="Schedule plan").click()
    page.wait_for_url(lambda url: url.endswith("/schedules/"))
    found["schedules"] = violations(page)
    for name, path in {"change schedule": "/schedules/1/change/", "remove schedule": "/schedules/1/remove/"}.items():
        page.goto(site + path)
        found[name] = violations(page)
    problems = {name: v for name, v in found.items() if v}
    assert not problems, json.dumps(problems, indent=1)
