"""Odd input from a person or PE gets a message, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.simulator import StandIn
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


@pytest.mark.parametrize("number", ["²", "١٢", "99999999999999999999999", "-1", "1.0"])
def test_run_again_from_an_odd_job_number_is_a_404_with_a_message(client: Client, alice: User, number: str) -> None:
    client.force_login(alice)
    response = client.get("/plans/facts::info/", {"from_job": number})
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/jobs/99999999999999999999999/", "/jobs/99999999999999999999999/stop/"])
def test_a_job_number_too_large_for_the_database_is_a_404(client: Client, alice: User, path: str) -> None:
    client.force_login(alice)
    assert client.get(path).status_code == 404


def test_an_odd_plan_name_from_pe_is_said_not_a_500(client: Client, admin_user: User, stand_in: StandIn) -> None:
    odd = {
        "environment": {"name": "production", "code_id": None},
        "items": [
            {"name": "facts::info", "permitted": True},
            {"name": "Odd/Plan Name", "permitted": True},
        ],
    }
    stand_in.inject("error", path=r"/plans$", status=200, body=odd, times=None)
    client.force_login(admin_user)
    response = client.get("/plans/")
    assert response.status_code == 200
    page = Html(response)
    assert "facts::info" in page.plain()
    assert "PE also lists Odd/Plan Name , which is not a valid plan name" in page.plain()


def test_an_htmx_request_of_an_ended_session_is_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get("/jobs/1/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/jobs/1/"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fjobs%2F1%2F"


def test_an_ordinary_request_of_an_ended_session_still_gets_the_usual_redirect(client: Client, db: None) -> None:
    response = client.get("/jobs/1/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/jobs/1/"


def test_an_expired_form_gets_a_page_that_says_what_to_do(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/plans/facts::info/", {"action": "review", "csrfmiddlewaretoken": "stale"})
    assert response.status_code == 403
    assert "This form has expired" in Html(response).plain()


@pytest.mark.parametrize("query", [{"before": "²"}, {"after": "²"}, {"before": "9" * 30}])
def test_an_odd_page_link_in_the_history_is_said_not_a_500(client: Client, alice: User, query: dict) -> None:
    client.force_login(alice)
    assert client.get("/jobs/", query).status_code == 200


def test_a_request_too_large_gets_a_page_that_says_so(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(alice)
    response = client.post("/plans/facts::info/", {"action": "review", "description": "x" * 5000})
    assert response.status_code == 400
    assert "a form may send at most 2.5 MB" in Html(response).plain()
