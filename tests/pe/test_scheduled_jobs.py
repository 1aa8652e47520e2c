"""OrchestratorClient's scheduled environment jobs (orchestrator-api.md section 2.3) against the
stand-in over real loopback HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from orchestrator_web.pe import errors
from orchestrator_web.pe.client import OrchestratorClient
from orchestrator_web.pe.types import Schedule, ScheduledJob
from orchestrator_web.simulator import ManualClock, StandIn

NINE_IN_KOLKATA = datetime(2026, 1, 2, 9, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
JOBS = "/scheduled_jobs/environment_jobs"


def test_it_schedules_a_plan_with_wrapped_parameters_and_reads_the_200(
    pe: OrchestratorClient, stand_in: StandIn
) -> None:
    name = pe.schedule_plan(
        "facts::info",
        {"targets": ["web01"], "note": None},
        Schedule(NINE_IN_KOLKATA, 3600),
        environment="production",
        description="facts every hour",
        userdata={"orchestrator_web": {"schedule": 3}},
    )
    assert name == "1"
    sent = stand_in.sim.requests_to(JOBS, "POST")[0]["body"]
    assert sent == {
        "type": "plan",
        "input": {"name": "facts::info", "parameters": {"targets": {"value": ["web01"]}, "note": {"value": None}}},
        "environment": "production",
        "schedule": {"start_time": "2026-01-02T09:00:00+05:30", "interval": {"units": "seconds", "value": 3600}},
        "description": "facts every hour",
        "userdata": {"orchestrator_web": {"schedule": 3}},
    }


def test_a_single_run_sends_a_null_interval(pe: OrchestratorClient, stand_in: StandIn) -> None:
    pe.schedule_plan("tools::noop", {}, Schedule(NINE_IN_KOLKATA), environment="production")
    body = stand_in.sim.requests_to(JOBS, "POST")[0]["body"]
    assert body["schedule"]["interval"] is None
    assert body["description"] == "" and body["userdata"] == {}


def test_it_reads_one_scheduled_job_typed(pe: OrchestratorClient) -> None:
    name = pe.schedule_plan(
        "facts::info", {"targets": "web01"}, Schedule(NINE_IN_KOLKATA, 600), environment="production"
    )
    job = pe.get_scheduled_job(name)
    assert isinstance(job, ScheduledJob)
    assert (job.name, job.type, job.enabled, job.environment) == (name, "plan", True, "production")
    assert job.plan_name == "facts::info"
    assert job.parameters == {"targets": "web01"}
    assert job.schedule == Schedule(NINE_IN_KOLKATA, 600)
    assert job.next_run_time == datetime(2026, 1, 2, 3, 30, tzinfo=UTC)
    assert job.owner is not None and job.owner.login == "orchestrator-web"


def test_it_lists_with_the_documented_query_parameters(pe: OrchestratorClient, stand_in: StandIn) -> None:
    for hour in (10, 9):
        start = NINE_IN_KOLKATA.replace(hour=hour)
        pe.schedule_plan("tools::noop", {}, Schedule(start), environment="production")
    page = pe.list_scheduled_jobs(limit=10, offset=0, order_by="next_run_time", order="asc", type="plan")
    assert [job.name for job in page.items] == ["2", "1"]
    assert page.total == 2
    query = stand_in.sim.requests_to(JOBS, "GET")[0]["query"]
    assert query == {
        "limit": ["10"],
        "offset": ["0"],
        "order_by": ["next_run_time"],
        "order": ["asc"],
        "type": ["plan"],
    }


def test_it_refuses_unknown_list_options_without_asking(pe: OrchestratorClient, stand_in: StandIn) -> None:
    with pytest.raises(ValueError, match="order_by"):
        pe.list_scheduled_jobs(order_by="state")
    assert stand_in.sim.requests_to(JOBS) == []


def test_a_change_replaces_whole_keys(pe: OrchestratorClient, stand_in: StandIn) -> None:
    name = pe.schedule_plan("facts::info", {"targets": "web01"}, Schedule(NINE_IN_KOLKATA), environment="production")
    later = NINE_IN_KOLKATA + timedelta(days=1)
    assert pe.change_scheduled_job(name, plan=("facts::info", {"targets": "db01"}), schedule=Schedule(later, 86400))
    body = stand_in.sim.requests_to(f"{JOBS}/{name}", "PUT")[0]["body"]
    assert body == {
        "input": {"name": "facts::info", "parameters": {"targets": {"value": "db01"}}},
        "schedule": {"start_time": "2026-01-03T09:00:00+05:30", "interval": {"units": "seconds", "value": 86400}},
    }
    job = pe.get_scheduled_job(name)
    assert job.parameters == {"targets": "db01"} and job.schedule.interval_seconds == 86400


def test_disabling_is_removal_and_later_edits_raise_disabled_scheduled_job(pe: OrchestratorClient) -> None:
    name = pe.schedule_plan("tools::noop", {}, Schedule(NINE_IN_KOLKATA), environment="production")
    pe.disable_scheduled_job(name)
    assert pe.get_scheduled_job(name).enabled is False
    with pytest.raises(errors.DisabledScheduledJob) as raised:
        pe.change_scheduled_job(name, description="again")
    assert raised.value.status == 400


def test_pe_refusals_keep_their_kinds(pe: OrchestratorClient) -> None:
    with pytest.raises(errors.UnknownEnvironment):
        pe.schedule_plan("tools::noop", {}, Schedule(NINE_IN_KOLKATA), environment="nowhere")
    past = datetime(2025, 6, 1, tzinfo=UTC)
    with pytest.raises(errors.InvalidTime):
        pe.schedule_plan("tools::noop", {}, Schedule(past), environment="production")


def test_a_naive_start_time_or_a_bad_interval_is_refused_before_sending(
    pe: OrchestratorClient, stand_in: StandIn
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        pe.schedule_plan("tools::noop", {}, Schedule(datetime(2026, 3, 1, 9, 0)), environment="production")
    with pytest.raises(ValueError, match="interval"):
        pe.schedule_plan("tools::noop", {}, Schedule(NINE_IN_KOLKATA, 0), environment="production")
    assert stand_in.sim.requests_to(JOBS) == []


def test_pe_down_while_scheduling_is_unreachable(stand_in: StandIn) -> None:
    url = stand_in.url
    stand_in.stop()
    client = OrchestratorClient(url, "demo-service-token", timeout=1.0, connect_timeout=0.5, get_retries=0)
    with pytest.raises(errors.Unreachable):
        client.schedule_plan("tools::noop", {}, Schedule(NINE_IN_KOLKATA), environment="production")


def test_a_lost_answer_means_the_schedule_may_exist(pe: OrchestratorClient, stand_in: StandIn) -> None:
    stand_in.inject("drop", path=JOBS, method="POST")
    with pytest.raises(errors.OutcomeUnknown):
        pe.schedule_plan("tools::noop", {}, Schedule(NINE_IN_KOLKATA), environment="production")
    assert len(stand_in.sim.schedules) == 1


def test_plan_jobs_started_by_a_schedule_carry_its_id(pe: OrchestratorClient, clock: ManualClock) -> None:
    start = datetime.fromtimestamp(clock() + 60, UTC)
    name = pe.schedule_plan("tools::noop", {}, Schedule(start), environment="production")
    clock.advance(61)
    [job] = pe.list_plan_jobs().items
    assert job.scheduled_job_id == name
