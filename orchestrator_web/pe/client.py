"""Client for the PE orchestrator API, `https://<host>:8143/orchestrator/v1`.

Implements orchestrator-api.md sections 1 (forming requests, errors), 2.1 (plan_run),
2.3 (scheduled environment jobs), 2.4 (stop_plan), 3 (plan catalogue) and 4 (plan jobs and
events). Plain Python over
requests; nothing here knows about Django.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from .errors import (
    NotConfigured,
    OutcomeUnknown,
    PEError,
    UnexpectedResponse,
    Unreachable,
    api_error,
)
from .guard import Guard
from .types import (
    SCHEDULED_JOB_TYPES,
    Event,
    EventPage,
    Plan,
    PlanJob,
    PlanJobPage,
    PlanList,
    Schedule,
    ScheduledJob,
    ScheduledJobPage,
)

log = logging.getLogger(__name__)

API_PREFIX = "/orchestrator/v1"
PLAN_NAME = re.compile(r"^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$")
JOB_ID = re.compile(r"^[0-9]+$")

TokenSource = Callable[[], str]


class FileToken:
    """A token kept in a file, such as the one `puppet-access login` writes.

    The file is re-read whenever its modification time or size changes, so a token
    renewed by puppet-access is picked up without a restart.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._value = ""
        self._lock = threading.Lock()

    def __call__(self) -> str:
        try:
            stat = os.stat(self.path)
            stamp = (stat.st_mtime_ns, stat.st_size)
            with self._lock:
                if stamp != self._stamp:
                    with open(self.path, encoding="utf-8") as handle:
                        self._value = handle.read().strip()
                    self._stamp = stamp
                value = self._value
        except (OSError, UnicodeDecodeError) as exc:
            raise NotConfigured(f"the token file {self.path} cannot be read ({exc.__class__.__name__})") from None
        if not value:
            raise NotConfigured(f"the token file {self.path} is empty")
        return value


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """Return `url` without a trailing slash, or raise NotConfigured.

    https only, except plain http to a loopback host (the stand-in in tests and demos).
    """
    if not url:
        raise NotConfigured("no orchestrator URL is configured")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotConfigured(f"the orchestrator URL {url!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise NotConfigured("plain http is only allowed to a loopback host; use https")
    return url.rstrip("/")


def strip_prefix(base_url: str, prefix: str) -> str:
    """`https://pe:8143/orchestrator/v1` and `https://pe:8143/` are the same base: people copy
    URLs from PE's docs with the API prefix, and the client adds it itself."""
    base = base_url.rstrip("/")
    for suffix in sorted({prefix + "/v1", prefix, prefix.removesuffix("/v1")}, key=len, reverse=True):
        if suffix and base.endswith(suffix):
            return base[: -len(suffix)]
    return base


def plan_path(plan_name: str) -> str:
    """`mod::sub::plan` -> `/plans/mod/sub::plan`; a module's init plan `mod` -> `/plans/mod/init`."""
    if not PLAN_NAME.match(plan_name):
        raise ValueError(f"{plan_name!r} is not a valid plan name")
    module, _, rest = plan_name.partition("::")
    return f"/plans/{module}/{quote(rest or 'init', safe=':')}"


def _job_segment(job_id: str | int) -> str:
    job_id = str(job_id)
    if not JOB_ID.match(job_id):
        raise ValueError(f"{job_id!r} is not a plan job id")
    return job_id


SCHEDULED_ORDER_BY = ("next_run_time", "environment", "owner", "name", "type")


def plan_input(plan_name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """A plan's `input` for PE's scheduler (section 2.3): every parameter wrapped as
    `{"value": <json>}`, as environment_plan_run takes them (section 2.2)."""
    if not PLAN_NAME.match(plan_name):
        raise ValueError(f"{plan_name!r} is not a valid plan name")
    return {"name": plan_name, "parameters": {name: {"value": value} for name, value in params.items()}}


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _classify(exc: requests.RequestException, timeout: tuple[float, float]) -> PEError:
    """Sort a requests failure into 'nothing reached PE' or 'sent, outcome unknown'."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Unreachable(f"connecting timed out after {timeout[0]:g} s")
    if isinstance(exc, requests.exceptions.SSLError):
        return Unreachable("the TLS handshake failed (certificate not trusted or host name mismatch)")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return OutcomeUnknown(f"no answer within {timeout[1]:g} s")
    if isinstance(exc, requests.exceptions.ProxyError):
        return Unreachable("the HTTP proxy refused the connection")
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        if isinstance(reason, NameResolutionError):
            return Unreachable("the host name could not be resolved")
        if isinstance(reason, NewConnectionError):
            return Unreachable("the connection was refused")
        # Anything else happened after the request started leaving: it may have arrived.
        return OutcomeUnknown("the connection was dropped before an answer came back")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        return NotConfigured("the orchestrator URL is not valid")
    return OutcomeUnknown(f"the request failed ({exc.__class__.__name__})")


def _worth_retrying(exc: requests.RequestException) -> bool:
    # Refused or dropped connections are often passing; timeouts and TLS failures are not,
    # and retrying them would only multiply the wait.
    return isinstance(exc, requests.ConnectionError) and not isinstance(
        exc, (requests.Timeout, requests.exceptions.SSLError)
    )


class ServiceClient:
    """What every PE API client shares: one requests.Session, the token header, timeouts,
    verified TLS, the error family and the retry rule.

    Every call has a connect and a read timeout: `read_timeout` for GETs (pages that read
    from PE), `timeout` for commands (launches and stops, which PE may take longer over).
    TLS is always verified, against `ca_cert` (the PE CA bundle) when given, otherwise the
    system store. POSTs are never retried; GETs are retried `get_retries` times when the
    connection fails. With a `guard`, every call goes through its bulkhead and circuit
    breaker (guard.py). The base URL may be given with or without the service's API prefix.
    """

    prefix = ""
    service = "PE"

    def __init__(
        self,
        base_url: str,
        token: TokenSource | str,
        *,
        ca_cert: str | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        read_timeout: float | None = None,
        get_retries: int = 2,
        retry_backoff: float = 0.2,
        guard: Guard | None = None,
    ) -> None:
        self.base_url = strip_prefix(check_base_url(base_url), self.prefix)
        self._token: TokenSource = (lambda: token) if isinstance(token, str) else token
        self.timeout = (connect_timeout, timeout)
        self.read_timeout = (connect_timeout, read_timeout or timeout)
        self.guard = guard
        self.get_retries = get_retries
        self.retry_backoff = retry_backoff
        # Passed on every request: a session-level value would lose to REQUESTS_CA_BUNDLE.
        self.verify: str | bool = ca_cert or True
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "orchestrator_web"})

    def __repr__(self) -> str:
        # Never let the token end up in a log line through repr().
        return f"<{type(self).__name__} {self.base_url}>"

    # -- transport ---------------------------------------------------------------------

    def _token_header(self) -> dict[str, str]:
        token = self._token()
        if not token:
            raise NotConfigured(f"no {self.service} token is configured")
        return {"X-Authentication": token}

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        authenticate: bool = True,
    ) -> Any:
        url = f"{self.base_url}{self.prefix}{path}"
        headers = self._token_header() if authenticate else {}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        if self.guard is None:
            return self._send(method, path, url, params, data, headers)
        with self.guard.call():
            return self._send(method, path, url, params, data, headers)

    def _send(
        self,
        method: str,
        path: str,
        url: str,
        params: Mapping[str, Any] | None,
        data: bytes | None,
        headers: dict[str, str],
    ) -> Any:
        timeout = self.read_timeout if method == "GET" else self.timeout
        attempts = 1 + (self.get_retries if method == "GET" else 0)
        for attempt in range(1, attempts + 1):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=headers,
                    timeout=timeout,
                    verify=self.verify,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                error = _classify(exc, timeout)
                if attempt < attempts and _worth_retrying(exc):
                    log.info("orchestrator %s %s failed (%s), retrying", method, path, error)
                    time.sleep(self.retry_backoff * attempt)
                    continue
                raise error from exc
            return self._parse(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _parse(self, response: requests.Response) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if 200 <= status < 300:
            if body is None:
                raise UnexpectedResponse(
                    f"the {self.service} answered HTTP {status} with a body that is not JSON", status
                )
            return body
        if status >= 500:
            raise OutcomeUnknown(f"the {self.service} answered HTTP {status} (server error)", status)
        if isinstance(body, dict) and isinstance(body.get("kind"), str):
            msg = body["msg"] if isinstance(body.get("msg"), str) else ""
            details = body.get("details") if isinstance(body.get("details"), dict) else {}
            raise api_error(status, body["kind"], msg, details)
        raise UnexpectedResponse(f"the {self.service} answered HTTP {status} without an error description", status)

    def _command(self, path: str, body: dict[str, Any], *, authenticate: bool = True) -> str:
        """POST a command whose success answer is `{"name": "<id>"}` (202)."""
        try:
            data = self._request("POST", path, body=body, authenticate=authenticate)
        except UnexpectedResponse as exc:
            if exc.status is not None and 200 <= exc.status < 300:
                # PE took the command; only its answer is unreadable.
                raise OutcomeUnknown(f"{exc.message}; the command may have taken effect", exc.status) from exc
            raise
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, int) and not isinstance(name, bool):
            name = str(name)
        if not isinstance(name, str) or not JOB_ID.match(name):
            raise OutcomeUnknown("the orchestrator accepted the command but returned no job name")
        return name


class OrchestratorClient(ServiceClient):
    """The orchestrator API (`/orchestrator/v1`) as Python calls."""

    prefix = API_PREFIX
    service = "orchestrator"

    # -- section 3: plan catalogue -----------------------------------------------------

    def list_plans(self, environment: str | None = None) -> PlanList:
        """`GET /plans`: every plan in the environment, each flagged `permitted`."""
        params = {"environment": environment} if environment else None
        return PlanList.from_json(self._request("GET", "/plans", params=params))

    def get_plan(self, plan_name: str, environment: str | None = None) -> Plan:
        """`GET /plans/<module>/<plan>`: one plan's metadata, with its typed parameters."""
        params = {"environment": environment} if environment else None
        return Plan.from_json(self._request("GET", plan_path(plan_name), params=params))

    # -- section 2: commands -----------------------------------------------------------

    def run_plan(
        self,
        plan_name: str,
        params: Mapping[str, Any],
        *,
        environment: str | None = None,
        description: str | None = None,
        timeout: int | None = None,
        userdata: Mapping[str, Any] | None = None,
    ) -> str:
        """`POST /command/plan_run`; returns the new plan job's name (its id).

        Raises Unreachable when nothing was sent, OutcomeUnknown when the plan may have
        started without us hearing of it, an APIError when PE refused it.
        """
        body: dict[str, Any] = {"plan_name": plan_name, "params": dict(params)}
        if environment is not None:
            body["environment"] = environment
        if description is not None:
            body["description"] = description
        if timeout is not None:
            body["timeout"] = timeout
        if userdata is not None:
            body["userdata"] = dict(userdata)
        return self._command("/command/plan_run", body)

    def stop_plan(self, job_id: str | int) -> str:
        """`POST /command/stop_plan` (PE 2021.7.1+). Idempotent on PE's side."""
        return self._command("/command/stop_plan", {"plan_job": _job_segment(job_id)})

    # -- section 4: plan jobs ----------------------------------------------------------

    def list_plan_jobs(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: str | None = None,
        order: str | None = None,
        results: str | None = None,
        min_finish_timestamp: datetime | None = None,
        max_finish_timestamp: datetime | None = None,
    ) -> PlanJobPage:
        """`GET /plan_jobs` with its documented query parameters."""
        params: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "order_by": order_by,
            "order": order,
            "results": results,
            "min_finish_timestamp": _utc(min_finish_timestamp) if min_finish_timestamp else None,
            "max_finish_timestamp": _utc(max_finish_timestamp) if max_finish_timestamp else None,
        }
        params = {key: value for key, value in params.items() if value is not None}
        return PlanJobPage.from_json(self._request("GET", "/plan_jobs", params=params))

    def get_plan_job(self, job_id: str | int) -> PlanJob:
        """`GET /plan_jobs/<id>`."""
        return PlanJob.from_json(self._request("GET", f"/plan_jobs/{_job_segment(job_id)}"))

    def get_events(self, job_id: str | int, start: str | int | None = None) -> EventPage:
        """`GET /plan_jobs/<id>/events[?start=]`: pass the previous page's `next_start`."""
        params = {"start": str(start)} if start is not None else None
        return EventPage.from_json(self._request("GET", f"/plan_jobs/{_job_segment(job_id)}/events", params=params))

    def get_event(self, job_id: str | int, event_id: str | int) -> Event:
        """`GET /plan_jobs/<id>/event/<event-id>`: one event, `out_message` not truncated."""
        path = f"/plan_jobs/{_job_segment(job_id)}/event/{_job_segment(event_id)}"
        return Event.from_json(self._request("GET", path))

    # -- section 2.3: PE's scheduler ---------------------------------------------------

    def _scheduled_command(self, method: str, path: str, body: dict[str, Any]) -> str:
        """POST or PUT whose success answer is 200 `{"scheduled_job": {"id", "name"}}`."""
        try:
            data = self._request(method, path, body=body)
        except UnexpectedResponse as exc:
            if exc.status is not None and 200 <= exc.status < 300:
                raise OutcomeUnknown(f"{exc.message}; the schedule may have been saved", exc.status) from exc
            raise
        ref = data.get("scheduled_job") if isinstance(data, dict) else None
        name = ref.get("name") if isinstance(ref, dict) else None
        if isinstance(name, int) and not isinstance(name, bool):
            name = str(name)
        if not isinstance(name, str) or not JOB_ID.match(name):
            raise OutcomeUnknown("the orchestrator took the schedule but returned no scheduled job name")
        return name

    def schedule_plan(
        self,
        plan_name: str,
        params: Mapping[str, Any],
        schedule: Schedule,
        *,
        environment: str,
        description: str = "",
        userdata: Mapping[str, Any] | None = None,
    ) -> str:
        """`POST /scheduled_jobs/environment_jobs` with `type: "plan"` (section 2.3): run
        `plan_name` with `params` (plain JSON values; wrapped here as `{"value": ...}`) in
        `environment` at `schedule.start_time`, then every `schedule.interval_seconds` seconds
        when that is set. Returns the scheduled job's name (its id, digits). PE answers 200.

        Raises Unreachable when nothing was sent; OutcomeUnknown when the schedule may exist
        without us hearing of it; UnknownEnvironment (404), ValidationError, InvalidTime,
        TargetProblem (400) or NotPermitted (403) when PE refused it; ValueError for a bad
        plan name or a naive start time (nothing sent).
        """
        body: dict[str, Any] = {
            "type": "plan",
            "input": plan_input(plan_name, params),
            "environment": environment,
            "schedule": schedule.to_json(),
            "description": description,
            "userdata": dict(userdata or {}),
        }
        return self._scheduled_command("POST", "/scheduled_jobs/environment_jobs", body)

    def list_scheduled_jobs(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: str | None = None,
        order: str | None = None,
        type: str | None = None,
    ) -> ScheduledJobPage:
        """`GET /scheduled_jobs/environment_jobs` (section 2.3). `order_by` is one of
        next_run_time (PE's default), environment, owner, name, type; `order` asc or desc;
        `type` plan, task or deploy. Raises ValueError for other values (nothing sent)."""
        if order_by is not None and order_by not in SCHEDULED_ORDER_BY:
            raise ValueError(f"order_by must be one of {', '.join(SCHEDULED_ORDER_BY)}")
        if order is not None and order not in ("asc", "desc"):
            raise ValueError("order must be asc or desc")
        if type is not None and type not in SCHEDULED_JOB_TYPES:
            raise ValueError(f"type must be one of {', '.join(SCHEDULED_JOB_TYPES)}")
        params = {"limit": limit, "offset": offset, "order_by": order_by, "order": order, "type": type}
        params = {key: value for key, value in params.items() if value is not None}
        data = self._request("GET", "/scheduled_jobs/environment_jobs", params=params)
        return ScheduledJobPage.from_json(data)

    def get_scheduled_job(self, scheduled_job_id: str | int) -> ScheduledJob:
        """`GET /scheduled_jobs/environment_jobs/<id>` (section 2.3); an APIError with status 404
        when PE has no such scheduled job."""
        path = f"/scheduled_jobs/environment_jobs/{_job_segment(scheduled_job_id)}"
        return ScheduledJob.from_json(self._request("GET", path))

    def change_scheduled_job(
        self,
        scheduled_job_id: str | int,
        *,
        plan: tuple[str, Mapping[str, Any]] | None = None,
        schedule: Schedule | None = None,
        environment: str | None = None,
        description: str | None = None,
        userdata: Mapping[str, Any] | None = None,
        enabled: bool | None = None,
    ) -> str:
        """`PUT /scheduled_jobs/environment_jobs/<id>` (section 2.3). Each key given replaces
        PE's value whole: `plan` = (plan name, every parameter) becomes the whole `input`,
        `schedule` the whole schedule; keys left as None are not sent and stay as they are.
        `enabled=False` is PE's only way to remove a schedule (there is no DELETE), after which
        PE refuses edits with DisabledScheduledJob (400). Returns the scheduled job's name.
        Raises as schedule_plan does, and ValueError when nothing would change."""
        body: dict[str, Any] = {}
        if plan is not None:
            body["input"] = plan_input(*plan)
        if schedule is not None:
            body["schedule"] = schedule.to_json()
        if environment is not None:
            body["environment"] = environment
        if description is not None:
            body["description"] = description
        if userdata is not None:
            body["userdata"] = dict(userdata)
        if enabled is not None:
            body["enabled"] = enabled
        if not body:
            raise ValueError("nothing to change")
        path = f"/scheduled_jobs/environment_jobs/{_job_segment(scheduled_job_id)}"
        return self._scheduled_command("PUT", path, body)

    def disable_scheduled_job(self, scheduled_job_id: str | int) -> str:
        """Remove a schedule the only way PE allows: `PUT {"enabled": false}` (section 2.3).
        PE keeps it, disabled, and refuses later edits."""
        return self.change_scheduled_job(scheduled_job_id, enabled=False)
