"""POST /api/v1/jobs: checked exactly like the launch form, sent by the same submit(), and
every refusal in the error shape with nothing sent to PE."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.connection import guard
from orchestrator_web.jobs.models import Job
from orchestrator_web.simulator import StandIn
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

SECRET = "lb-secret-123"
RESTART = {
    "plan": "webapp::rolling_restart",
    "environment": "production",
    "params": {"targets": ["web01.example.net", "web02.example.net"], "batch_size": 2, "api_key": SECRET},
    "description": "Restart app tier",
}


@pytest.fixture
def api(api_for: Any, alice: User) -> Any:
    return api_for(alice)


def plan_runs(stand_in: StandIn) -> list[dict[str, Any]]:
    return stand_in.sim.requests_to("/command/plan_run")


def error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


# -- a launch ----------------------------------------------------------------------------------


def test_it_launches_and_answers_201_with_the_job(api: Any, stand_in: StandIn) -> None:
    response = api.post("jobs", RESTART)
    assert response.status_code == 201, response.content
    job = Job.objects.get()
    body = response.json()
    assert body["id"] == job.pk and body["state"] == "pending" and body["pe_job_id"] == job.pe_job_id
    assert body["requested_by"] == "alice" and body["plan"] == "webapp::rolling_restart"
    assert response.headers["Location"] == f"http://testserver/api/v1/jobs/{job.pk}"
    (sent,) = plan_runs(stand_in)
    assert sent["body"]["params"]["api_key"] == SECRET
    assert sent["body"]["userdata"]["orchestrator_web"] == {"job": job.pk, "requested_by": "alice"}


def test_the_secret_is_sent_but_never_stored_echoed_or_logged(
    api: Any, stand_in: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = api.post("jobs", RESTART)
    assert SECRET not in response.content.decode()
    job = Job.objects.get()
    assert job.sensitive_params == ["api_key"] and "api_key" not in job.params
    rows = [*Job.objects.values(), *AuditEntry.objects.values()]
    stored = json.dumps(rows, default=str)
    assert SECRET not in stored
    assert SECRET not in caplog.text
    assert SECRET not in api.get(f"jobs/{job.pk}").content.decode()


def test_a_refusal_by_pe_is_still_201_with_a_rejected_job(api: Any, stand_in: StandIn) -> None:
    refusal = {"kind": "puppetlabs.orchestrator/not-permitted", "msg": "User may not run this plan", "details": {}}
    stand_in.inject("error", path="plan_run", status=403, body=refusal)
    response = api.post("jobs", RESTART)
    assert response.status_code == 201
    assert response.json()["state"] == "rejected"
    assert response.json()["error_kind"] == "puppetlabs.orchestrator/not-permitted"


def test_validate_only_shows_the_body_masked_and_creates_nothing(api: Any, stand_in: StandIn) -> None:
    response = api.post("jobs?validate_only=true", RESTART)
    assert response.status_code == 200
    body = response.json()["plan_run"]
    assert body["params"]["api_key"] == "********"
    assert body["params"]["targets"] == ["web01.example.net", "web02.example.net"]
    assert body["description"] == "Restart app tier"
    assert SECRET not in response.content.decode()
    assert Job.objects.count() == 0 and plan_runs(stand_in) == []
    assert not AuditEntry.objects.filter(action__in=[Action.LAUNCH, Action.LAUNCH_REQUESTED]).exists()


def test_validate_only_answers_what_the_review_page_shows(api: Any, client: Client, alice: User) -> None:
    client.force_login(alice)
    data = {
        "environment": "production",
        "mode": "json",
        "params_json": json.dumps(RESTART["params"]),
        "description": RESTART["description"],
        "timeout": "",
        "userdata": "",
        "action": "review",
    }
    page = Html(client.post("/plans/webapp::rolling_restart/", data))
    shown = json.loads(page.soup.select_one("pre").get_text())
    assert api.post("jobs?validate_only=true", RESTART).json()["plan_run"] == shown


# -- the same checks and messages as the form ----------------------------------------------------


BAD_PARAMS = {"targets": 5, "batch_size": 11, "api_key": 7, "colour": "blue"}


def test_values_are_refused_with_the_forms_own_messages(
    api: Any, client: Client, alice: User, stand_in: StandIn
) -> None:
    body = {**RESTART, "params": BAD_PARAMS, "timeout": 0, "userdata": {"orchestrator_web": 1}}
    answer = api.post("jobs", body)
    assert answer.status_code == 400
    fields = error(answer)["fields"]
    client.force_login(alice)
    data = {
        "environment": "production",
        "mode": "json",
        "params_json": json.dumps(BAD_PARAMS),
        "description": "",
        "timeout": "0",
        "userdata": json.dumps({"orchestrator_web": 1}),
        "action": "review",
    }
    page = Html(client.post("/plans/webapp::rolling_restart/", data))
    assert fields["timeout"] == [page.error("timeout")]
    assert fields["userdata"] == [page.error("userdata")]
    assert len(fields["params"]) == 4
    for message in fields["params"]:
        assert message in page.error("params_json")
    assert plan_runs(stand_in) == []


def test_a_secret_of_the_wrong_type_is_refused_without_its_value(api: Any) -> None:
    answer = api.post("jobs", {**RESTART, "params": {**RESTART["params"], "api_key": ["zebra-secret"]}})
    assert error(answer)["fields"]["params"] == ["api_key: This parameter expects a String."]
    assert "zebra" not in answer.content.decode()


def test_a_missing_required_parameter_is_named(api: Any) -> None:
    answer = api.post("jobs", {"plan": "webapp::rolling_restart", "params": {"api_key": SECRET}})
    assert error(answer)["fields"]["params"] == ["targets: This parameter is required."]


# -- bad input: nothing is sent -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**RESTART, "plan": 5}, "plan"),
        ({**RESTART, "environment": ["production"]}, "environment"),
        ({**RESTART, "params": ["web01"]}, "params"),
        ({**RESTART, "description": 7}, "description"),
        ({**RESTART, "timeout": "30"}, "timeout"),
        ({**RESTART, "timeout": 30.5}, "timeout"),
        ({**RESTART, "timeout": True}, "timeout"),
        ({**RESTART, "userdata": "CHG-1"}, "userdata"),
        ({**RESTART, "colour": "blue"}, "colour"),
        ({"params": {}}, "plan"),
        ({**RESTART, "plan": "Not-A-Plan"}, "plan"),
        ({**RESTART, "environment": "nowhere"}, "environment"),
    ],
)
def test_wrong_types_and_unknown_keys_are_400_per_field(
    api: Any, stand_in: StandIn, body: dict[str, Any], field: str
) -> None:
    answer = api.post("jobs", body)
    assert answer.status_code == 400, answer.content
    found = error(answer)
    assert found["code"] == "invalid" and list(found["fields"]) == [field]
    assert plan_runs(stand_in) == [] and Job.objects.count() == 0


def test_an_unknown_environment_gets_the_forms_message(api: Any) -> None:
    answer = api.post("jobs", {**RESTART, "environment": "nowhere"})
    assert error(answer)["fields"]["environment"] == [
        "Select a valid choice. nowhere is not one of the available choices."
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"plan": ', "This is not valid JSON"),
        (b'{"plan": "a", "plan": "b"}', 'The key "plan" appears twice'),
        (b'{"plan": "facts::info", "timeout": NaN}', "NaN is not a number JSON can carry"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_json_is_400(api: Any, stand_in: StandIn, raw: bytes, message: str) -> None:
    answer = api.post("jobs", raw=raw)
    assert answer.status_code == 400
    assert error(answer)["code"] == "malformed_request"
    assert message in error(answer)["message"]
    assert plan_runs(stand_in) == []


def test_a_body_that_is_not_an_object_is_400(api: Any) -> None:
    answer = api.post("jobs", ["webapp::rolling_restart"])
    assert answer.status_code == 400
    assert "Expected a dictionary" in error(answer)["message"]


def test_a_huge_body_is_413_and_not_read(api: Any, settings: Any, stand_in: StandIn) -> None:
    settings.API_MAX_BODY_BYTES = 4096
    body = {**RESTART, "description": "x" * 5000}
    answer = api.post("jobs", body)
    assert answer.status_code == 413
    assert error(answer)["code"] == "payload_too_large"
    assert plan_runs(stand_in) == [] and Job.objects.count() == 0


def test_a_body_that_is_not_json_is_415(api: Any) -> None:
    answer = api.client.post(
        "/api/v1/jobs", "plan=x", content_type="application/x-www-form-urlencoded", headers=api.headers()
    )
    assert answer.status_code == 415
    assert error(answer)["code"] == "unsupported_media_type"


# -- permissions ----------------------------------------------------------------------------------


def test_a_plan_the_caller_may_not_run_is_403_audited_and_not_sent(
    api_for: Any, outsider: User, stand_in: StandIn
) -> None:
    answer = api_for(outsider).post("jobs", RESTART)
    assert answer.status_code == 403
    assert error(answer)["message"] == "You may not run webapp::rolling_restart."
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=outsider).exists()
    assert stand_in.sim.received == [] and Job.objects.count() == 0


def test_an_environment_the_grant_leaves_out_is_403(api: Any, settings: Any, stand_in: StandIn) -> None:
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    answer = api.post("jobs", {"plan": "db::failover", "environment": "development", "params": {}})
    assert answer.status_code == 403
    assert error(answer)["message"] == "You may not run db::failover in development."
    assert plan_runs(stand_in) == []


def test_permissions_are_read_at_each_request(api: Any, alice: User, operators: Any, stand_in: StandIn) -> None:
    assert api.post("jobs?validate_only=true", RESTART).status_code == 200
    alice.groups.remove(operators)
    assert api.post("jobs", RESTART).status_code == 403
    assert plan_runs(stand_in) == []


def test_a_plan_missing_from_the_environment_is_404(api_for: Any, admin_user: User) -> None:
    answer = api_for(admin_user).post("jobs", {"plan": "no::such_plan", "params": {}})
    assert answer.status_code == 404
    assert error(answer)["message"] == "There is no plan no::such_plan in the production environment."


# -- PE down or busy ------------------------------------------------------------------------------


def test_pe_failing_repeatedly_is_503_with_retry_after_and_nothing_sent(
    api: Any, settings: Any, stand_in: StandIn
) -> None:
    breaker = guard()
    breaker.store.set(breaker.key, {"failures": 3, "open_until": 10**12}, timeout=60)
    try:
        answer = api.post("jobs", RESTART)
    finally:
        breaker.store.delete(breaker.key)
    assert answer.status_code == 503
    assert error(answer)["code"] == "pe_unavailable"
    assert int(answer.headers["Retry-After"]) >= 1
    assert stand_in.sim.received == [] and Job.objects.count() == 0


def test_pe_busy_is_503(api: Any, settings: Any, stand_in: StandIn) -> None:
    settings.PE_MAX_CONCURRENT = 1
    slots = guard().slots
    assert slots is not None
    slots.acquire()  # another request of this process waits on PE
    try:
        answer = api.get("plans/webapp::rolling_restart")
    finally:
        slots.release()
    assert answer.status_code == 503
    assert error(answer)["code"] == "pe_busy"
    assert stand_in.sim.received == []


def test_pe_unreachable_is_502(api: Any, settings: Any) -> None:
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    answer = api.post("jobs", RESTART)
    assert answer.status_code == 502
    assert error(answer)["code"] == "pe_error"
    assert "could not be reached" in error(answer)["message"]


# -- limits ---------------------------------------------------------------------------------------


def test_launches_are_limited_per_token(api_for: Any, alice: User, settings: Any, stand_in: StandIn) -> None:
    settings.API_RATE_LIMIT = 2
    first, second = api_for(alice), api_for(alice, name="other")
    assert [first.post("jobs", RESTART).status_code for _ in range(2)] == [201, 201]
    answer = first.post("jobs", RESTART)
    assert answer.status_code == 429
    assert error(answer)["code"] == "throttled"
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
    assert len(plan_runs(stand_in)) == 2
    assert second.post("jobs", RESTART).status_code == 201  # another token has its own count


def test_a_session_needs_its_csrf_token_but_a_token_does_not(alice: User, api: Any, stand_in: StandIn) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    refused = browser.post("/api/v1/jobs", RESTART, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in error(refused)["message"]
    browser.get("/accounts/profile/")  # sets the CSRF cookie, as any page does
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/jobs", RESTART, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201
    with_token = Client(enforce_csrf_checks=True)
    answer = with_token.post("/api/v1/jobs", RESTART, content_type="application/json", headers=api.headers())
    assert answer.status_code == 201
    assert len(plan_runs(stand_in)) == 2


@pytest.mark.parametrize("failure", [ValueError, ConnectionError])
def test_a_cache_that_is_down_does_not_stop_launches(
    api: Any, settings: Any, stand_in: StandIn, monkeypatch: pytest.MonkeyPatch, failure: type[Exception]
) -> None:
    from django.core.cache import cache

    settings.API_RATE_LIMIT = 1

    def down(*args: Any, **kwargs: Any) -> None:
        raise failure("the cache is down")

    # django-ratelimit reads a ValueError as "no count" and says "limit"; anything else raises.
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "incr", down)
    assert [api.post("jobs", RESTART).status_code for _ in range(2)] == [201, 201]
