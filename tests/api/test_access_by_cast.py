"""Every endpoint, for the requester, a team mate, an outsider, an auditor, and a revoked or
expired token: each sees and does exactly what the pages let them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from orchestrator_web.accounts.models import ApiToken
from orchestrator_web.jobs.models import JobEvent
from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

LAUNCH = {"plan": "facts::info", "params": {"targets": ["web01.example.net"]}}


@pytest.fixture
def cast(alice: User, bob: User, outsider: User, auditor: User, api_for: Any) -> dict[str, Any]:
    return {
        "requester": api_for(alice),
        "team mate": api_for(bob),
        "outsider": api_for(outsider),
        "auditor": api_for(auditor),
    }


@pytest.fixture
def job(alice: User, make_job: Any) -> Any:
    """alice's finished job, with two events."""
    found = make_job(alice, description="nightly facts")
    for event_id, kind in ((1, "plan_start"), (2, "plan_finished")):
        JobEvent.objects.create(job=found, event_id=event_id, type=kind, timestamp=timezone.now(), details={})
    return found


def _expired(api_for: Any, user: User) -> Any:
    api = api_for(user)
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    return api


def _revoked(api_for: Any, user: User) -> Any:
    api = api_for(user)
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    return api


def answers(api: Any, endpoint: str, job_id: int) -> Any:
    if endpoint == "whoami":
        return api.get("whoami")
    if endpoint == "plans":
        return api.get("plans")
    if endpoint == "plan":
        return api.get("plans/facts::info")
    if endpoint == "launch":
        return api.post("jobs", LAUNCH)
    if endpoint == "jobs":
        return api.get("jobs")
    if endpoint == "job":
        return api.get(f"jobs/{job_id}")
    if endpoint == "events":
        return api.get(f"jobs/{job_id}/events")
    assert endpoint == "stop"
    return api.post(f"jobs/{job_id}/stop")


# (endpoint, who) -> status; the job is alice's and already finished.
EXPECTED = {
    "whoami": {"requester": 200, "team mate": 200, "outsider": 200, "auditor": 200},
    "plans": {"requester": 200, "team mate": 200, "outsider": 200, "auditor": 200},
    "plan": {"requester": 200, "team mate": 200, "outsider": 403, "auditor": 403},
    "launch": {"requester": 201, "team mate": 201, "outsider": 403, "auditor": 403},
    "jobs": {"requester": 200, "team mate": 200, "outsider": 200, "auditor": 200},
    "job": {"requester": 200, "team mate": 200, "outsider": 404, "auditor": 200},
    "events": {"requester": 200, "team mate": 200, "outsider": 404, "auditor": 200},
    # Finished: nothing to stop (409) for whoever may stop it; the others may not (403) or
    # cannot see it (404).
    "stop": {"requester": 409, "team mate": 403, "outsider": 404, "auditor": 403},
}
CASES = [(endpoint, who, status) for endpoint, row in EXPECTED.items() for who, status in row.items()]


@pytest.mark.parametrize(("endpoint", "who", "status"), CASES)
def test_it_answers_each_person_as_the_pages_would(
    cast: dict[str, Any], job: Any, endpoint: str, who: str, status: int
) -> None:
    response = answers(cast[who], endpoint, job.pk)
    assert response.status_code == status, response.content
    if status >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize("endpoint", list(EXPECTED))
@pytest.mark.parametrize("spoilt", ["revoked", "expired"])
def test_a_revoked_or_expired_token_gets_401_everywhere_and_nothing_is_sent(
    api_for: Any, alice: User, job: Any, stand_in: StandIn, endpoint: str, spoilt: str
) -> None:
    api = _revoked(api_for, alice) if spoilt == "revoked" else _expired(api_for, alice)
    stand_in.sim.received.clear()
    response = answers(api, endpoint, job.pk)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == f"token_{spoilt}"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stand_in.sim.received == []


def test_the_history_lists_what_each_person_may_see(cast: dict[str, Any], job: Any, make_job: Any) -> None:
    seen = {who: [row["id"] for row in api.get("jobs").json()["results"]] for who, api in cast.items()}
    assert seen == {"requester": [job.pk], "team mate": [job.pk], "outsider": [], "auditor": [job.pk]}


def test_the_catalogue_lists_only_plans_the_person_may_run(cast: dict[str, Any]) -> None:
    listed = {who: [p["name"] for p in api.get("plans").json()["results"]] for who, api in cast.items()}
    assert "facts::info" in listed["requester"]
    assert "maintenance::drain_node" not in listed["requester"]  # no grant for it
    assert listed["outsider"] == [] and listed["auditor"] == []


def test_events_come_after_the_given_one(cast: dict[str, Any], job: Any) -> None:
    answer = cast["requester"].get(f"jobs/{job.pk}/events", {"after": 1}).json()
    assert [e["id"] for e in answer["results"]] == [2]
    assert answer["results"][0]["message"] == "Plan finished"
