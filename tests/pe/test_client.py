"""OrchestratorClient against the stand-in over real loopback HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchestrator_web.pe import errors
from orchestrator_web.pe.client import OrchestratorClient
from orchestrator_web.simulator import ManualClock, StandIn

RESTART = {"targets": ["web01.example.net"], "batch_size": 2, "notify": None, "api_key": "lb-secret-123"}


def client(stand_in: StandIn, token: str = "demo-service-token", **options: float) -> OrchestratorClient:
    options = {"timeout": 2.0, "connect_timeout": 1.0, "retry_backoff": 0.01, **options}
    return OrchestratorClient(stand_in.url, token, **options)  # type: ignore[arg-type]


# -- catalogue ------------------------------------------------------------------------


def test_it_lists_plans_with_permitted_flags(stand_in: StandIn) -> None:
    plans = client(stand_in, "alice-token").list_plans()
    assert plans.environment.name == "production"
    permitted = {p.name: p.permitted for p in plans.items}
    assert permitted["facts::info"] is True
    assert permitted["db::failover"] is False


def test_it_asks_for_the_given_environment(pe: OrchestratorClient, stand_in: StandIn) -> None:
    plans = pe.list_plans("development")
    assert plans.environment.name == "development"
    assert stand_in.sim.requests_to("/plans")[0]["query"] == {"environment": ["development"]}


def test_it_reads_plan_metadata_into_typed_parameters(pe: OrchestratorClient) -> None:
    plan = pe.get_plan("webapp::rolling_restart")
    assert plan.description.startswith("Restart the web tier")
    assert plan.parameters["batch_size"].type == "Integer[1, 10]"
    assert plan.parameters["batch_size"].default_value == "1"
    assert plan.parameters["targets"].has_default is False
    assert plan.parameters["api_key"].sensitive is True
    assert plan.parameters["notify"].description == "Slack channel to tell when done"


def test_it_fetches_a_module_init_plan_by_its_module_name(pe: OrchestratorClient, stand_in: StandIn) -> None:
    assert pe.get_plan("canary").name == "canary"
    assert stand_in.sim.received[-1]["path"] == "/orchestrator/v1/plans/canary/init"


def test_it_fetches_a_nested_plan(pe: OrchestratorClient) -> None:
    assert pe.get_plan("ops::check::disk").parameters["extra"].type == "Any"


def test_it_refuses_to_build_a_path_from_a_bad_plan_name(pe: OrchestratorClient, stand_in: StandIn) -> None:
    with pytest.raises(ValueError, match="not a valid plan name"):
        pe.get_plan("../../etc")
    assert stand_in.sim.received == []


# -- commands -------------------------------------------------------------------------


def test_run_plan_sends_exactly_the_documented_body(pe: OrchestratorClient, stand_in: StandIn) -> None:
    name = pe.run_plan(
        "webapp::rolling_restart",
        RESTART,
        environment="production",
        description="Restart app tier",
        timeout=1800,
        userdata={"orchestrator_web": {"job": 7, "requested_by": "alice"}},
    )
    assert name == "1"
    (request,) = stand_in.sim.requests_to("/command/plan_run")
    assert request["body"] == {
        "plan_name": "webapp::rolling_restart",
        "params": RESTART,
        "environment": "production",
        "description": "Restart app tier",
        "timeout": 1800,
        "userdata": {"orchestrator_web": {"job": 7, "requested_by": "alice"}},
    }


def test_run_plan_leaves_out_what_was_not_given(pe: OrchestratorClient, stand_in: StandIn) -> None:
    pe.run_plan("tools::noop", {})
    assert stand_in.sim.requests_to("/command/plan_run")[0]["body"] == {"plan_name": "tools::noop", "params": {}}


def test_stop_plan_returns_the_job_name(pe: OrchestratorClient) -> None:
    name = pe.run_plan("patching::run", {"targets": "web01"})
    assert pe.stop_plan(name) == name


# -- plan jobs ------------------------------------------------------------------------


def test_it_reads_a_plan_job(pe: OrchestratorClient, clock: ManualClock) -> None:
    name = pe.run_plan("webapp::rolling_restart", RESTART, userdata={"ticket": "CHG-1"})
    clock.advance(60)
    job = pe.get_plan_job(name)
    assert job.state == "success"
    assert job.finished
    assert job.plan_name == "webapp::rolling_restart"
    assert job.sensitive == ["api_key"]
    assert "api_key" not in job.parameters
    assert job.owner is not None and job.owner.login == "orchestrator-web"
    assert job.userdata == {"ticket": "CHG-1"}
    assert job.result == {"restarted": ["web01.example.net", "web02.example.net"]}


def test_it_lists_plan_jobs_with_every_query_parameter(
    pe: OrchestratorClient, stand_in: StandIn, clock: ManualClock
) -> None:
    for _ in range(3):
        pe.run_plan("tools::noop", {})
    clock.advance(30)
    page = pe.list_plan_jobs(
        limit=2,
        offset=0,
        order_by="name",
        order="desc",
        results="exclude",
        min_finish_timestamp=datetime(2026, 1, 1, tzinfo=UTC),
        max_finish_timestamp=datetime(2026, 1, 2, tzinfo=UTC),
    )
    assert [job.name for job in page.items] == ["3", "2"]
    assert page.total == 3 and page.limit == 2 and page.offset == 0
    assert page.items[0].created_timestamp == datetime(2026, 1, 1, tzinfo=UTC)
    assert stand_in.sim.requests_to("/plan_jobs")[0]["query"] == {
        "limit": ["2"],
        "offset": ["0"],
        "order_by": ["name"],
        "order": ["desc"],
        "results": ["exclude"],
        "min_finish_timestamp": ["2026-01-01T00:00:00Z"],
        "max_finish_timestamp": ["2026-01-02T00:00:00Z"],
    }


def test_it_follows_events_with_the_start_cursor_without_losing_any(pe: OrchestratorClient, clock: ManualClock) -> None:
    name = pe.run_plan("webapp::rolling_restart", RESTART)
    clock.advance(4)
    first = pe.get_events(name)
    clock.advance(60)
    rest = pe.get_events(name, start=first.next_start)
    seen = {e.id for e in first.items} | {e.id for e in rest.items}
    everything = pe.get_events(name)
    assert seen == {e.id for e in everything.items}
    assert everything.items[-1].type == "plan_finished"


def test_it_reads_one_event_untruncated(pe: OrchestratorClient, clock: ManualClock) -> None:
    name = pe.run_plan("canary", {})
    clock.advance(10)
    event = pe.get_events(name).items[0]
    assert pe.get_event(name, event.id).details == {"message": "hello"}


def test_it_refuses_job_ids_that_are_not_numbers(pe: OrchestratorClient) -> None:
    with pytest.raises(ValueError, match="not a plan job id"):
        pe.get_plan_job("1/../../plans")


# -- error kinds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda pe: pe.list_plans("bad-env"), errors.ValidationError),
        (lambda pe: pe.list_plans("staging"), errors.UnknownEnvironment),
        (lambda pe: pe.get_plan("no::such_plan"), errors.UnknownPlan),
        (lambda pe: pe.get_plan_job("999"), errors.UnknownJob),
        (lambda pe: pe.stop_plan("999"), errors.UnknownJob),
        (lambda pe: pe.run_plan("tools::noop", {}, timeout=0), errors.ValidationError),
        (lambda pe: pe.run_plan("tools::noop", {}, environment="staging"), errors.UnknownEnvironment),
    ],
)
def test_each_documented_error_kind_has_its_own_exception(pe: OrchestratorClient, call, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        call(pe)
    assert caught.value.status in (400, 404)
    assert caught.value.kind.startswith("puppetlabs.orchestrator/")
    assert caught.value.msg


def test_a_plan_the_token_may_not_run_is_not_permitted(stand_in: StandIn) -> None:
    with pytest.raises(errors.NotPermitted) as caught:
        client(stand_in, "alice-token").run_plan("db::failover", {})
    assert caught.value.status == 403


def test_an_event_of_another_job_is_a_mismatch(pe: OrchestratorClient, clock: ManualClock) -> None:
    first, second = pe.run_plan("canary", {}), pe.run_plan("canary", {})
    clock.advance(10)
    event = pe.get_events(first).items[0].id
    with pytest.raises(errors.MismatchedJobEventId):
        pe.get_event(second, event)


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("no-such-token", errors.InvalidToken),
        ("expired-token", errors.TokenExpired),
        ("revoked-token", errors.TokenRevoked),
        ("carol-token", errors.UserRevoked),
    ],
)
def test_each_token_problem_has_its_own_401_exception(stand_in: StandIn, token: str, error: type) -> None:
    with pytest.raises(error) as caught:
        client(stand_in, token).list_plans()
    assert isinstance(caught.value, errors.AuthenticationError)
    assert caught.value.status == 401


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("puppetlabs.validators/validation-error", 400, errors.ValidationError),
        ("puppetlabs.rbac/user-unauthenticated", 401, errors.UserUnauthenticated),
        ("puppetlabs.rbac/some-new-kind", 401, errors.AuthenticationError),
        ("puppetlabs.orchestrator/something-new", 409, errors.APIError),
    ],
)
def test_it_maps_error_kinds_it_reads_off_the_wire(
    pe: OrchestratorClient, stand_in: StandIn, kind: str, status: int, error: type
) -> None:
    stand_in.inject("error", status=status, body={"kind": kind, "msg": "nope", "details": {"x": 1}})
    with pytest.raises(error) as caught:
        pe.list_plans()
    assert type(caught.value) is error
    assert (caught.value.kind, caught.value.msg, caught.value.details) == (kind, "nope", {"x": 1})


def test_an_error_without_a_pe_body_is_an_unexpected_response(pe: OrchestratorClient, stand_in: StandIn) -> None:
    stand_in.inject("error", status=404, body=["not", "an", "error"])
    with pytest.raises(errors.UnexpectedResponse, match="HTTP 404"):
        pe.list_plans()


def test_a_body_missing_required_keys_is_an_unexpected_response(pe: OrchestratorClient, stand_in: StandIn) -> None:
    stand_in.inject("error", status=200, body={"items": [{"permitted": True}], "environment": {"name": "production"}})
    with pytest.raises(errors.UnexpectedResponse, match=r"plans.items\[0\]: missing key 'name'"):
        pe.list_plans()


def test_extra_keys_are_tolerated(pe: OrchestratorClient, stand_in: StandIn) -> None:
    body = {
        "environment": {"name": "production", "new": 1},
        "items": [{"name": "a::b", "permitted": True, "x": 2}],
        "y": 3,
    }
    stand_in.inject("error", status=200, body=body)
    assert pe.list_plans().items[0].name == "a::b"
