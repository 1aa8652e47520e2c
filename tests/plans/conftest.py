from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.simulator import StandIn
from tests.helpers import Html


@pytest.fixture
def as_admin(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


class Launcher:
    """Drives one plan's launch page as a browser would: GET the form, post what a person
    typed (with the form's own defaults for what they did not touch), review, run."""

    def __init__(self, client: Client, stand_in: StandIn, plan: str) -> None:
        self.client, self.stand_in, self.plan = client, stand_in, plan
        self.url = f"/plans/{plan}/"

    def form(self, **query: str) -> Html:
        response = self.client.get(self.url, query)
        assert response.status_code == 200, response.content.decode()[:500]
        return Html(response)

    def defaults(self) -> dict[str, Any]:
        """What the browser would send for the untouched form."""
        page = self.form()
        data: dict[str, Any] = {}
        for tag in page.soup.select("form.launch [name]"):
            name = str(tag["name"])
            if tag.name == "button" or name == "csrfmiddlewaretoken":
                continue
            if tag.get("type") == "checkbox":
                if tag.has_attr("checked"):
                    data[name] = "true"
                continue
            if tag.get("type") == "hidden" and name in data:
                continue
            data[name] = page.value(name) if tag.get("type") != "hidden" else str(tag.get("value", ""))
        return data

    def post(self, action: str = "review", **typed: str) -> Html:
        data = self.defaults() | {"action": action} | typed
        return Html(self.client.post(self.url, data))

    def review(self, **typed: str) -> Html:
        return self.post("review", **typed)

    def run(self, reviewed: Html) -> dict[str, Any]:
        """Run a reviewed launch; the params that reached PE."""
        before = len(self.stand_in.sim.requests_to("/command/plan_run"))
        response = self.client.post(self.url, {"action": "run", "submission": reviewed.sealed()})
        assert response.status_code == 302
        runs = self.stand_in.sim.requests_to("/command/plan_run")
        assert len(runs) == before + 1
        return runs[-1]["body"]["params"]

    def sends(self, **typed: str) -> dict[str, Any]:
        reviewed = self.review(**typed)
        assert reviewed.soup.find("input", attrs={"name": "submission"}), reviewed.plain()[:2000]
        return self.run(reviewed)
