"""The API is a second face of the same launch: the form and the API send PE the same bytes."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.jobs.models import Job
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

SECRET = "lb-secret-123"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The raw bodies of every plan_run request as they leave for PE."""
    bodies: list[bytes] = []
    original = requests.adapters.HTTPAdapter.send

    def send(self: Any, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        if request.url and request.url.endswith("/command/plan_run"):
            body = request.body
            bodies.append(body if isinstance(body, bytes) else str(body).encode())
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return bodies


def through_the_form(client: Client) -> None:
    data = {
        "environment": "production",
        "mode": "form",
        "param__targets": "web01.example.net\nweb02.example.net",
        "param__batch_size": "2",
        "param__drain": "true",
        "param__mode": "hard",
        "param__notify": "",
        "param__api_key": SECRET,
        "description": "Restart app tier",
        "timeout": "900",
        "userdata": '{"ticket": "CHG-2041"}',
        "action": "review",
    }
    reviewed = Html(client.post("/plans/webapp::rolling_restart/", data))
    ran = client.post("/plans/webapp::rolling_restart/", {"action": "run", "submission": reviewed.sealed()})
    assert ran.status_code == 302


def through_the_api(api: Any) -> None:
    body = {
        "plan": "webapp::rolling_restart",
        "environment": "production",
        "params": {
            "api_key": SECRET,
            "mode": "hard",
            "drain": True,
            "notify": None,
            "batch_size": 2,
            "targets": ["web01.example.net", "web02.example.net"],
        },
        "description": "Restart app tier",
        "timeout": 900,
        "userdata": {"ticket": "CHG-2041"},
    }
    answer = api.post("jobs", body)
    assert answer.status_code == 201, answer.content


def test_the_form_and_the_api_send_the_same_plan_run_body(
    client: Client, alice: User, api_for: Any, sent: list[bytes]
) -> None:
    client.force_login(alice)
    through_the_form(client)
    through_the_api(api_for(alice))
    by_form, by_api = Job.objects.order_by("pk")
    assert len(sent) == 2
    # Each body names its own job (userdata.orchestrator_web.job); nothing else may differ.
    form_body = sent[0].replace(f'"job": {by_form.pk},'.encode(), b'"job": N,')
    api_body = sent[1].replace(f'"job": {by_api.pk},'.encode(), b'"job": N,')
    assert b'"job": N,' in form_body
    assert form_body == api_body
    assert SECRET.encode() in api_body
    assert re.search(rb'"params": \{"targets"', api_body)  # the plan's order, not the caller's
