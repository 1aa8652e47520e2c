"""Every answer under /api/v1/ is JSON in one shape, whatever went wrong."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def shape(response: Any) -> dict[str, Any]:
    assert response.headers["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert list(body) == ["error"] and list(body["error"]) == ["code", "message", "fields"]
    return body["error"]


@pytest.mark.parametrize(
    "path", ["", "nothing", "jobs/", "jobs/abc", "jobs/1/nothing", "plans/a/b/c", "openapi.yaml", "v2/jobs"]
)
@pytest.mark.parametrize("authenticated", [True, False])
def test_an_unknown_path_is_a_json_404(api_for: Any, alice: User, path: str, authenticated: bool) -> None:
    api = api_for(alice if authenticated else None)
    for method in ("GET", "POST", "DELETE"):
        response = api.call(method, path)
        assert response.status_code == 404
        assert shape(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "jobs"), ("PUT", "jobs"), ("POST", "whoami"), ("POST", "plans"), ("GET", "jobs/1/stop")],
)
def test_a_wrong_method_is_a_json_405(api_for: Any, alice: User, method: str, path: str) -> None:
    response = api_for(alice).call(method, path)
    assert response.status_code == 405
    assert shape(response)["code"] == "method_not_allowed"


def test_no_credentials_is_a_json_401(db: None) -> None:
    response = Client().get("/api/v1/jobs")
    assert response.status_code == 401
    assert shape(response)["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="orchestrator_web"'


def test_a_job_outside_the_callers_scope_is_404_like_a_missing_one(
    api_for: Any, alice: User, outsider: User, make_job: Any
) -> None:
    job = make_job(alice)
    hidden, missing = api_for(outsider).get(f"jobs/{job.pk}"), api_for(outsider).get(f"jobs/{job.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert shape(hidden) == shape(missing)


def test_a_fault_of_ours_is_a_json_500_and_logged(
    api_for: Any, alice: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from orchestrator_web.api import views

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views.access, "teams_of", broken)
    response = api_for(alice).get("whoami")
    assert response.status_code == 500
    assert shape(response)["code"] == "internal_error"
    assert "boom" not in response.content.decode()
    assert "boom" in caplog.text
