"""The documentation page in a real browser: Swagger UI from our own static files, under the
site's Content-Security-Policy, lists every operation."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there
# unless told it is fine. Only in browser tests, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium")}


def test_the_docs_page_renders_every_operation_without_breaking_the_csp(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    refused: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security" in message.text else None)
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .info .title").filter(has_text="orchestrator_web API").wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {path.replace("\u200b", "") for path in paths} >= {"/api/v1/jobs", "/api/v1/jobs/{job_id}/stop"}
    assert len(paths) == 12
    assert refused == []
    assert outside == []
