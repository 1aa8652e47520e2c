"""/plans/<plan>/: the typed form, review, run, and every outcome recorded as a job."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.jobs.models import Job
from orchestrator_web.simulator import StandIn
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

RESTART = "/plans/webapp::rolling_restart/"
SECRET = "lb-secret-123"


def restart_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "environment": "production",
        "mode": "form",
        "param__targets": "web01.example.net\nweb02.example.net",
        "param__batch_size": "2",
        "param__drain": "on",
        "param__mode": "graceful",
        "param__notify": "",
        "param__api_key": SECRET,
        "description": "Restart app tier",
        "timeout": "",
        "userdata": "",
        "action": "review",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def review(client: Client, url: str = RESTART, **overrides: Any):  # type: ignore[no-untyped-def]
    return client.post(url, restart_form(**overrides) if url == RESTART else overrides)


def sealed(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'name="submission" value="([^"]+)"', response.content.decode())
    assert match, "no Run plan form on the page"
    return match.group(1)


def run(client: Client, response, url: str = RESTART):  # type: ignore[no-untyped-def]
    return client.post(url, {"action": "run", "submission": sealed(response)})


def field_error(response, name: str) -> str:  # type: ignore[no-untyped-def]
    match = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert match, f"no error shown for {name}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


# -- the form -------------------------------------------------------------------------------


def test_the_form_has_a_labelled_field_per_parameter_with_its_type(as_alice: Client) -> None:
    page = as_alice.get(RESTART).content.decode()
    for name, type_ in [("targets", "TargetSpec"), ("batch_size", "Integer[1, 10]"), ("api_key", "Sensitive[String]")]:
        assert f'<label for="id_param__{name}">{name} <span class="type">{type_}</span>' in page
    assert "Restart the web tier in batches" in page
    assert "How many nodes restart at once" in page


def test_fields_get_widgets_from_their_types(as_alice: Client) -> None:
    page = as_alice.get(RESTART).content.decode()
    assert re.search(r'<input type="number" name="param__batch_size" value="1"[^>]*min="1"[^>]*max="10"', page)
    assert re.search(r'<input type="checkbox" name="param__drain"[^>]*checked', page)
    assert re.search(r'<select name="param__mode"[^>]*>\s*<option value="graceful" selected>', page)
    assert re.search(r'<input type="password" name="param__api_key"', page)
    assert re.search(r'<textarea name="param__targets"', page)


def test_required_parameters_are_marked(as_alice: Client) -> None:
    page = as_alice.get(RESTART).content.decode()
    assert 'targets <span class="type">TargetSpec</span> <span class="required">(required)</span>' in page
    assert 'notify <span class="type">Optional[String]</span></label>' in page


def test_an_invalid_plan_name_is_404_with_a_message(as_alice: Client, stand_in: StandIn) -> None:
    response = as_alice.get("/plans/Not-A-Plan/")
    assert response.status_code == 404
    assert b"is not a valid Puppet plan name" in response.content
    assert stand_in.sim.received == []


def test_a_plan_missing_from_the_environment_is_said(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.get("/plans/no::such_plan/")
    assert response.status_code == 404
    assert b"There is no plan no::such_plan in the production environment." in response.content


# -- permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "review", "run"])
def test_a_person_without_a_grant_gets_403_and_nothing_is_sent(
    client: Client, outsider: User, alice: User, stand_in: StandIn, method: str
) -> None:
    # A real review made by alice, replayed by someone who may not run the plan.
    client.force_login(alice)
    reviewed = review(client)
    client.force_login(outsider)
    stand_in.sim.received.clear()
    if method == "get":
        response = client.get(RESTART)
    elif method == "review":
        response = review(client)
    else:
        response = run(client, reviewed)
    assert response.status_code == 403
    assert stand_in.sim.received == []
    assert Job.objects.count() == 0


def test_a_grant_limited_to_production_refuses_development(as_alice: Client, settings, stand_in: StandIn) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    response = as_alice.get("/plans/db::failover/", {"environment": "development"})
    assert response.status_code == 403
    assert b"You may not run db::failover in development." in response.content


def test_the_environment_choice_lists_only_allowed_environments(as_alice: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    page = as_alice.get("/plans/db::failover/").content.decode()
    assert '<option value="production" selected>' in page
    assert '<option value="development"' not in page


def test_an_environment_not_offered_is_said(as_alice: Client) -> None:
    response = review(as_alice, environment="staging")
    assert response.status_code == 200
    assert "Select a valid choice" in field_error(response, "environment")


# -- review -----------------------------------------------------------------------------------


def test_a_valid_form_leads_to_a_review_and_sends_nothing(as_alice: Client, stand_in: StandIn) -> None:
    response = review(as_alice)
    page = html.unescape(response.content.decode())
    assert "Nothing has been sent yet" in page
    assert "Run plan" in page
    assert '"batch_size": 2' in page
    assert '"requested_by": "alice"' in page
    assert stand_in.sim.requests_to("/command/plan_run") == []
    assert Job.objects.count() == 0


def test_the_review_masks_sensitive_values(as_alice: Client) -> None:
    page = html.unescape(review(as_alice).content.decode())
    assert SECRET not in page
    assert '"api_key": "********"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("param__batch_size", "abc", "This parameter expects a whole number, got 'abc'."),
        ("param__batch_size", "11", "This parameter must be between 1 and 10 (Integer[1, 10]), got 11."),
        ("param__targets", "", "This parameter is required."),
        ("param__mode", "brutal", "This parameter expects one of 'graceful', 'hard', got the String 'brutal'."),
        ("timeout", "0", "Ensure this value is greater than or equal to 1."),
        ("timeout", "-5", "Ensure this value is greater than or equal to 1."),
        ("timeout", "abc", "Enter the timeout as a whole number of seconds, like 1800."),
        ("description", "x" * 1_000_000, "Ensure this value has at most 1000 characters (it has 1000000)."),
        ("userdata", "[1, 2]", 'Userdata must be a JSON object, like {"ticket": "CHG-2041"}.'),
        (
            "userdata",
            "{nope",
            "This is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2).",
        ),
        (
            "userdata",
            '{"orchestrator_web": 1}',
            'The key "orchestrator_web" is reserved: orchestrator_web fills it in.',
        ),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_nothing_is_sent(
    as_alice: Client, stand_in: StandIn, field: str, value: str, message: str
) -> None:
    response = review(as_alice, **{field: value})
    assert response.status_code == 200
    assert field_error(response, field) == message.replace("'", "&#x27;").replace('"', "&quot;")
    assert b"Nothing was sent" in response.content
    assert stand_in.sim.requests_to("/command/plan_run") == []


def test_what_was_typed_is_kept_after_an_error(as_alice: Client) -> None:
    page = review(as_alice, param__batch_size="99", description="keep me").content.decode()
    assert 'value="99"' in page
    assert "keep me</textarea>" in page
    assert SECRET not in page  # a password field is never sent back


def test_typed_values_are_converted(as_alice: Client, stand_in: StandIn) -> None:
    response = as_alice.post(
        "/plans/deploy::app/",
        {
            "environment": "production",
            "param__version": "v1.4.2",
            "param__stage": "production",
            "param__targets": "app01",
            "param__canary_percent": "5",
            "param__extra_vars": '{"color": "blue"}',
            "action": "review",
        },
    )
    run(as_alice, response, "/plans/deploy::app/")
    (request,) = stand_in.sim.requests_to("/command/plan_run")
    assert request["body"]["params"] == {
        "version": "v1.4.2",
        "stage": "production",
        "targets": "app01",
        "canary_percent": 5.0,
        "extra_vars": {"color": "blue"},
    }
    assert isinstance(request["body"]["params"]["canary_percent"], float)


def test_a_pattern_mismatch_is_explained(as_alice: Client) -> None:
    response = as_alice.post(
        "/plans/deploy::app/", {"environment": "production", "param__version": "1.4", "action": "review"}
    )
    assert "must match /^v\\d+\\.\\d+\\.\\d+$/, got &#x27;1.4&#x27;" in field_error(response, "param__version")


def test_invalid_json_in_a_json_field_is_explained(as_alice: Client) -> None:
    response = as_alice.post(
        "/plans/deploy::app/",
        {
            "environment": "production",
            "param__version": "v1.0.0",
            "param__targets": "a",
            "param__extra_vars": "{",
            "action": "review",
        },
    )
    assert field_error(response, "param__extra_vars").startswith("This is not valid JSON")


# -- run ---------------------------------------------------------------------------------------


def test_run_records_a_job_sends_plan_run_and_lands_on_the_job(as_alice: Client, stand_in: StandIn) -> None:
    response = run(as_alice, review(as_alice, timeout="600", userdata='{"ticket": "CHG-1"}'))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/"
    (request,) = stand_in.sim.requests_to("/command/plan_run")
    assert request["login"] == "orchestrator-web"
    assert request["body"] == {
        "plan_name": "webapp::rolling_restart",
        "params": {
            "targets": ["web01.example.net", "web02.example.net"],
            "batch_size": 2,
            "drain": True,
            "mode": "graceful",
            "notify": None,
            "api_key": SECRET,
        },
        "environment": "production",
        "description": "Restart app tier",
        "timeout": 600,
        "userdata": {"ticket": "CHG-1", "orchestrator_web": {"job": job.pk, "requested_by": "alice"}},
    }
    assert (job.state, job.pe_job_id) == ("pending", "1")


def test_an_empty_optional_parameter_without_default_is_sent_as_null(as_alice: Client, stand_in: StandIn) -> None:
    # Puppet refuses a missing parameter that has no default, whatever its type (section 6.1).
    run(as_alice, review(as_alice, description="", timeout=""))
    body = stand_in.sim.requests_to("/command/plan_run")[0]["body"]
    assert body["params"]["notify"] is None
    assert "timeout" not in body
    assert "description" not in body


def test_an_emptied_parameter_with_a_default_is_left_to_pe(as_alice: Client, stand_in: StandIn) -> None:
    reviewed = review(as_alice, param__batch_size="")
    page = reviewed.content.decode()
    assert "Filled in by PE from the plan's defaults" in page
    assert '<code>batch_size</code>: <span class="mono">1</span>' in page
    run(as_alice, reviewed)
    params = stand_in.sim.requests_to("/command/plan_run")[0]["body"]["params"]
    assert "batch_size" not in params


def test_the_job_page_shows_state_pe_id_and_what_was_sent(as_alice: Client) -> None:
    response = run(as_alice, review(as_alice))
    page = as_alice.get(response.url).content.decode()
    assert "Pending" in page
    assert "PE job 1" in Html(page).by_id("job-facts")
    assert "web02.example.net" in page
    assert "api_key" in page
    assert SECRET not in page


def test_sensitive_values_are_never_stored(as_alice: Client) -> None:
    run(as_alice, review(as_alice))
    job = Job.objects.get()
    assert job.sensitive_params == ["api_key"]
    assert "api_key" not in job.params
    stored = repr(list(Job.objects.values()))
    assert SECRET not in stored


@pytest.mark.parametrize(
    "transactions",
    [
        pytest.param("in a test transaction", id="savepoint"),
        # As in production: no transaction around the request, so the INSERT commits alone.
        pytest.param("autocommit", id="autocommit", marks=pytest.mark.django_db(transaction=True)),
    ],
)
def test_a_double_click_makes_one_job_and_one_request(as_alice: Client, stand_in: StandIn, transactions: str) -> None:
    reviewed = review(as_alice)
    first = run(as_alice, reviewed)
    second = run(as_alice, reviewed)
    assert first.url == second.url
    assert Job.objects.count() == 1
    assert len(stand_in.sim.requests_to("/command/plan_run")) == 1


def test_two_reviews_of_the_same_launch_are_two_jobs(as_alice: Client) -> None:
    run(as_alice, review(as_alice))
    run(as_alice, review(as_alice))
    assert Job.objects.count() == 2


def test_a_tampered_submission_sends_nothing(as_alice: Client, stand_in: StandIn) -> None:
    response = as_alice.post(RESTART, {"action": "run", "submission": "gAAAAAforged"}, follow=True)
    assert b"That review has expired or is not valid" in response.content
    assert stand_in.sim.requests_to("/command/plan_run") == []


def test_a_submission_for_another_plan_is_refused(as_alice: Client, stand_in: StandIn) -> None:
    token = sealed(review(as_alice))
    as_alice.post("/plans/facts::info/", {"action": "run", "submission": token})
    assert stand_in.sim.requests_to("/command/plan_run") == []


def test_an_expired_review_asks_for_a_new_one(as_alice: Client, stand_in: StandIn, settings) -> None:  # type: ignore[no-untyped-def]
    reviewed = review(as_alice)
    settings.REVIEW_MAX_AGE = -1
    response = run(as_alice, reviewed)
    assert response.status_code == 302
    assert response.url == RESTART
    assert stand_in.sim.requests_to("/command/plan_run") == []


# -- outcomes --------------------------------------------------------------------------


def test_a_refusal_by_pe_is_rejected_with_its_kind_and_message(as_alice: Client, stand_in: StandIn) -> None:
    stand_in.inject(
        "error",
        path="plan_run",
        status=403,
        body={"kind": "puppetlabs.orchestrator/not-permitted", "msg": "User may not run this plan", "details": {}},
    )
    page = as_alice.get(run(as_alice, review(as_alice)).url).content.decode()
    job = Job.objects.get()
    assert job.state == "rejected"
    assert job.error_kind == "puppetlabs.orchestrator/not-permitted"
    assert job.finished_at is not None
    assert "PE refused: you are not permitted to do this (User may not run this plan)." in page


def test_nothing_reaching_pe_is_not_submitted(as_alice: Client, settings) -> None:  # type: ignore[no-untyped-def]
    reviewed = review(as_alice)
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    page = as_alice.get(run(as_alice, reviewed).url).content.decode()
    job = Job.objects.get()
    assert job.state == "not_submitted"
    assert "Not submitted" in page
    assert "the connection was refused" in page


@pytest.mark.parametrize(
    "fault",
    [{"kind": "drop"}, {"kind": "error", "status": 500}, {"kind": "garbage"}, {"kind": "delay", "seconds": 1.5}],
)
def test_no_answer_after_sending_is_unknown(as_alice: Client, stand_in: StandIn, settings, fault: dict) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_TIMEOUT = 0.5
    stand_in.inject(path="plan_run", **fault)
    page = as_alice.get(run(as_alice, review(as_alice)).url).content.decode()
    job = Job.objects.get()
    assert job.state == "unknown"
    assert job.finished_at is None
    assert "The plan may have started" in page


# -- JSON mode and environment changes -----------------------------------------------------


def test_edit_as_json_carries_the_values_over(as_alice: Client) -> None:
    page = review(as_alice, action="to_json").content.decode()
    assert 'name="params_json"' in page
    assert "&quot;batch_size&quot;: 2" in page
    assert SECRET not in page


def test_a_json_launch_is_validated_like_the_form(as_alice: Client, stand_in: StandIn) -> None:
    data = {"environment": "production", "mode": "json", "action": "review"}
    bad = as_alice.post(RESTART, data | {"params_json": '{"targets": [], "batch_size": "two", "colour": 1}'})
    errors = field_error(bad, "params_json")
    assert "webapp::rolling_restart has no parameter &#x27;colour&#x27;" in errors
    assert "batch_size: This parameter expects a whole number (Integer), got the String &#x27;two&#x27;." in errors
    assert "api_key: This parameter is required." in errors
    good = as_alice.post(RESTART, data | {"params_json": '{"targets": "web01", "api_key": "k"}'})
    run(as_alice, good)
    params = stand_in.sim.requests_to("/command/plan_run")[0]["body"]["params"]
    assert params == {"targets": "web01", "notify": None, "api_key": "k"}


def test_malformed_json_params_are_explained(as_alice: Client) -> None:
    response = as_alice.post(
        RESTART, {"environment": "production", "mode": "json", "action": "review", "params_json": "[1"}
    )
    assert field_error(response, "params_json").startswith("This is not valid JSON")


def test_back_to_the_form_fills_the_fields(as_alice: Client) -> None:
    page = as_alice.post(
        RESTART, {"environment": "production", "mode": "json", "action": "to_form", "params_json": '{"batch_size": 7}'}
    ).content.decode()
    assert re.search(r'name="param__batch_size" value="7"', page)


def test_changing_the_environment_reloads_the_fields_keeping_values(as_alice: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    response = as_alice.post(
        RESTART,
        restart_form(environment="development", action="environment", param__batch_size="15"),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="launch-form">')
    assert 'name="param__dry_run"' in page
    assert 'name="param__api_key"' not in page
    assert re.search(r'name="param__batch_size" value="15"', page)


def test_change_something_returns_to_the_filled_form(as_alice: Client) -> None:
    reviewed = review(as_alice, param__batch_size="3", param__drain="true")
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', reviewed.content.decode()))
    assert set(hidden) == {"csrfmiddlewaretoken", "submission"}  # values travel sealed, never in the page
    page = as_alice.post(RESTART, {"submission": sealed(reviewed), "action": "edit"}).content.decode()
    assert SECRET not in page
    assert re.search(r'name="param__batch_size" value="3"', page)
    assert re.search(r'<input type="checkbox" name="param__drain"[^>]*checked', page)


def test_run_plan_refuses_a_review_whose_grant_was_revoked(as_alice: Client, alice: User, stand_in: StandIn) -> None:
    from orchestrator_web.rbac.models import PlanGrant

    reviewed = review(as_alice)
    PlanGrant.objects.filter(group__user=alice, plan="webapp::rolling_restart").delete()
    assert run(as_alice, reviewed).status_code == 403
    assert stand_in.sim.requests_to("/command/plan_run") == []
    assert not Job.objects.exists()


def test_run_plan_checks_the_environment_grant_again_after_review(
    as_alice: Client, alice: User, stand_in: StandIn, settings
) -> None:  # type: ignore[no-untyped-def]
    from orchestrator_web.rbac.models import PlanGrant

    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    reviewed = review(as_alice)  # in production
    # Still allowed somewhere, no longer in production: only Run plan's own check can tell.
    PlanGrant.objects.filter(group__user=alice, plan="webapp::rolling_restart").update(environments="development")
    response = run(as_alice, reviewed)
    assert response.status_code == 403
    assert "You may not run webapp::rolling_restart in production." in response.content.decode()
    assert stand_in.sim.requests_to("/command/plan_run") == []
