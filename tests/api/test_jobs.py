"""GET /jobs (the history's filters, cursor pages), GET /jobs/<id>, its events, and stop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.jobs.models import JobEvent
from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


@pytest.fixture
def api(api_for: Any, alice: User) -> Any:
    return api_for(alice)


def query_of(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def test_pages_walk_the_history_newest_first_with_next_and_previous(api: Any, alice: User, make_job: Any) -> None:
    now = timezone.now()
    ids = [make_job(alice, created_at=now - timedelta(minutes=n)).pk for n in range(5)]  # newest first
    first = api.get("jobs", {"limit": 2}).json()
    assert [j["id"] for j in first["results"]] == ids[:2]
    assert first["previous"] is None
    second = api.get("jobs", query_of(first["next"])).json()
    assert [j["id"] for j in second["results"]] == ids[2:4]
    third = api.get("jobs", query_of(second["next"])).json()
    assert [j["id"] for j in third["results"]] == ids[4:]
    assert third["next"] is None
    back = api.get("jobs", query_of(third["previous"])).json()
    assert [j["id"] for j in back["results"]] == ids[2:4]


def test_the_filters_are_the_historys(api: Any, alice: User, bob: User, make_job: Any) -> None:
    mine = make_job(alice, plan_name="facts::info", state="failure")
    make_job(bob, plan_name="facts::info", state="success")
    make_job(alice, plan_name="tools::noop", state="failure")
    found = api.get("jobs", {"scope": "mine", "plan": "facts::info", "state": "failure"}).json()
    assert [j["id"] for j in found["results"]] == [mine.pk]


def test_filters_survive_in_the_next_link(api: Any, alice: User, make_job: Any) -> None:
    for _ in range(3):
        make_job(alice, state="failure")
    make_job(alice, state="success")
    first = api.get("jobs", {"state": "failure", "limit": 2}).json()
    assert query_of(first["next"])["state"] == "failure"
    rest = api.get("jobs", query_of(first["next"])).json()
    assert [j["state"] for j in rest["results"]] == ["failure"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "nope"}, "state"),
        ({"plan": "Not A Plan"}, "plan"),
        ({"submitted_from": "yesterday"}, "submitted_from"),
        ({"before": "abc"}, "before"),
        ({"limit": "0"}, "limit"),
        ({"before": "999999"}, "before"),
    ],
)
def test_a_bad_filter_or_cursor_is_400(api: Any, query: dict[str, str], field: str) -> None:
    answer = api.get("jobs", query)
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == [field]


def test_a_list_page_takes_a_fixed_number_of_queries(
    api: Any, alice: User, make_job: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        make_job(alice)
    api.get("whoami")  # the token's first use from this address is recorded (and audited) once
    # The token, the person's permissions (twice), the team choices, and the page.
    with django_assert_max_num_queries(5):
        assert len(api.get("jobs", {"limit": 30}).json()["results"]) == 30


def test_a_job_has_the_promised_keys(api: Any, alice: User, make_job: Any) -> None:
    job = make_job(alice, sensitive_params=["api_key"])
    body = api.get(f"jobs/{job.pk}").json()
    for key in ("id", "state", "plan", "environment", "requested_by", "pe_job_id", "submitted_at", "finished_at"):
        assert key in body
    assert body["url"] == f"http://testserver/api/v1/jobs/{job.pk}"
    assert body["sensitive_params"] == ["api_key"]


def test_events_page_with_after(api: Any, alice: User, make_job: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestrator_web.api import views

    monkeypatch.setattr(views, "EVENTS_PER_PAGE", 2)
    job = make_job(alice)
    for n in range(1, 4):
        JobEvent.objects.create(job=job, event_id=n, type="out_message", details={"message": f"step {n}"})
    first = api.get(f"jobs/{job.pk}/events").json()
    assert [e["message"] for e in first["results"]] == ["step 1", "step 2"]
    rest = api.get(f"jobs/{job.pk}/events", query_of(first["next"])).json()
    assert [e["id"] for e in rest["results"]] == [3] and rest["next"] is None
    assert api.get(f"jobs/{job.pk}/events", {"after": "x"}).status_code == 400


def test_a_running_job_is_stopped_and_the_stop_audited(api: Any, stand_in: StandIn) -> None:
    launched = api.post("jobs", {"plan": "patching::run", "params": {"targets": ["web01.example.net"]}})
    assert launched.status_code == 201, launched.content
    job_id = launched.json()["id"]
    answer = api.post(f"jobs/{job_id}/stop")
    assert answer.status_code == 202, answer.content
    assert answer.json()["outcome"] == "stopped"
    assert answer.json()["job"]["stopped_by"] == "alice"
    assert len(stand_in.sim.requests_to("/command/stop_plan")) == 1
    assert AuditEntry.objects.filter(action=Action.STOP, target=f"job {job_id}").exists()


def test_a_team_mate_may_see_but_not_stop(api_for: Any, alice: User, bob: User, stand_in: StandIn) -> None:
    launched = api_for(alice).post("jobs", {"plan": "patching::run", "params": {"targets": ["web01.example.net"]}})
    job_id = launched.json()["id"]
    stand_in.sim.received.clear()
    answer = api_for(bob).post(f"jobs/{job_id}/stop")
    assert answer.status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=bob).exists()
    assert stand_in.sim.requests_to("/command/stop_plan") == []
