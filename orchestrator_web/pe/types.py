"""Typed views of what the orchestrator returns (orchestrator-api.md sections 2.3, 3 and 4).

Parsers accept extra keys (PE adds fields between versions) and raise UnexpectedResponse
when a key the API documents as always present is missing or has the wrong JSON type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import UnexpectedResponse

PLAN_JOB_STATES = ("pending", "running", "success", "failure")
FINISHED_STATES = ("success", "failure")

_MISSING = object()


class JsonReader:
    """Reads keys from one JSON object, naming the path of whatever is wrong."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise UnexpectedResponse(f"{where}: expected a JSON object, got {type(data).__name__}")
        self.data = data
        self.where = where

    def get(self, key: str, kind: type | tuple[type, ...], *, required: bool = True, default: Any = None) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or (value is None and not required):
            if required:
                raise UnexpectedResponse(f"{self.where}: missing key {key!r}")
            return default
        # bool is an int in Python; JSON keeps them apart and so do we.
        if isinstance(value, bool) and bool not in _as_tuple(kind):
            raise UnexpectedResponse(f"{self.where}.{key}: unexpected boolean")
        if not isinstance(value, kind):
            raise UnexpectedResponse(f"{self.where}.{key}: unexpected {type(value).__name__}")
        return value

    def string_id(self, key: str) -> str:
        # PE documents ids as strings but some examples show integers.
        value = self.get(key, (str, int))
        return str(value)

    def timestamp(self, key: str) -> datetime | None:
        value = self.get(key, str, required=False)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise UnexpectedResponse(f"{self.where}.{key}: not an ISO-8601 timestamp") from None

    def child(self, key: str, *, required: bool = True) -> JsonReader:
        return JsonReader(self.get(key, dict, required=required, default={}), f"{self.where}.{key}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


@dataclass(frozen=True)
class Environment:
    name: str
    code_id: str | None = None

    @classmethod
    def from_json(cls, data: Any, where: str = "environment") -> Environment:
        r = JsonReader(data, where)
        return cls(name=r.get("name", str), code_id=r.get("code_id", str, required=False))


@dataclass(frozen=True)
class PlanSummary:
    name: str
    permitted: bool
    id: str = ""


@dataclass(frozen=True)
class PlanList:
    environment: Environment
    items: list[PlanSummary]

    @classmethod
    def from_json(cls, data: Any) -> PlanList:
        r = JsonReader(data, "plans")
        items = []
        for i, raw in enumerate(r.get("items", list)):
            item = JsonReader(raw, f"plans.items[{i}]")
            items.append(
                PlanSummary(
                    name=item.get("name", str),
                    permitted=item.get("permitted", bool, required=False, default=False),
                    id=item.get("id", str, required=False, default=""),
                )
            )
        return cls(environment=Environment.from_json(r.get("environment", dict)), items=items)


@dataclass(frozen=True)
class Parameter:
    """A plan parameter as PE describes it (section 3.2)."""

    name: str
    type: str = "Any"
    description: str = ""
    # Puppet source text such as "'graceful'", "undef" or "$facts['os']['family']" for
    # Puppet-language plans; the value itself (any JSON) for YAML plans. None without a default.
    default_value: Any = None
    has_default: bool = False
    # Bolt's flag, when PE passes it on (section 3.2: not documented, so it may be missing).
    sensitive: bool | None = None


@dataclass(frozen=True)
class Plan:
    name: str
    environment: Environment
    permitted: bool
    description: str
    parameters: dict[str, Parameter]
    id: str = ""

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        r = JsonReader(data, "plan")
        metadata = r.child("metadata", required=False)
        parameters: dict[str, Parameter] = {}
        for name, raw in metadata.get("parameters", dict, required=False, default={}).items():
            p = JsonReader(raw, f"plan.metadata.parameters.{name}")
            type_ = p.get("type", str, required=False, default="Any")
            default = p.get("default_value", (str, int, float, bool, list, dict), required=False)
            parameters[name] = Parameter(
                name=name,
                type=type_,
                description=p.get("description", str, required=False, default=""),
                default_value=default,
                has_default=default is not None,
                sensitive=p.get("sensitive", bool, required=False),
            )
        return cls(
            name=r.get("name", str),
            environment=Environment.from_json(r.get("environment", dict), "plan.environment"),
            permitted=r.get("permitted", bool, required=False, default=False),
            description=metadata.get("description", str, required=False, default=""),
            parameters=parameters,
            id=r.get("id", str, required=False, default=""),
        )


@dataclass(frozen=True)
class Owner:
    login: str
    id: str = ""
    display_name: str = ""

    @classmethod
    def from_json(cls, data: Any, where: str) -> Owner:
        r = JsonReader(data, where)
        return cls(
            login=r.get("login", str),
            id=r.get("id", str, required=False, default=""),
            display_name=r.get("display_name", str, required=False, default=""),
        )


@dataclass(frozen=True)
class PlanJob:
    name: str
    state: str
    plan_name: str
    environment: str | None
    description: str
    parameters: dict[str, Any]
    sensitive: list[str]
    result: Any
    owner: Owner | None
    userdata: dict[str, Any]
    created_timestamp: datetime | None = None
    finished_timestamp: datetime | None = None
    timestamp: datetime | None = None
    duration: float | None = None
    status: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    # The scheduled job that started it (section 4.1: string or null; section 2.3).
    scheduled_job_id: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @classmethod
    def from_json(cls, data: Any, where: str = "plan_job") -> PlanJob:
        r = JsonReader(data, where)
        state = r.get("state", str)
        if state not in PLAN_JOB_STATES:
            raise UnexpectedResponse(f"{where}.state: unknown state {state!r}")
        options = r.child("options")
        owner = r.get("owner", dict, required=False)
        duration = r.get("duration", (int, float), required=False)
        scheduled = options.get("scheduled_job_id", (str, int), required=False)
        return cls(
            name=r.string_id("name"),
            state=state,
            plan_name=options.get("plan_name", str),
            environment=options.get("environment", str, required=False),
            description=options.get("description", str, required=False, default=""),
            parameters=options.get("parameters", dict, required=False, default={}),
            sensitive=options.get("sensitive", list, required=False, default=[]),
            result=r.data.get("result"),
            owner=Owner.from_json(owner, f"{where}.owner") if owner is not None else None,
            userdata=r.get("userdata", dict, required=False, default={}),
            created_timestamp=r.timestamp("created_timestamp"),
            finished_timestamp=r.timestamp("finished_timestamp"),
            timestamp=r.timestamp("timestamp"),
            duration=float(duration) if duration is not None else None,
            status=r.get("status", dict, required=False, default={}),
            id=r.get("id", str, required=False, default=""),
            scheduled_job_id=None if scheduled is None else str(scheduled),
        )


@dataclass(frozen=True)
class PlanJobPage:
    items: list[PlanJob]
    limit: int | None
    offset: int
    total: int

    @classmethod
    def from_json(cls, data: Any) -> PlanJobPage:
        r = JsonReader(data, "plan_jobs")
        items = [PlanJob.from_json(item, f"plan_jobs.items[{i}]") for i, item in enumerate(r.get("items", list))]
        pagination = r.child("pagination")
        return cls(
            items=items,
            limit=pagination.get("limit", int, required=False),
            offset=pagination.get("offset", int, required=False, default=0),
            # 2019.x answered null for an empty list; later versions 0.
            total=pagination.get("total", int, required=False, default=0),
        )


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    timestamp: datetime | None
    details: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any, where: str = "event") -> Event:
        r = JsonReader(data, where)
        return cls(
            id=r.string_id("id"),
            type=r.get("type", str),
            timestamp=r.timestamp("timestamp"),
            details=r.get("details", dict, required=False, default={}),
        )


@dataclass(frozen=True)
class EventPage:
    items: list[Event]
    # The cursor to pass as `start` on the next poll.
    next_start: str | None

    @classmethod
    def from_json(cls, data: Any) -> EventPage:
        r = JsonReader(data, "events")
        items = [Event.from_json(item, f"events.items[{i}]") for i, item in enumerate(r.get("items", list))]
        next_events = r.get("next-events", dict, required=False)
        next_start = None
        if next_events is not None:
            event = next_events.get("event")
            next_start = str(event) if isinstance(event, (str, int)) and not isinstance(event, bool) else None
        return cls(items=items, next_start=next_start)


# -- section 2.3: scheduled environment jobs ------------------------------------------------

SCHEDULED_JOB_TYPES = ("plan", "task", "deploy")


@dataclass(frozen=True)
class Schedule:
    """When a scheduled job runs: first at `start_time` (timezone-aware), then every
    `interval_seconds` seconds, or only once when that is None (section 2.3)."""

    start_time: datetime
    interval_seconds: int | None = None

    def to_json(self) -> dict[str, Any]:
        """`{"start_time": "<ISO-8601 with offset>", "interval": null | {"units": "seconds", "value": N}}`."""
        if self.start_time.tzinfo is None:
            raise ValueError("a schedule's start time must be timezone-aware")
        if self.interval_seconds is not None and self.interval_seconds <= 0:
            raise ValueError("a schedule's interval must be a positive number of seconds")
        interval = None if self.interval_seconds is None else {"units": "seconds", "value": self.interval_seconds}
        return {"start_time": self.start_time.isoformat(timespec="seconds"), "interval": interval}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Schedule:
        r = JsonReader(data, where)
        start = r.timestamp("start_time")
        if start is None:
            raise UnexpectedResponse(f"{where}: missing key 'start_time'")
        if start.tzinfo is None:
            raise UnexpectedResponse(f"{where}.start_time: no UTC offset")
        raw = r.get("interval", dict, required=False)
        seconds = None
        if raw is not None:
            interval = JsonReader(raw, f"{where}.interval")
            units = interval.get("units", str)
            value = interval.get("value", int)
            if units != "seconds":
                raise UnexpectedResponse(f"{where}.interval.units: unknown unit {units!r}")
            seconds = value
        return cls(start_time=start, interval_seconds=seconds)


@dataclass(frozen=True)
class ScheduledJob:
    """One job in PE's scheduler (`GET /scheduled_jobs/environment_jobs[/<id>]`, section 2.3).

    For a plan, `plan_name` and `parameters` come from `input`, the parameters unwrapped from
    their `{"value": ...}` objects; `parameter_kinds` keeps the `type` ("query", "node_group")
    of those that had one. `next_run_time` is None when PE gives none (a finished or disabled
    schedule).
    """

    name: str
    id: str
    type: str
    enabled: bool
    environment: str
    description: str
    schedule: Schedule
    owner: Owner | None
    userdata: dict[str, Any]
    input: dict[str, Any]
    plan_name: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    parameter_kinds: dict[str, str] = field(default_factory=dict)
    next_run_time: datetime | None = None

    @classmethod
    def from_json(cls, data: Any, where: str = "scheduled_job") -> ScheduledJob:
        r = JsonReader(data, where)
        type_ = r.get("type", str)
        input_ = r.get("input", dict, required=False, default={})
        plan_name = ""
        parameters: dict[str, Any] = {}
        kinds: dict[str, str] = {}
        if type_ == "plan":
            plan = JsonReader(input_, f"{where}.input")
            plan_name = plan.get("name", str)
            for key, wrapped in plan.get("parameters", dict, required=False, default={}).items():
                item = JsonReader(wrapped, f"{where}.input.parameters.{key}")
                if "value" not in item.data:
                    raise UnexpectedResponse(f"{where}.input.parameters.{key}: missing key 'value'")
                parameters[key] = item.data["value"]
                kind = item.get("type", str, required=False)
                if kind:
                    kinds[key] = kind
        owner = r.get("owner", dict, required=False)
        return cls(
            name=r.string_id("name"),
            id=r.get("id", str, required=False, default=""),
            type=type_,
            enabled=r.get("enabled", bool),
            environment=r.get("environment", str),
            description=r.get("description", str, required=False, default=""),
            schedule=Schedule.from_json(r.get("schedule", dict), f"{where}.schedule"),
            owner=Owner.from_json(owner, f"{where}.owner") if owner is not None else None,
            userdata=r.get("userdata", dict, required=False, default={}),
            input=input_,
            plan_name=plan_name,
            parameters=parameters,
            parameter_kinds=kinds,
            next_run_time=r.timestamp("next_run_time"),
        )


@dataclass(frozen=True)
class ScheduledJobPage:
    items: list[ScheduledJob]
    limit: int | None
    offset: int
    total: int

    @classmethod
    def from_json(cls, data: Any) -> ScheduledJobPage:
        r = JsonReader(data, "scheduled_jobs")
        items = [
            ScheduledJob.from_json(item, f"scheduled_jobs.items[{i}]") for i, item in enumerate(r.get("items", list))
        ]
        pagination = r.child("pagination", required=False)
        return cls(
            items=items,
            limit=pagination.get("limit", int, required=False),
            offset=pagination.get("offset", int, required=False, default=0),
            total=pagination.get("total", int, required=False, default=len(items)),
        )
