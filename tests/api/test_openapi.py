"""The OpenAPI description: OpenAPI 3.1, served with its documentation page from our own static
files, and true of the implementation (schemathesis generates requests from it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orchestrator_web.accounts import api_tokens
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def test_the_description_is_openapi_3_1_and_public(db: None) -> None:
    answer = Client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/api/v1/whoami",
        "/api/v1/plans",
        "/api/v1/plans/{plan_name}",
        "/api/v1/jobs",
        "/api/v1/jobs/{job_id}",
        "/api/v1/jobs/{job_id}/events",
        "/api/v1/jobs/{job_id}/stop",
        "/api/v1/jobs/{job_id}/approve",
        "/api/v1/jobs/{job_id}/reject",
        "/api/v1/jobs/{job_id}/withdraw",
        "/api/v1/approvals",
    }
    assert document["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["apiToken"]["description"],
    }


def test_the_history_filters_are_described_from_the_historys_form(db: None) -> None:
    from orchestrator_web.jobs.forms import JobFilterForm

    document = Client().get("/api/v1/openapi.json").json()
    described = {p["name"] for p in document["paths"]["/api/v1/jobs"]["get"]["parameters"]}
    assert set(JobFilterForm.base_fields) | {"before", "after", "limit"} == described


def test_the_docs_page_uses_only_this_sites_own_files(db: None) -> None:
    answer = Client().get("/api/v1/docs")
    assert answer.status_code == 200
    page = Html(answer)
    sources = [str(t.get("src") or t.get("href")) for t in page.soup.select("script[src], link[href]")]
    assert sources and all(src.startswith("/") and not src.startswith("//") for src in sources)
    for src in sources:
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), f"{src} is not among our static files"
    assert not page.soup.select("script:not([src]), style")  # the CSP allows no inline code
    script = Client().get("/api/v1/docs", {"script": ""})
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("application/javascript")
    assert not re.search(r"https?://", script.content.decode())


# -- the description against the implementation ------------------------------------------------


@pytest.fixture
def api_schema(db: None, admin_user: User, alice: User, make_job: Any, settings: Any) -> Iterator[Any]:
    """The description as the API serves it, called in-process through WSGI as a superuser
    (who reaches every path), with a few jobs to find."""
    settings.API_RATE_LIMIT = 10_000  # the limit has its own test; here every launch is tried
    for state in ("success", "failure", "running"):
        make_job(alice, state=state, pe_job_id="")
    token = api_tokens.create(admin_user, "schemathesis")[1]
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        loaded.token = token
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


OPERATIONS = [
    ("GET", "/api/v1/whoami"),
    ("GET", "/api/v1/plans"),
    ("GET", "/api/v1/plans/{plan_name}"),
    ("GET", "/api/v1/jobs"),
    ("POST", "/api/v1/jobs"),
    ("GET", "/api/v1/jobs/{job_id}"),
    ("GET", "/api/v1/jobs/{job_id}/events"),
    ("POST", "/api/v1/jobs/{job_id}/stop"),
    ("POST", "/api/v1/jobs/{job_id}/approve"),
    ("POST", "/api/v1/jobs/{job_id}/reject"),
    ("POST", "/api/v1/jobs/{job_id}/withdraw"),
    ("GET", "/api/v1/approvals"),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# schemathesis' own pytest plugin (schema.parametrize) does not run under pytest 9 yet, so each
# operation's strategies are run with Hypothesis directly: the description's examples, values
# it allows, and values it refuses (which must be refused in the documented shape).
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_api_does_what_its_description_says(api_schema: Any, method: str, path: str) -> None:
    operation = api_schema[path][method]
    strategy = st.one_of(
        *api_schema.get_strategies_from_examples(operation),
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    headers = {"Authorization": f"Bearer {api_schema.token}"}

    @given(strategy)
    @settings(max_examples=30, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def calls(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    calls()
