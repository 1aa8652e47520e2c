from __future__ import annotations

from typing import Any

import pytest
import requests

from orchestrator_web.simulator import StandIn


class Raw:
    """Plain HTTP to the stand-in, independent of orchestrator_web.pe: the stand-in is
    checked against the spec, not against our client."""

    def __init__(self, base: str) -> None:
        self.base = base + "/orchestrator/v1"
        self.session = requests.Session()

    def get(self, path: str, token: str | None = "demo-service-token", **params: Any) -> requests.Response:
        headers = {"X-Authentication": token} if token else {}
        return self.session.get(self.base + path, params=params, headers=headers, timeout=5)

    def post(self, path: str, body: Any, token: str | None = "demo-service-token") -> requests.Response:
        headers = {"X-Authentication": token} if token else {}
        return self.session.post(self.base + path, json=body, headers=headers, timeout=5)

    def put(self, path: str, body: Any, token: str | None = "demo-service-token") -> requests.Response:
        headers = {"X-Authentication": token} if token else {}
        return self.session.put(self.base + path, json=body, headers=headers, timeout=5)

    def run(self, plan: str, token: str = "demo-service-token", **body: Any) -> str:
        response = self.post("/command/plan_run", {"plan_name": plan, **body}, token=token)
        assert response.status_code == 202, response.text
        return response.json()["name"]


@pytest.fixture
def raw(stand_in: StandIn) -> Raw:
    return Raw(stand_in.url)


RESTART_PARAMS = {"targets": ["web01.example.net"], "api_key": "lb-secret-123", "notify": None}
