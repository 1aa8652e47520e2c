"""What the stand-in orchestrator knows: plans, users and their tokens, plan jobs.

Standard library only (plus onigurumacffi, through puppet.py, for Puppet's Ruby regexes), and
no code shared with orchestrator_web.pe: the stand-in must be able to catch the client being
wrong. Section numbers refer to orchestrator-api.md.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .puppet import Param, PuppetTypeError, TypeSystem, is_sensitive_text, plan_call_problem, wraps_sensitive

HERE = Path(__file__).resolve().parent
DEFAULT_CATALOGUE = HERE / "catalogue.json"
DEFAULT_RBAC = HERE / "rbac.json"

PLAN_NAME = re.compile(r"^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$")
ENVIRONMENT = re.compile(r"^[A-Za-z0-9_]+$")
START_EVENTS = {
    "task_start",
    "script_start",
    "command_start",
    "upload_start",
    "wait_start",
    "apply_start",
    "apply_prep_start",
}
OUT_MESSAGE_LIMIT = 1024  # section 4.3: out_message is cut to 1,024 bytes in the list


class PEFailure(Exception):
    """An error answer in PE's shape (section 1.4)."""

    def __init__(self, status: int, kind: str, msg: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(msg)
        self.status = status
        self.body = {"kind": kind, "msg": msg, "details": details or {}}


def validation_error(msg: str, **details: Any) -> PEFailure:
    return PEFailure(400, "puppetlabs.orchestrator/validation-error", msg, details)


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_iso(value: str) -> float:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class ManualClock:
    """A clock tests move by hand, so job lifecycles need no sleeping."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


# -- people -----------------------------------------------------------------------------


@dataclass
class User:
    id: str
    login: str
    display_name: str = ""
    email: str = ""
    is_superuser: bool = False
    is_revoked: bool = False
    is_remote: bool = False
    last_login: float | None = None

    def subject(self, rbac: Rbac) -> dict[str, Any]:
        """The RBAC subject as PE embeds it in `owner` (section 4.1)."""
        data: dict[str, Any] = {
            "id": self.id,
            "login": self.login,
            "display_name": self.display_name,
            "email": self.email,
            "is_superuser": self.is_superuser,
            "is_revoked": self.is_revoked,
            "is_remote": self.is_remote,
            "is_group": False,
            "last_login": iso_ms(self.last_login) if self.last_login else None,
            "role_ids": rbac.direct_role_ids(self),
        }
        if self.is_remote:
            data["inherited_role_ids"] = rbac.inherited_role_ids(self)
            data["group_ids"] = rbac.group_ids(self)
        return data


@dataclass
class Token:
    value: str
    login: str
    expires: float | None = None
    revoked: bool = False
    label: str = ""


class Rbac:
    """Users, user groups, roles and tokens (section 5.1), loaded from a JSON file."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.users = {u["login"]: _user(u) for u in data.get("users", [])}
        self.groups: list[dict[str, Any]] = data.get("groups", [])
        self.roles: list[dict[str, Any]] = data.get("roles", [])
        self.passwords: dict[str, str] = data.get("passwords", {})
        self.tokens = {
            t["token"]: Token(
                t["token"], t["login"], parse_iso(t["expires"]) if t.get("expires") else None, t.get("revoked", False)
            )
            for t in data.get("tokens", [])
        }

    def _user_ids_by_login(self) -> dict[str, str]:
        return {user.id: user.login for user in self.users.values()}

    def direct_role_ids(self, user: User) -> list[int]:
        return [role["id"] for role in self.roles if user.id in role.get("user_ids", [])]

    def group_ids(self, user: User) -> list[str]:
        return [group["id"] for group in self.groups if user.id in group.get("user_ids", [])]

    def inherited_role_ids(self, user: User) -> list[int]:
        groups = set(self.group_ids(user))
        return [role["id"] for role in self.roles if groups & set(role.get("group_ids", []))]

    def permissions(self, user: User) -> set[tuple[str, str, str]]:
        role_ids = set(self.direct_role_ids(user)) | set(self.inherited_role_ids(user))
        return {
            (p["object_type"], p["action"], p["instance"])
            for role in self.roles
            if role["id"] in role_ids
            for p in role.get("permissions", [])
        }

    def may_run_plan(self, user: User, plan_name: str) -> bool:
        """Section 8.3: superuser, or `plans:run:*`, or `plans:run:<name>`."""
        if user.is_superuser:
            return True
        perms = self.permissions(user)
        return ("plans", "run", "*") in perms or ("plans", "run", plan_name) in perms

    def authenticate(self, token: str | None, now: float) -> User:
        """Section 8.2: the 401 kinds, in the order the RBAC middleware checks them."""
        if not token:
            raise PEFailure(401, "puppetlabs.rbac/user-unauthenticated", "Route requires authentication")
        record = self.tokens.get(token)
        if record is None or record.login not in self.users:
            raise PEFailure(401, "puppetlabs.rbac/invalid-token", "The provided token is invalid.")
        if record.revoked:
            raise PEFailure(401, "puppetlabs.rbac/token-revoked", "Authentication token has been revoked.")
        if record.expires is not None and record.expires <= now:
            raise PEFailure(401, "puppetlabs.rbac/token-expired", "The provided token has expired.")
        user = self.users[record.login]
        if user.is_revoked:
            raise PEFailure(401, "puppetlabs.rbac/user-revoked", f"The user {user.login} has been revoked.")
        return user


def _user(data: dict[str, Any]) -> User:
    known = {"id", "login", "display_name", "email", "is_superuser", "is_revoked", "is_remote"}
    user = User(**{key: value for key, value in data.items() if key in known})
    if data.get("last_login"):
        user.last_login = parse_iso(data["last_login"])
    return user


# -- plans --------------------------------------------------------------------------------


@dataclass
class PlanDef:
    name: str
    environment: str
    description: str
    parameters: dict[str, dict[str, Any]]
    simulate: dict[str, Any]
    signature: list[Param] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        parameters = copy.deepcopy(self.parameters)
        for parameter in parameters.values():
            # Bolt always names a type ("Any" when the plan gives none) and a sensitive flag
            parameter.setdefault("type", "Any")
            parameter.setdefault("sensitive", is_sensitive_text(parameter["type"]))
        data: dict[str, Any] = {"parameters": parameters}
        if self.description:
            data["description"] = self.description
        return data

    def sensitive_names(self) -> list[str]:
        """Section 6.1: Bolt flags only a top-level Sensitive (its regex on the type text),
        unless the catalogue says otherwise."""
        return [
            name
            for name, p in self.parameters.items()
            if p.get("sensitive", is_sensitive_text(str(p.get("type", "Any"))))
        ]

    def call_problem(self, params: dict[str, Any]) -> str | None:
        """Section 8.10: what Bolt says about calling the plan with these parameters."""
        return plan_call_problem(self.name, self.signature, params)


def has_default(parameter: dict[str, Any]) -> bool:
    """Section 3.2: `default_value` (Puppet source text, or a YAML plan's value) is there only
    when the parameter has a default; Bolt leaves out a YAML plan's null default."""
    return parameter.get("default_value") is not None


def _signature(plan_name: str, env_name: str, parameters: dict[str, Any], types: TypeSystem) -> list[Param]:
    signature = []
    for name, parameter in parameters.items():
        text = parameter.get("type", "Any")
        try:
            puppet_type = types.parse(text)
        except PuppetTypeError as error:
            # PE cannot load a plan whose signature names a type it cannot resolve
            raise ValueError(
                f"catalogue: plan {plan_name} in {env_name}: parameter '{name}' has type {text!r}: {error}"
            ) from None
        signature.append(Param(name, puppet_type, has_default(parameter), wraps_sensitive(text)))
    return signature


def _environment_types(env_name: str, env: dict[str, Any]) -> TypeSystem:
    """Puppet's, Bolt's and stdlib's types plus the environment's own modules' aliases."""
    aliases = env.get("type_aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        raise ValueError(f"catalogue: type_aliases of {env_name} must map alias names to type expressions")
    try:
        types = TypeSystem.standard().with_aliases(aliases)
        for name in aliases:
            types.parse(name)
    except PuppetTypeError as error:
        raise ValueError(f"catalogue: environment {env_name}: {error}") from None
    return types


def load_catalogue(data: dict[str, Any]) -> dict[str, dict[str, PlanDef]]:
    catalogue: dict[str, dict[str, PlanDef]] = {}
    for env_name, env in data["environments"].items():
        if not ENVIRONMENT.match(env_name):
            raise ValueError(f"catalogue: bad environment name {env_name!r}")
        types = _environment_types(env_name, env)
        plans = catalogue.setdefault(env_name, {})
        for plan_name, plan in env.get("plans", {}).items():
            if not PLAN_NAME.match(plan_name):
                raise ValueError(f"catalogue: bad plan name {plan_name!r}")
            parameters = plan.get("parameters", {})
            plans[plan_name] = PlanDef(
                name=plan_name,
                environment=env_name,
                description=plan.get("description", ""),
                parameters=parameters,
                simulate=plan.get("simulate", {}),
                signature=_signature(plan_name, env_name, parameters, types),
            )
    return catalogue


# -- plan jobs --------------------------------------------------------------------------


@dataclass
class Planned:
    at: float
    type: str
    details: dict[str, Any]


@dataclass
class SimJob:
    number: int
    plan_name: str
    environment: str
    owner: User
    description: str
    parameters: dict[str, Any]
    sensitive: list[str]
    userdata: dict[str, Any]
    created: float
    started: float
    ends: float
    outcome: str
    result: Any
    planned: list[Planned]
    events: list[dict[str, Any]] = field(default_factory=list)
    task_jobs: list[tuple[str, float, float]] = field(default_factory=list)
    stopped_at: float | None = None
    scheduled_job_id: str | None = None

    def state(self, now: float) -> str:
        if now >= self.ends:
            return self.outcome
        return "running" if now >= self.started else "pending"

    def finished(self, now: float) -> bool:
        return now >= self.ends


@dataclass
class SimSchedule:
    """A job in the stand-in's scheduler (section 2.3). Runs are numbered from 0: run k is due
    at `start + k * interval` (PE's time); `fired` runs have started so far; `anchor` is when
    the timing was set (the stand-in's clock), from which `speed` shortens the waits."""

    number: int
    type: str
    input: dict[str, Any]
    environment: str
    owner: User
    description: str
    userdata: dict[str, Any]
    start: float
    start_text: str
    interval: int | None
    anchor: float
    enabled: bool = True
    fired: int = 0


class Simulator:
    """The stand-in orchestrator's behaviour, independent of HTTP."""

    def __init__(
        self,
        catalogue: dict[str, Any] | None = None,
        rbac: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
        speed: float = 1.0,
    ) -> None:
        if catalogue is None:
            catalogue = json.loads(DEFAULT_CATALOGUE.read_text())
        if rbac is None:
            rbac = json.loads(DEFAULT_RBAC.read_text())
        self.catalogue = load_catalogue(catalogue)
        self.rbac = Rbac(rbac)
        self.clock = clock
        self.speed = speed
        self.jobs: dict[int, SimJob] = {}
        self.received: list[dict[str, Any]] = []
        self._next_job = 1
        self._next_event = 1
        self._next_task_job = 1
        self.schedules: dict[int, SimSchedule] = {}
        self._next_schedule = 1
        self.lock = threading.RLock()

    # -- plumbing used by the HTTP layer and by tests --------------------------------

    def record(self, method: str, path: str, query: dict[str, list[str]], body: Any, login: str | None) -> None:
        with self.lock:
            self.received.append({"method": method, "path": path, "query": query, "body": body, "login": login})

    def requests_to(self, path_suffix: str, method: str | None = None) -> list[dict[str, Any]]:
        """What reached the stand-in on a path ending with `path_suffix` (for tests)."""
        with self.lock:
            return [
                r
                for r in self.received
                if r["path"].endswith(path_suffix) and (method is None or r["method"] == method)
            ]

    def add_token(self, login: str, token: str, *, expires: float | None = None, revoked: bool = False) -> None:
        with self.lock:
            self.rbac.tokens[token] = Token(token, login, expires, revoked)

    def authenticate(self, token: str | None) -> User:
        with self.lock:
            return self.rbac.authenticate(token, self.clock())

    # -- section 5.4: the RBAC API -----------------------------------------------------

    def _may_read_rbac(self, user: User) -> None:
        if not user.is_superuser and ("users", "view", "*") not in self.rbac.permissions(user):
            raise PEFailure(403, "puppetlabs.rbac/permission-denied", f"{user.login} may not view users and roles", {})

    def rbac_roles(self, user: User) -> list[dict[str, Any]]:
        with self.lock:
            self._may_read_rbac(user)
            return copy.deepcopy(self.rbac.roles)

    def rbac_users(self, user: User) -> list[dict[str, Any]]:
        with self.lock:
            self._may_read_rbac(user)
            return [u.subject(self.rbac) for u in self.rbac.users.values()]

    def rbac_groups(self, user: User) -> list[dict[str, Any]]:
        with self.lock:
            self._may_read_rbac(user)
            return [
                {
                    "id": g["id"],
                    "login": g["login"],
                    "display_name": g.get("display_name", ""),
                    "role_ids": [r["id"] for r in self.rbac.roles if g["id"] in r.get("group_ids", [])],
                    "user_ids": list(g.get("user_ids", [])),
                    "is_group": True,
                    "is_remote": True,
                    "is_superuser": False,
                }
                for g in self.rbac.groups
            ]

    def rbac_subject(self, user: User) -> dict[str, Any]:
        with self.lock:
            return user.subject(self.rbac)

    def rbac_auth_token(self, body: Any) -> dict[str, Any]:
        """Section 1.3: a token for login and password; no authentication needed."""
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("login"), str)
            or not isinstance(body.get("password"), str)
        ):
            raise PEFailure(400, "puppetlabs.rbac/malformed-request", "login and password are required", {})
        lifetime = _lifetime(body.get("lifetime", "1h"))
        label = body.get("label", "")
        if not isinstance(label, str) or len(label) > 200 or "," in label:
            raise PEFailure(400, "puppetlabs.rbac/malformed-request", "label: at most 200 characters, no commas", {})
        with self.lock:
            login = body["login"]
            user = self.rbac.users.get(login)
            if user is None or self.rbac.passwords.get(login) != body["password"]:
                raise PEFailure(
                    401, "puppetlabs.rbac/authentication-failed", "The username or password is incorrect.", {}
                )
            if user.is_revoked:
                raise PEFailure(401, "puppetlabs.rbac/user-revoked", f"The user {login} has been revoked.", {})
            if label and any(t.login == login and t.label == label for t in self.rbac.tokens.values()):
                raise PEFailure(409, "puppetlabs.rbac/conflict", f"A token labelled {label!r} already exists", {})
            value = secrets.token_urlsafe(32)
            self.rbac.tokens[value] = Token(value, login, self.clock() + lifetime, label=label)
            return {"token": value}

    # -- section 3: plans -----------------------------------------------------------

    def _environment(self, name: str | None) -> dict[str, PlanDef]:
        env_name = name if name is not None else "production"
        if not ENVIRONMENT.match(env_name):
            raise validation_error(f"Invalid environment name: {env_name}", field="environment")
        if env_name not in self.catalogue:
            raise PEFailure(
                404,
                "puppetlabs.orchestrator/unknown-environment",
                f"Unknown environment {env_name}",
                {"environment": env_name},
            )
        return self.catalogue[env_name]

    def list_plans(self, user: User, base: str, environment: str | None) -> dict[str, Any]:
        plans = self._environment(environment)
        env_name = environment or "production"
        return {
            "environment": {"name": env_name, "code_id": None},
            "items": [
                {
                    "id": f"{base}{_plan_path(name)}",
                    "name": name,
                    "permitted": self.rbac.may_run_plan(user, name),
                }
                for name in sorted(plans)
            ],
        }

    def get_plan(self, user: User, base: str, module: str, plan: str, environment: str | None) -> dict[str, Any]:
        if not PLAN_NAME.match(module) or not PLAN_NAME.match(plan):
            raise validation_error(f"Invalid plan name: {module}/{plan}", field="plan_name")
        plans = self._environment(environment)
        name = module if plan == "init" else f"{module}::{plan}"
        if name not in plans:
            raise PEFailure(
                404,
                "puppetlabs.orchestrator/unknown-plan",
                f"Unknown plan {name} in environment {environment or 'production'}",
                {"plan": name, "environment": environment or "production"},
            )
        definition = plans[name]
        return {
            "id": f"{base}{_plan_path(name)}",
            "name": name,
            "environment": {"name": definition.environment, "code_id": None},
            "metadata": definition.metadata(),
            "permitted": self.rbac.may_run_plan(user, name),
        }

    # -- section 2: commands --------------------------------------------------------

    PLAN_RUN_KEYS = {"plan_name", "params", "environment", "description", "timeout", "userdata"}

    def plan_run(self, user: User, body: Any) -> dict[str, Any]:
        """Section 2.1, with the validation rules of section 8.4."""
        if not isinstance(body, dict):
            raise validation_error("The request body must be a JSON object", field="body")
        unknown = sorted(set(body) - self.PLAN_RUN_KEYS)
        if unknown:
            raise validation_error(f"Unknown keys in request: {', '.join(unknown)}", field=unknown[0])
        plan_name = body.get("plan_name")
        if not isinstance(plan_name, str) or not PLAN_NAME.match(plan_name):
            raise validation_error("plan_name must be a properly formatted plan name", field="plan_name")
        params = body.get("params", {})
        if not isinstance(params, dict):
            raise validation_error("params must be a JSON object", field="params")
        environment = body.get("environment", "production")
        if not isinstance(environment, str):
            raise validation_error("environment must be a string", field="environment")
        description = body.get("description", "")
        if not isinstance(description, str):
            raise validation_error("description must be a string", field="description")
        timeout = body.get("timeout")
        if timeout is not None and (not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0):
            raise validation_error("timeout must be a positive integer", field="timeout")
        userdata = body.get("userdata", {})
        if not isinstance(userdata, dict):
            raise validation_error("userdata must be a JSON object", field="userdata")

        with self.lock:
            plans = self._environment(environment)
            if not self.rbac.may_run_plan(user, plan_name):
                raise PEFailure(
                    403,
                    "puppetlabs.orchestrator/not-permitted",
                    f"User '{user.login}' does not have permission to run plan '{plan_name}'",
                    {},
                )
            # Undocumented (section 9.1); we choose to refuse like GET /plans/:m/:p does.
            if plan_name not in plans:
                raise PEFailure(
                    404,
                    "puppetlabs.orchestrator/unknown-plan",
                    f"Unknown plan {plan_name} in environment {environment}",
                    {"plan": plan_name, "environment": environment},
                )
            job = self._start_job(user, plans[plan_name], params, description, timeout, userdata)
            return {"name": str(job.number)}

    def _start_job(
        self,
        user: User,
        plan: PlanDef,
        params: dict[str, Any],
        description: str,
        timeout: int | None,
        userdata: dict[str, Any],
        *,
        at: float | None = None,
        scheduled_job_id: str | None = None,
    ) -> SimJob:
        now = self.clock() if at is None else at
        sim = plan.simulate
        pending = float(sim.get("pending", 1.0)) / self.speed
        duration = float(sim.get("duration", 3.0)) / self.speed
        started = now + pending
        outcome = sim.get("outcome", "success")
        # What the plan did follows the targets it was called with: steps marked each_target
        # happen once per target, and a result_set block answers for each one (see _per_target).
        targets = target_names(params.get(sim.get("targets_from", "targets")))
        result = _fill(copy.deepcopy(sim.get("result")), targets)
        steps = _expand_steps(sim.get("steps", []), targets)
        if "result_set" in sim:
            outcome, result = _per_target(sim["result_set"], targets, outcome)

        problem = plan.call_problem(params)
        if problem:
            # Bolt refuses to start a plan whose arguments do not fit its signature; whether PE
            # answers 400 instead is undocumented (section 9.1), so the job fails (section 8.10).
            steps, duration, outcome = [], 0.0, "failure"
            result = {"kind": "bolt/pal-error", "msg": problem, "details": {}}
        elif outcome == "failure" and result is None:
            result = {"kind": "bolt/run-failure", "msg": f"Plan {plan.name} failed", "details": {}}

        ends = started + duration
        if timeout is not None and duration > timeout:
            ends = started + timeout
            outcome = "failure"
            result = {
                "kind": "simulator/plan-timeout",
                "msg": f"Plan timed out after {timeout} seconds (simulated; PE's own message is undocumented)",
                "details": {"timeout": timeout},
            }
        planned = [
            Planned(started + duration * (i + 1) / (len(steps) + 1), step["type"], _step_details(step))
            for i, step in enumerate(steps)
        ]
        planned = [p for p in planned if p.at < ends]

        sensitive = plan.sensitive_names()
        job = SimJob(
            number=self._next_job,
            plan_name=plan.name,
            environment=plan.environment,
            owner=user,
            description=description,
            # Section 8.9: sensitive values are never kept, only their names.
            parameters={k: v for k, v in params.items() if k not in sensitive},
            sensitive=[name for name in sensitive if name in params],
            userdata=userdata,
            created=now,
            started=started,
            ends=ends,
            outcome=outcome,
            result=result,
            planned=planned,
            scheduled_job_id=scheduled_job_id,
        )
        self._next_job += 1
        self.jobs[job.number] = job
        return job

    def stop_plan(self, user: User, body: Any) -> dict[str, Any]:
        """Section 2.4: interrupt a plan; idempotent, a finished job still answers 202."""
        if not isinstance(body, dict):
            raise validation_error("The request body must be a JSON object", field="body")
        unknown = sorted(set(body) - {"plan_job"})
        if unknown:
            raise validation_error(f"Unknown keys in request: {', '.join(unknown)}", field=unknown[0])
        plan_job = body.get("plan_job")
        if not isinstance(plan_job, str) or not plan_job.isdigit():
            raise validation_error("plan_job must be a plan job id", field="plan_job")
        with self.lock:
            job = self._job(plan_job)
            now = self.clock()
            if not job.finished(now):
                self._advance(job, now)
                job.planned = []
                job.ends = now
                job.started = min(job.started, now)
                job.outcome = "failure"
                job.stopped_at = now
                job.result = {
                    "kind": "simulator/plan-stopped",
                    "msg": f"Plan stopped by {user.login} (simulated; PE's own message is undocumented)",
                    "details": {},
                }
            return {"name": str(job.number)}

    # -- section 4: plan jobs -------------------------------------------------------

    def _job(self, job_id: str) -> SimJob:
        if not job_id.isdigit():
            raise validation_error(f"Invalid job id: {job_id}", field="job_id")
        job = self.jobs.get(int(job_id))
        if job is None:
            raise PEFailure(404, "puppetlabs.orchestrator/unknown-job", f"No plan job with id {job_id}", {"id": job_id})
        return job

    def _advance(self, job: SimJob, now: float) -> None:
        """Turn planned events whose time has come into events with ids."""
        due = min(now, job.ends)
        while job.planned and job.planned[0].at <= due:
            step = job.planned.pop(0)
            details = dict(step.details)
            if step.type in START_EVENTS:
                task_job = str(self._next_task_job)
                self._next_task_job += 1
                details["job-id"] = task_job
                job.task_jobs.append((task_job, step.at, job.planned[0].at if job.planned else job.ends))
            self._emit(job, step.at, step.type, details)
        if job.finished(now) and not any(e["type"] in ("plan_finished", "plan_failed") for e in job.events):
            final = "plan_finished" if job.outcome == "success" else "plan_failed"
            self._emit(job, job.ends, final, {"plan-id": str(job.number), "result": copy.deepcopy(job.result)})

    def _emit(self, job: SimJob, at: float, type_: str, details: dict[str, Any]) -> None:
        job.events.append({"id": str(self._next_event), "type": type_, "timestamp": iso(at), "details": details})
        self._next_event += 1

    def _job_json(self, job: SimJob, base: str, now: float, *, single: bool, results: bool = True) -> dict[str, Any]:
        self._advance(job, now)
        state = job.state(now)
        finished = job.finished(now)
        data: dict[str, Any] = {
            "id": f"{base}/plan_jobs/{job.number}",
            "name": str(job.number),
            "state": state,
            "options": {
                "description": job.description,
                "plan_name": job.plan_name,
                "parameters": copy.deepcopy(job.parameters),
                "sensitive": list(job.sensitive),
                "scheduled_job_id": job.scheduled_job_id,
                "environment": job.environment,
            },
            "owner": job.owner.subject(self.rbac),
            "events": {"id": f"{base}/plan_jobs/{job.number}/events"},
            "userdata": copy.deepcopy(job.userdata),
        }
        if results:
            data["result"] = copy.deepcopy(job.result) if finished else None
        if single:
            data["timestamp"] = iso(job.ends if finished else (job.started if state == "running" else job.created))
            data["status"] = self._status(job, now)
        else:
            data["created_timestamp"] = iso(job.created)
            data["finished_timestamp"] = iso(job.ends) if finished else None
            data["duration"] = round((job.ends if finished else now) - job.created, 2)
        return data

    def _status(self, job: SimJob, now: float) -> dict[str, Any]:
        status: dict[str, Any] = {}
        for task_job, entered, left in job.task_jobs:
            if now < left:
                status[task_job] = [{"state": "running", "enter_time": iso(entered), "exit_time": None}]
            else:
                final = "failed" if job.outcome == "failure" and left >= job.ends else "finished"
                status[task_job] = [
                    {"state": "running", "enter_time": iso(entered), "exit_time": iso(left)},
                    {"state": final, "enter_time": iso(left), "exit_time": None},
                ]
        return status

    def get_plan_job(self, base: str, job_id: str) -> dict[str, Any]:
        with self.lock:
            return self._job_json(self._job(job_id), base, self.clock(), single=True)

    ORDER_BY = {"owner", "timestamp", "environment", "name", "state"}

    def list_plan_jobs(self, base: str, query: dict[str, str]) -> dict[str, Any]:
        """Section 4.1 and the list rules of section 8.7."""
        limit = _non_negative(query, "limit")
        offset = _non_negative(query, "offset") or 0
        order_by = query.get("order_by", "timestamp")
        if order_by not in self.ORDER_BY:
            raise validation_error(f"order_by must be one of {sorted(self.ORDER_BY)}", field="order_by")
        order = query.get("order", "asc")
        if order not in ("asc", "desc"):
            raise validation_error("order must be asc or desc", field="order")
        results = query.get("results", "include")
        if results not in ("include", "exclude"):
            raise validation_error("results must be include or exclude", field="results")
        bounds = {key: _timestamp(query, key) for key in ("min_finish_timestamp", "max_finish_timestamp")}

        with self.lock:
            now = self.clock()
            jobs = list(self.jobs.values())
            for job in jobs:
                self._advance(job, now)
            if bounds["min_finish_timestamp"] is not None or bounds["max_finish_timestamp"] is not None:
                low, high = bounds["min_finish_timestamp"], bounds["max_finish_timestamp"]
                # Compare at the second precision PE reports; unfinished jobs never match.
                jobs = [
                    j
                    for j in jobs
                    if j.finished(now) and (low is None or int(j.ends) >= low) and (high is None or int(j.ends) <= high)
                ]
            keys: dict[str, Callable[[SimJob], Any]] = {
                "owner": lambda j: (j.owner.login, j.number),
                "timestamp": lambda j: (j.created, j.number),
                "environment": lambda j: (j.environment, j.number),
                "name": lambda j: j.number,
                "state": lambda j: (j.state(now), j.number),
            }
            jobs.sort(key=keys[order_by], reverse=order == "desc")
            total = len(jobs)
            page = jobs[offset : offset + limit] if limit is not None else jobs[offset:]
            return {
                "items": [self._job_json(j, base, now, single=False, results=results == "include") for j in page],
                "pagination": {"limit": limit, "offset": offset, "total": total},
            }

    def get_events(self, base: str, job_id: str, start: str | None) -> dict[str, Any]:
        """Section 4.3. `start` is inclusive ("begin from this event ID"), and, as in PE's
        example, `next-events` names the last event returned, so a poller sees it twice."""
        if start is not None and not start.isdigit():
            raise validation_error("start must be an integer", field="start")
        with self.lock:
            job = self._job(job_id)
            self._advance(job, self.clock())
            first = int(start) if start is not None else 0
            items = [_truncated(e) for e in job.events if int(e["id"]) >= first]
            cursor = items[-1]["id"] if items else str(first)
            return {
                "next-events": {"id": f"{base}/plan_jobs/{job.number}/events?start={cursor}", "event": cursor},
                "items": items,
            }

    def get_event(self, job_id: str, event_id: str) -> dict[str, Any]:
        """Section 4.4: one event, never truncated."""
        if not event_id.isdigit():
            raise validation_error("event id must be an integer", field="event_id")
        with self.lock:
            job = self._job(job_id)
            self._advance(job, self.clock())
            for event in job.events:
                if event["id"] == str(int(event_id)):
                    return copy.deepcopy(event)
            if any(event_id == e["id"] for other in self.jobs.values() for e in other.events):
                raise PEFailure(
                    404,
                    "puppetlabs.orchestrator/mismatched-job-event-id",
                    f"Event {event_id} does not belong to plan job {job_id}",
                    {"job": job_id, "event": event_id},
                )
            raise PEFailure(404, "puppetlabs.orchestrator/unknown-job", f"No event with id {event_id}", {})

    # -- section 2.3: the scheduler ---------------------------------------------------

    SCHEDULE_KEYS = {"type", "input", "environment", "schedule", "description", "userdata"}
    SCHEDULE_CHANGE_KEYS = {"input", "environment", "schedule", "description", "userdata", "enabled"}
    SCHEDULE_ORDER_BY = ("next_run_time", "environment", "owner", "name", "type")
    MAX_CATCH_UP = 20  # missed runs fired at once when the stand-in was not asked for a while

    def _schedule(self, schedule_id: str) -> SimSchedule:
        if not schedule_id.isdigit():
            raise validation_error(f"Invalid scheduled job id: {schedule_id}", field="id")
        schedule = self.schedules.get(int(schedule_id))
        if schedule is None:
            # PE's kind for an unknown scheduled job is undocumented; this is the plan jobs' one.
            raise PEFailure(
                404,
                "puppetlabs.orchestrator/unknown-job",
                f"No scheduled job with id {schedule_id}",
                {"id": schedule_id},
            )
        return schedule

    def _checked_input(self, raw: Any, type_: str) -> dict[str, Any]:
        if type_ != "plan":
            raise validation_error('The stand-in schedules plans only (type "plan")', field="type")
        if not isinstance(raw, dict):
            raise validation_error("input must be a JSON object", field="input")
        unknown = sorted(set(raw) - {"name", "parameters"})
        if unknown:
            raise validation_error(f"Unknown keys in input: {', '.join(unknown)}", field="input")
        name = raw.get("name")
        if not isinstance(name, str) or not PLAN_NAME.match(name):
            raise validation_error("input.name must be a properly formatted plan name", field="input.name")
        parameters = raw.get("parameters", {})
        if not isinstance(parameters, dict):
            raise validation_error("input.parameters must be a JSON object", field="input.parameters")
        for key, wrapped in parameters.items():
            # Section 2.2: every parameter is {"value": ...}, with an optional type query/node_group.
            if not isinstance(wrapped, dict) or "value" not in wrapped or set(wrapped) - {"value", "type"}:
                raise validation_error(
                    f'input.parameters.{key} must be an object like {{"value": ...}}', field=f"input.parameters.{key}"
                )
            if "type" in wrapped and wrapped["type"] not in ("query", "node_group"):
                raise validation_error(
                    f"input.parameters.{key}.type must be query or node_group", field=f"input.parameters.{key}.type"
                )
        return {"name": name, "parameters": copy.deepcopy(parameters)}

    def _checked_timing(self, raw: Any, now: float) -> tuple[float, int | None, str]:
        if not isinstance(raw, dict):
            raise validation_error("schedule must be a JSON object", field="schedule")
        unknown = sorted(set(raw) - {"start_time", "interval"})
        if unknown:
            raise validation_error(f"Unknown keys in schedule: {', '.join(unknown)}", field="schedule")
        text = raw.get("start_time")
        if not isinstance(text, str):
            raise validation_error("schedule.start_time is required", field="schedule.start_time")
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise validation_error(
                "schedule.start_time must be an ISO-8601 timestamp", field="schedule.start_time"
            ) from None
        if moment.tzinfo is None:
            raise validation_error(
                "schedule.start_time must carry a UTC offset, like 2026-03-01T09:00:00+05:30",
                field="schedule.start_time",
            )
        start = moment.timestamp()
        if "interval" not in raw:
            raise validation_error("schedule.interval is required (null for a single run)", field="schedule.interval")
        interval = raw["interval"]
        seconds = None
        if interval is not None:
            if (
                not isinstance(interval, dict)
                or set(interval) != {"units", "value"}
                or interval["units"] != "seconds"
                or not isinstance(interval["value"], int)
                or isinstance(interval["value"], bool)
                or interval["value"] <= 0
            ):
                raise validation_error(
                    'schedule.interval must be null or {"units": "seconds", "value": <positive integer>}',
                    field="schedule.interval",
                )
            seconds = interval["value"]
        # Undocumented for environment jobs; the old schedule_task answered this (section 1.5).
        if start < now - 1:
            raise PEFailure(
                400,
                "puppetlabs.orchestrator/invalid-time",
                f"The start time {text} is in the past",
                {"start_time": text},
            )
        return start, seconds, text

    def _may_schedule(self, user: User, plan_name: str, environment: str) -> dict[str, PlanDef]:
        plans = self._environment(environment)
        if not self.rbac.may_run_plan(user, plan_name):
            raise PEFailure(
                403,
                "puppetlabs.orchestrator/not-permitted",
                f"User '{user.login}' does not have permission to run plan '{plan_name}'",
                {},
            )
        if plan_name not in plans:
            raise PEFailure(
                404,
                "puppetlabs.orchestrator/unknown-plan",
                f"Unknown plan {plan_name} in environment {environment}",
                {"plan": plan_name, "environment": environment},
            )
        return plans

    def create_scheduled_job(self, user: User, base: str, body: Any) -> dict[str, Any]:
        """POST /scheduled_jobs/environment_jobs (section 2.3): every key required; 200."""
        if not isinstance(body, dict):
            raise validation_error("The request body must be a JSON object", field="body")
        unknown = sorted(set(body) - self.SCHEDULE_KEYS)
        if unknown:
            raise validation_error(f"Unknown keys in request: {', '.join(unknown)}", field=unknown[0])
        missing = sorted(self.SCHEDULE_KEYS - set(body))
        if missing:
            raise validation_error(f"Missing required keys: {', '.join(missing)}", field=missing[0])
        type_ = body["type"]
        if type_ not in ("plan", "task", "deploy"):
            raise validation_error("type must be plan, task or deploy", field="type")
        input_ = self._checked_input(body["input"], type_)
        environment = body["environment"]
        if not isinstance(environment, str):
            raise validation_error("environment must be a string", field="environment")
        if not isinstance(body["description"], str):
            raise validation_error("description must be a string", field="description")
        if not isinstance(body["userdata"], dict):
            raise validation_error("userdata must be a JSON object", field="userdata")
        with self.lock:
            now = self.clock()
            self._may_schedule(user, input_["name"], environment)
            start, interval, start_text = self._checked_timing(body["schedule"], now)
            schedule = SimSchedule(
                number=self._next_schedule,
                type=type_,
                input=input_,
                environment=environment,
                owner=user,
                description=body["description"],
                userdata=copy.deepcopy(body["userdata"]),
                start=start,
                start_text=start_text,
                interval=interval,
                anchor=now,
            )
            self._next_schedule += 1
            self.schedules[schedule.number] = schedule
            return {"scheduled_job": self._schedule_ref(schedule, base)}

    def change_scheduled_job(self, user: User, base: str, schedule_id: str, body: Any) -> dict[str, Any]:
        """PUT /scheduled_jobs/environment_jobs/<id> (section 2.3): each key given replaces the
        stored one whole; a disabled scheduled job refuses every edit."""
        if not isinstance(body, dict):
            raise validation_error("The request body must be a JSON object", field="body")
        unknown = sorted(set(body) - self.SCHEDULE_CHANGE_KEYS)
        if unknown:
            raise validation_error(f"Unknown keys in request: {', '.join(unknown)}", field=unknown[0])
        if not body:
            raise validation_error("Nothing to change", field="body")
        with self.lock:
            now = self.clock()
            self.fire_due()
            schedule = self._schedule(schedule_id)
            if not schedule.enabled:
                raise PEFailure(
                    400,
                    "puppetlabs.orchestrator/disabled-scheduled-job",
                    f"Scheduled job {schedule_id} is disabled and cannot be edited",
                    {"id": schedule_id},
                )
            if not user.is_superuser and user.id != schedule.owner.id:
                raise PEFailure(
                    403,
                    "puppetlabs.orchestrator/not-permitted",
                    f"User '{user.login}' may not edit scheduled job {schedule_id}",
                    {},
                )
            input_ = self._checked_input(body["input"], schedule.type) if "input" in body else schedule.input
            environment = body.get("environment", schedule.environment)
            if not isinstance(environment, str):
                raise validation_error("environment must be a string", field="environment")
            if "description" in body and not isinstance(body["description"], str):
                raise validation_error("description must be a string", field="description")
            if "userdata" in body and not isinstance(body["userdata"], dict):
                raise validation_error("userdata must be a JSON object", field="userdata")
            if "enabled" in body and not isinstance(body["enabled"], bool):
                raise validation_error("enabled must be true or false", field="enabled")
            if "input" in body or "environment" in body:
                self._may_schedule(user, input_["name"], environment)
            timing = self._checked_timing(body["schedule"], now) if "schedule" in body else None
            schedule.input, schedule.environment = input_, environment
            schedule.description = body.get("description", schedule.description)
            schedule.userdata = copy.deepcopy(body.get("userdata", schedule.userdata))
            schedule.enabled = body.get("enabled", schedule.enabled)
            if timing is not None:
                schedule.start, schedule.interval, schedule.start_text = timing
                schedule.anchor, schedule.fired = now, 0
            return {"scheduled_job": self._schedule_ref(schedule, base)}

    def get_scheduled_job(self, base: str, schedule_id: str) -> dict[str, Any]:
        with self.lock:
            self.fire_due()
            return self._schedule_json(self._schedule(schedule_id), base)

    def list_scheduled_jobs(self, base: str, query: dict[str, str]) -> dict[str, Any]:
        """GET /scheduled_jobs/environment_jobs with limit, offset, order_by, order, type."""
        limit = _non_negative(query, "limit")
        offset = _non_negative(query, "offset") or 0
        order_by = query.get("order_by", "next_run_time")
        if order_by not in self.SCHEDULE_ORDER_BY:
            raise validation_error(f"order_by must be one of {list(self.SCHEDULE_ORDER_BY)}", field="order_by")
        order = query.get("order", "asc")
        if order not in ("asc", "desc"):
            raise validation_error("order must be asc or desc", field="order")
        type_ = query.get("type")
        if type_ is not None and type_ not in ("plan", "task", "deploy"):
            raise validation_error("type must be plan, task or deploy", field="type")
        with self.lock:
            self.fire_due()
            items = [s for s in self.schedules.values() if type_ is None or s.type == type_]
            far = float("inf")
            keys: dict[str, Callable[[SimSchedule], Any]] = {
                "next_run_time": lambda s: (n if (n := self._next_run(s)) is not None else far, s.number),
                "environment": lambda s: (s.environment, s.number),
                "owner": lambda s: (s.owner.login, s.number),
                "name": lambda s: s.number,
                "type": lambda s: (s.type, s.number),
            }
            items.sort(key=keys[order_by], reverse=order == "desc")
            page = items[offset : offset + limit] if limit is not None else items[offset:]
            return {
                "items": [self._schedule_json(s, base) for s in page],
                "pagination": {"limit": limit, "offset": offset, "total": len(items), "order_by": order_by},
            }

    def _schedule_ref(self, schedule: SimSchedule, base: str) -> dict[str, str]:
        return {"id": f"{base}/scheduled_jobs/environment_jobs/{schedule.number}", "name": str(schedule.number)}

    def _next_run(self, schedule: SimSchedule) -> float | None:
        """The next run in PE's time (what it reports), or None when none is left."""
        if not schedule.enabled or (schedule.interval is None and schedule.fired):
            return None
        return schedule.start + schedule.fired * (schedule.interval or 0)

    def _schedule_json(self, schedule: SimSchedule, base: str) -> dict[str, Any]:
        next_run = self._next_run(schedule)
        interval = None if schedule.interval is None else {"units": "seconds", "value": schedule.interval}
        return {
            **self._schedule_ref(schedule, base),
            "type": schedule.type,
            "enabled": schedule.enabled,
            "environment": schedule.environment,
            "owner": schedule.owner.subject(self.rbac),
            "description": schedule.description,
            "input": copy.deepcopy(schedule.input),
            "schedule": {"start_time": schedule.start_text, "interval": interval},
            "userdata": copy.deepcopy(schedule.userdata),
            "next_run_time": iso(next_run) if next_run is not None else None,
        }

    def fire_due(self) -> list[SimJob]:
        """Start a plan job for every scheduled run that is due, dated when it was due, so runs
        happen whether or not anyone asks meanwhile (PE's scheduler does not wait for the app).

        With `speed`, the wait from when a schedule was set to each of its runs is that many
        times shorter (a schedule a minute ahead at speed 60 runs a second later), and so is
        each interval; PE's own times (next_run_time) are reported unchanged."""
        started = []
        with self.lock:
            now = self.clock()
            for schedule in self.schedules.values():
                caught = 0
                while (next_run := self._next_run(schedule)) is not None:
                    due = schedule.anchor + (next_run - schedule.anchor) / self.speed
                    if due > now:
                        break
                    schedule.fired += 1
                    caught += 1
                    if caught > self.MAX_CATCH_UP:
                        continue  # a long-missed recurring schedule: skip to the next run to come
                    job = self._fire(schedule, max(due, schedule.anchor))
                    if job is not None:
                        started.append(job)
        return started

    def _fire(self, schedule: SimSchedule, at: float) -> SimJob | None:
        plan = self.catalogue.get(schedule.environment, {}).get(schedule.input["name"])
        if plan is None:
            return None  # the plan or environment is gone: PE cannot start it either
        params = {key: copy.deepcopy(wrapped["value"]) for key, wrapped in schedule.input["parameters"].items()}
        return self._start_job(
            schedule.owner,
            plan,
            params,
            schedule.description,
            None,
            copy.deepcopy(schedule.userdata),
            at=at,
            scheduled_job_id=str(schedule.number),
        )


def _lifetime(value: Any) -> float:
    """`12h`, `30d`, `1y` or a bare number of seconds; 0 means about ten years (section 1.3)."""
    units = {"y": 365 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
    text = str(value)
    match = re.fullmatch(r"(\d+)([ydhms]?)", text)
    if isinstance(value, bool) or match is None:
        raise PEFailure(400, "puppetlabs.rbac/malformed-request", f"Invalid lifetime {text!r}", {"field": "lifetime"})
    seconds = int(match.group(1)) * units.get(match.group(2) or "s", 1)
    return seconds or 10 * 365 * 86400


def _plan_path(name: str) -> str:
    module, _, rest = name.partition("::")
    return f"/plans/{module}/{rest or 'init'}"


def _step_details(step: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in step.items() if key not in ("type", "each_target")}


def target_names(spec: Any) -> list[str]:
    """The target names of a TargetSpec as a plan receives it: a name, a comma-separated list of
    names, a target hash (`name` or `uri`), or an array of any of these; each name once."""
    names: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            names.extend(part.strip() for part in value.split(",") if part.strip())
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            name = value.get("name") or value.get("uri")
            if isinstance(name, str) and name:
                names.append(name)

    walk(spec)
    return list(dict.fromkeys(names))


def _fill(value: Any, targets: list[str], target: str | None = None) -> Any:
    """A catalogue value with its placeholders filled: the string "{targets}" becomes the list of
    targets, "{target_count}" their number, and "{target}" inside a string the current one."""
    if isinstance(value, dict):
        return {key: _fill(item, targets, target) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, targets, target) for item in value]
    if value == "{targets}":
        return list(targets)
    if value == "{target_count}":
        return len(targets)
    if isinstance(value, str) and target is not None:
        return value.replace("{target}", target)
    return value


def _expand_steps(steps: list[dict[str, Any]], targets: list[str]) -> list[dict[str, Any]]:
    """A step marked `each_target` happens once for each target, "{target}" filled in."""
    expanded: list[dict[str, Any]] = []
    for step in steps:
        if step.get("each_target"):
            expanded.extend(_fill(step, targets, target) for target in targets)
        else:
            expanded.append(_fill(step, targets))
    return expanded


def _per_target(spec: dict[str, Any], targets: list[str], outcome: str) -> tuple[str, Any]:
    """The outcome and result of a plan that runs one action on its targets and returns the
    ResultSet, as Bolt serialises it: a list of {target, action, object, status, value}, a failed
    target's value holding `_error`. `spec` gives each target's value (`values`, else `value`) and
    which targets fail (`fail`: target name, or "*" for every one, to its error). Like run_task
    without _catch_errors, one failed target fails the plan with a bolt/run-failure error that
    carries the ResultSet in details.result_set."""
    action, object_ = spec.get("action", "task"), spec.get("object")
    values, failures = spec.get("values", {}), spec.get("fail", {})
    results = []
    for target in targets:
        error = failures.get(target, failures.get("*"))
        failed = error is not None
        value = (
            {"_error": {**error, "details": error.get("details", {})}}
            if failed
            else values.get(target, spec.get("value", {}))
        )
        results.append(
            {
                "target": target,
                "action": action,
                "object": object_,
                "status": "failure" if failed else "success",
                "value": _fill(copy.deepcopy(value), targets, target),
            }
        )
    failed_count = sum(1 for result in results if result["status"] == "failure")
    if not failed_count:
        return outcome, results
    function = f"run_{action}"
    what = function + (f" '{object_}'" if object_ else "")
    message = f"Plan aborted: {what} failed on {failed_count} target{'' if failed_count == 1 else 's'}"
    details = {"action": function, "object": object_, "result_set": results}
    return "failure", {"kind": "bolt/run-failure", "msg": message, "details": details}


def _truncated(event: dict[str, Any]) -> dict[str, Any]:
    event = copy.deepcopy(event)
    message = event["details"].get("message")
    if event["type"] == "out_message" and isinstance(message, str):
        # A plan may print anything, lone surrogates included: count bytes without failing.
        encoded = message.encode(errors="surrogatepass")
        if len(encoded) > OUT_MESSAGE_LIMIT:
            event["details"]["message"] = encoded[:OUT_MESSAGE_LIMIT].decode(errors="ignore")
    return event


def _non_negative(query: dict[str, str], key: str) -> int | None:
    value = query.get(key)
    if value is None:
        return None
    if not value.isdigit():
        raise validation_error(f"{key} must be a non-negative integer", field=key)
    return int(value)


def _timestamp(query: dict[str, str], key: str) -> int | None:
    value = query.get(key)
    if value is None:
        return None
    try:
        return int(parse_iso(value))
    except ValueError:
        raise validation_error(f"{key} must be an ISO-8601 timestamp", field=key) from None
