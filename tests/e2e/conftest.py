"""Browser tests: Playwright driving Debian's Chromium against a live server and the stand-in."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there
# unless told it is fine. Only here, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


def signed_in(browser: Any, site: str, username: str, password: str, **context: Any) -> Any:
    """A page of a new browser context (`context`: Playwright's options, such as timezone_id or
    viewport), logged in through the login page as `username`."""
    page = browser.new_context(**context).new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.fixture
def site(live_server, orchestrator_settings, transactional_db):  # type: ignore[no-untyped-def]
    """The live server's URL, with the app pointed at a fresh stand-in."""
    return live_server.url


@pytest.fixture
def log_in(page, site):  # type: ignore[no-untyped-def]
    """Log in through the login page as a person with a password."""

    def log_in_as(username: str, password: str) -> None:
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    return log_in_as
