"""At 360 px nothing scrolls sideways: long plan names and values wrap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

pytestmark = pytest.mark.e2e

LONG = "a_rather_long_module_name_for_testing::and_an_even_longer_plan_name_that_goes_on_and_on"


def test_plan_pages_fit_a_phone(browser: Browser, site: str, pe_with, admin_user) -> None:  # type: ignore[no-untyped-def]
    pe_with({LONG: {"parameters": {"targets": {"type": "TargetSpec"}, "labels": {"type": "Hash[String, String]"}}}})
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("root-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    wide = "document.scrollingElement.scrollWidth - window.innerWidth"
    widths = {}
    for name, path in {"plans": "/plans/", "launch form": f"/plans/{LONG}/", "profile": "/accounts/profile/"}.items():
        page.goto(site + path)
        widths[name] = page.evaluate(wide)
    page.goto(f"{site}/plans/{LONG}/")
    page.get_by_label("targets").fill("web-" + "x" * 120 + ".example.net")
    page.get_by_label("labels").fill('{"' + "k" * 80 + '": "' + "v" * 120 + '"}')
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Run plan").wait_for()
    widths["review"] = page.evaluate(wide)
    context.close()
    assert widths == dict.fromkeys(widths, 0)
