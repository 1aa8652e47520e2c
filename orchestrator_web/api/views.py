"""/api/v1/: the JSON face of the same services as the pages (plans.services.submit, the launch
form, rbac.access, jobs.services), with a token or a session."""

from __future__ import annotations

import copy
import json
import logging
import re
import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_variables
from django_ratelimit.core import get_usage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator_web.accounts.models import ApiToken
from orchestrator_web.api import history, schema
from orchestrator_web.api.errors import Conflict, PEFailed, PEUnavailable
from orchestrator_web.api.serializers import (
    ApprovalListSerializer,
    DecidedSerializer,
    DecisionSerializer,
    EventListSerializer,
    JobDetailSerializer,
    JobListSerializer,
    LaunchSerializer,
    PlanListSerializer,
    PlanRunSerializer,
    PlanSerializer,
    StopSerializer,
    WhoamiSerializer,
)
from orchestrator_web.approvals import selectors as approval_selectors
from orchestrator_web.approvals import services as approval_services
from orchestrator_web.approvals.models import Approval, ApprovalRequest
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.connection import guard
from orchestrator_web.jobs import services
from orchestrator_web.jobs.forms import JobFilterForm
from orchestrator_web.jobs.models import Job, JobEvent, State
from orchestrator_web.jobs.summary import sentence
from orchestrator_web.pe import errors as pe_errors
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.pe.guard import CircuitOpen
from orchestrator_web.pe.types import Plan
from orchestrator_web.plans import catalogue
from orchestrator_web.plans.forms import LaunchForm
from orchestrator_web.plans.services import preview_body, submit
from orchestrator_web.rbac import access
from orchestrator_web.rbac.models import PLAN_NAME

log = logging.getLogger(__name__)

CURSOR = re.compile(r"[0-9]{1,18}")  # ASCII digits only
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")
# One namespace for the submission keys of API launches: a person's Idempotency-Key becomes
# the job's submission key, so a retried request finds the first job (plans.services.submit).
IDEMPOTENCY_NAMESPACE = uuid.UUID("5b0f3f6e-2f49-4c39-9d55-0d4f2c8f8a11")
MAX_PAGE = 200
EVENTS_PER_PAGE = 200
JOB_FIELDS = [
    "id",
    "state",
    "plan_name",
    "environment",
    "requested_by_username",
    "description",
    "pe_job_id",
    "created_at",
    "finished_at",
    "pe_scheduled_job_id",
]


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated let it through
    return user


def _django(request: Request) -> HttpRequest:
    return request._request


def _absolute(request: Request, path: str, **query: Any) -> str:
    given = {key: value for key, value in query.items() if value not in (None, "")}
    return request.build_absolute_uri(path + (f"?{urlencode(given)}" if given else ""))


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


# -- who ---------------------------------------------------------------------------------------


@extend_schema(
    operation_id="whoami",
    summary="Who the caller is",
    tags=["whoami"],
    responses={200: WhoamiSerializer, **schema.errors()},
)
@api_view(["GET"])
def whoami(request: Request) -> Response:
    user = _user(request)
    token = request.auth if isinstance(request.auth, ApiToken) else None
    data = {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "is_superuser": user.is_superuser,
        "sees_all_jobs": access.sees_all_jobs(user),
        "may_stop_any_job": user.is_superuser or user.has_perm("jobs.stop_any_job"),
        "teams": list(access.teams_of(user).order_by("name").values_list("name", flat=True)),
        "authenticated_by": "token" if token else "session",
        "token": {"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at} if token else None,
    }
    return Response(WhoamiSerializer(data).data)


# -- plans -------------------------------------------------------------------------------------

ENVIRONMENT = OpenApiParameter(
    "environment",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="A Puppet environment (ORCHESTRATOR_ENVIRONMENTS); default: the first.",
)


def _known_environment(environment: str) -> None:
    if environment not in settings.ORCHESTRATOR_ENVIRONMENTS:
        names = ", ".join(settings.ORCHESTRATOR_ENVIRONMENTS)
        raise _invalid("environment", f"There is no environment called {environment!r} here; pick one of {names}.")


@extend_schema(
    operation_id="listPlans",
    summary="Plans the caller may run",
    tags=["plans"],
    parameters=[ENVIRONMENT],
    responses={200: PlanListSerializer, **schema.errors(400, 502, 503)},
)
@api_view(["GET"])
def plan_list(request: Request) -> Response:
    environment = request.query_params.get("environment") or settings.ORCHESTRATOR_ENVIRONMENTS[0]
    _known_environment(environment)
    try:
        listed = catalogue.plan_list(environment)
    except pe_errors.UnknownEnvironment:
        raise exceptions.NotFound(f"PE has no environment called {environment}.") from None
    permitted = [p.name for p in listed.value.items if p.permitted]  # PE would refuse the others
    names = [name for name in access.runnable_plans(_user(request), environment, permitted) if PLAN_NAME.match(name)]
    details = catalogue.plan_details(names, environment)
    results = [
        {
            "name": name,
            "environment": environment,
            "description": plan.description if isinstance(plan, Plan) else None,
            "url": _absolute(request, reverse("api:plan", args=[name]), environment=environment),
        }
        for name, plan in details.items()
    ]
    return Response(PlanListSerializer({"results": results, "next": None, "previous": None}).data)


def _runnable(request: Request, plan_name: str, environment: str | None) -> tuple[str, list[str]]:
    """(environment, every environment where the caller may run the plan), or 403 (audited)
    as on the launch page; an environment nobody may choose here is a 400."""
    if not PLAN_NAME.match(plan_name):
        raise _invalid("plan", f"{plan_name!r} is not a valid Puppet plan name.")
    allowed = access.runnable_environments(_user(request), plan_name, settings.ORCHESTRATOR_ENVIRONMENTS)
    if not allowed:
        access.deny(_django(request), f"You may not run {plan_name}.", plan_name)
    if environment is None:
        return allowed[0], allowed
    if environment not in allowed:
        if environment in settings.ORCHESTRATOR_ENVIRONMENTS:
            access.deny(_django(request), f"You may not run {plan_name} in {environment}.", plan_name)
        # The launch form's own message for an environment it does not offer.
        field = copy.deepcopy(LaunchForm.base_fields["environment"])
        field.choices = [(env, env) for env in allowed]  # type: ignore[attr-defined]
        try:
            field.clean(environment)
        except Exception as exc:  # django.core.exceptions.ValidationError
            raise exceptions.ValidationError({"environment": list(getattr(exc, "messages", [str(exc)]))}) from None
    return environment, allowed


def _plan(plan_name: str, environment: str) -> Plan:
    try:
        return catalogue.plan_detail(plan_name, environment)
    except (pe_errors.UnknownPlan, pe_errors.UnknownEnvironment):
        raise exceptions.NotFound(f"There is no plan {plan_name} in the {environment} environment.") from None


def _parameter(plan: Plan, parameter: pt.PlanParameter) -> dict[str, Any]:
    default = parameter.default
    prefilled = default.kind is pt.DefaultKind.LITERAL and not parameter.secret
    source = plan.parameters.get(parameter.name)
    return {
        "name": parameter.name,
        "type": parameter.type_text,
        "required": parameter.required,
        "default": default.value if prefilled else None,
        "has_default": default.present,
        "default_text": None if parameter.secret or not default.present else default.text,
        "sensitive": parameter.secret,
        "description": source.description if source else "",
    }


@extend_schema(
    operation_id="getPlan",
    summary="A plan's parameters",
    tags=["plans"],
    parameters=[ENVIRONMENT],
    responses={200: PlanSerializer, **schema.errors(400, 403, 404, 502, 503)},
)
@api_view(["GET"])
def plan_detail(request: Request, plan_name: str) -> Response:
    environment, allowed = _runnable(request, plan_name, request.query_params.get("environment") or None)
    plan = _plan(plan_name, environment)
    parameters = catalogue.plan_parameters(plan)
    data = {
        "name": plan.name,
        "environment": environment,
        "description": plan.description,
        "environments": allowed,
        "parameters": [_parameter(plan, p) for p in parameters.values()],
    }
    return Response(PlanSerializer(data).data)


# -- jobs --------------------------------------------------------------------------------------


def _throttle(request: Request) -> None:
    """API_RATE_LIMIT launches per minute per token (per person for a session)."""
    who = f"token:{request.auth.pk}" if isinstance(request.auth, ApiToken) else f"user:{_user(request).pk}"
    try:
        usage = get_usage(
            _django(request),
            group="api-launches",
            key=lambda group, req: who,
            rate=f"{settings.API_RATE_LIMIT}/m",
            increment=True,
        )
    except Exception:
        log.warning("API rate limit unavailable: the cache cannot be reached", exc_info=True)
        return
    # django-ratelimit says "limit" with time_left -1 when the cache failed: a cache that is
    # down must not stop every launch (as for the login throttle).
    if usage is not None and usage["should_limit"] and usage["time_left"] >= 0:
        wait = max(1, usage["time_left"])
        raise exceptions.Throttled(wait, f"At most {settings.API_RATE_LIMIT} launches a minute; try again in {wait} s.")


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise _invalid(name, "Give true or false.")
    return value in ("true", "1")


def _idempotency_key(request: Request, user: User) -> uuid.UUID | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise _invalid("Idempotency-Key", "Give 1 to 200 visible ASCII characters, like a UUID.")
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{user.pk}:{key}")


def _form_data(launch: dict[str, Any], environment: str) -> dict[str, Any]:
    """The launch as the form's JSON mode takes it (the form then checks every value)."""
    timeout = launch.get("timeout")
    return {
        "mode": "json",
        "environment": environment,
        "params_json": json.dumps(launch.get("params", {})),
        "description": launch.get("description", ""),
        "timeout": "" if timeout is None else str(timeout),
        "userdata": json.dumps(launch["userdata"]) if launch.get("userdata") else "",
    }


FORM_FIELDS = {"params_json": "params"}  # the form's names for the API's


def _same_launch(job: Job, form: LaunchForm) -> bool:
    """Whether `job` is the launch `form` describes (sensitive values are not stored, so only
    which ones were given can be compared)."""
    launch = form.launch()
    return (
        job.plan_name == launch.plan_name
        and job.environment == launch.environment
        and job.params == {k: v for k, v in launch.params.items() if k not in launch.sensitive}
        and sorted(job.sensitive_params) == sorted(launch.sensitive)
        and job.description == launch.description
        and job.timeout == launch.timeout
        and job.userdata == launch.userdata
    )


def _replayed(request: Request, job: Job, form: LaunchForm) -> Response:
    if not _same_launch(job, form):
        raise Conflict(f"This Idempotency-Key was used for another launch (job {job.pk}); use a new key.")
    response = Response(JobDetailSerializer(job, context={"request": request}).data, status=200)
    response["Idempotent-Replayed"] = "true"
    response["Location"] = _absolute(request, reverse("api:job", args=[job.pk]))
    return response


LAUNCHED = JobDetailSerializer
JOB_OR_PLAN_RUN = PolymorphicProxySerializer(
    component_name="JobOrPlanRun",
    serializers=[JobDetailSerializer, PlanRunSerializer],
    resource_type_field_name=None,
)


# The launch holds secrets (params): never on an error report.
@sensitive_variables("launch_data", "form", "launch", "given")
def _launch(request: Request) -> Response:
    user = _user(request)
    _throttle(request)
    validate_only = _flag(request, "validate_only")
    given = LaunchSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    launch_data: dict[str, Any] = given.validated_data
    key = None if validate_only else _idempotency_key(request, user)
    environment, allowed = _runnable(request, launch_data["plan"], launch_data.get("environment"))
    plan = _plan(launch_data["plan"], environment)
    form = LaunchForm(plan, catalogue.plan_parameters(plan), allowed, _form_data(launch_data, environment))
    if not form.is_valid():
        fields = {FORM_FIELDS.get(name, name): list(messages) for name, messages in form.errors.items()}
        general = fields.pop("__all__", [])
        detail: dict[str, Any] = {**fields, **({"non_field_errors": general} if general else {})}
        raise exceptions.ValidationError(detail)
    launch = form.launch()
    if validate_only:
        return Response(PlanRunSerializer({"plan_run": preview_body(launch, user.get_username())}).data)
    if key is not None:
        earlier = Job.objects.filter(submission_key=key, requested_by=user).first()
        if earlier is not None:
            return _replayed(request, earlier, form)
    job, sent = submit(user, launch, key or uuid.uuid4(), _django(request))
    if not sent:  # the same key, sent by a request running at the same moment
        return _replayed(request, job, form)
    response = Response(JobDetailSerializer(job, context={"request": request}).data, status=201)
    response["Location"] = _absolute(request, reverse("api:job", args=[job.pk]))
    return response


@extend_schema(
    methods=["GET"],
    operation_id="listJobs",
    summary="The history, newest first",
    tags=["jobs"],
    parameters=[
        *schema.form_parameters(JobFilterForm),
        OpenApiParameter("before", OpenApiTypes.INT, description="Jobs older than this job (the `next` link)."),
        OpenApiParameter("after", OpenApiTypes.INT, description="Jobs newer than this job (the `previous` link)."),
        OpenApiParameter(
            "limit", OpenApiTypes.INT, description=f"Jobs per page, 1 to {MAX_PAGE}; default JOBS_PER_PAGE."
        ),
    ],
    responses={200: JobListSerializer, **schema.errors(400)},
)
@extend_schema(
    methods=["POST"],
    operation_id="launchJob",
    summary="Launch a plan",
    description=(
        "Checked exactly as the launch form checks it. Answers 201 with the job whatever PE answered "
        "(its state says so: pending, rejected, not_submitted, unknown, or awaiting_approval when a grant asks for "
        "approval: nothing is sent until it is approved, see approveJob). With `Idempotency-Key`, a retried "
        "request answers 200 with the first job and sends nothing again. With `validate_only=true`, answers "
        "200 with the plan_run body that would be sent (Sensitive values masked) and creates nothing."
    ),
    tags=["jobs"],
    request=LaunchSerializer,
    examples=[
        OpenApiExample(
            "A rolling restart",
            request_only=True,
            value={
                "plan": "webapp::rolling_restart",
                "environment": "production",
                "params": {"targets": ["web01.example.net", "web02.example.net"], "batch_size": 1, "api_key": "…"},
                "description": "Restart app tier (CHG-2041)",
                "timeout": 1800,
                "userdata": {"ticket": "CHG-2041"},
            },
        )
    ],
    parameters=[
        OpenApiParameter(
            "validate_only", OpenApiTypes.BOOL, description="Check the launch and show its plan_run body; send nothing."
        ),
        OpenApiParameter(
            "Idempotency-Key",
            {"type": "string", "pattern": r"^[\x21-\x7e]{1,200}$"},
            OpenApiParameter.HEADER,
            description="A retried request with the same key returns the first job and sends nothing twice.",
        ),
    ],
    responses={
        201: OpenApiResponse(LAUNCHED, description="The job."),
        200: OpenApiResponse(JOB_OR_PLAN_RUN, description="With validate_only: the body; with a reused key: the job."),
        **schema.errors(400, 403, 404, 409, 413, 415, 429, 502, 503),
    },
)
@api_view(["GET", "POST"])
def jobs(request: Request) -> Response:
    if request.method == "POST":
        return _launch(request)
    return _job_list(request)


def _cursor(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if not CURSOR.fullmatch(value):
        raise _invalid(name, "A job id (a whole number) is expected.")
    return value


def _job_list(request: Request) -> Response:
    user = _user(request)
    form = JobFilterForm(user, request.query_params)
    if not form.is_valid():
        found: dict[str, Any] = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise exceptions.ValidationError(found)
    before, after = _cursor(request, "before"), _cursor(request, "after")
    if before and after:
        raise _invalid("after", "Give before or after, not both.")
    limit_text = request.query_params.get("limit") or str(settings.JOBS_PER_PAGE)
    if not CURSOR.fullmatch(limit_text) or not 1 <= int(limit_text) <= MAX_PAGE:
        raise _invalid("limit", f"A whole number from 1 to {MAX_PAGE} is expected.")
    jobs: QuerySet[Job] = form.filter(access.visible_jobs(user))
    page = history.page(form, jobs, JOB_FIELDS, before, after, int(limit_text))
    if page.note:  # not one of the jobs this filter lists (any more): starting again would loop
        raise _invalid("before" if before else "after", "That job is not in this list; start again without it.")
    query = {k: v for k, v in request.query_params.items() if k not in ("before", "after")}
    path = reverse("api:jobs")
    data = {
        "results": page.rows,
        "next": _absolute(request, path, **query, before=page.forward) if page.forward else None,
        "previous": _absolute(request, path, **query, after=page.back) if page.back else None,
    }
    return Response(JobListSerializer(data, context={"request": request}).data)


def _job(request: Request, job_id: int) -> Job:
    """The job if the caller may see it, or was asked to approve it (as on its page)."""
    return access.get_job_to_review(_user(request), job_id)


@extend_schema(
    operation_id="getJob",
    summary="One job",
    description="Brought up to date with PE first when it is unfinished (at most every JOB_REFRESH_SECONDS).",
    tags=["jobs"],
    responses={200: JobDetailSerializer, **schema.errors(404)},
)
@api_view(["GET"])
def job_detail(request: Request, job_id: int) -> Response:
    job = _job(request, job_id)
    services.refresh(job)  # PE not answering leaves the job as the database has it
    return Response(JobDetailSerializer(job, context={"request": request}).data)


@extend_schema(
    operation_id="listJobEvents",
    summary="A job's events",
    tags=["jobs"],
    parameters=[OpenApiParameter("after", OpenApiTypes.INT, description="Only events after this event id.")],
    responses={200: EventListSerializer, **schema.errors(400, 404)},
)
@api_view(["GET"])
def job_events(request: Request, job_id: int) -> Response:
    job = _job(request, job_id)
    after = _cursor(request, "after")
    services.refresh(job)
    events: QuerySet[JobEvent] = job.events.order_by("event_id")
    if after is not None:
        events = events.filter(event_id__gt=int(after))
    found = list(events[: EVENTS_PER_PAGE + 1])
    shown = found[:EVENTS_PER_PAGE]
    results = [
        {"event_id": e.event_id, "type": e.type, "timestamp": e.timestamp, "message": sentence(e.type, e.details)}
        for e in shown
    ]
    more = len(found) > EVENTS_PER_PAGE
    path = reverse("api:job_events", args=[job.pk])
    data = {
        "results": results,
        "next": _absolute(request, path, after=shown[-1].event_id) if more else None,
        "previous": None,
    }
    return Response(EventListSerializer(data).data)


@extend_schema(
    operation_id="stopJob",
    summary="Stop a job",
    description="202 when PE was asked to stop it; 409 when it has finished or never started.",
    tags=["jobs"],
    request=None,
    responses={202: StopSerializer, **schema.errors(403, 404, 409, 502, 503)},
)
@api_view(["POST"])
def job_stop(request: Request, job_id: int) -> Response:
    user = _user(request)
    job = _job(request, job_id)
    if not access.can_stop(user, job):
        message = "Only the person who ran this job, or someone who may stop any job, can stop it."
        access.deny(_django(request), message, f"job {job.pk}")
    if guard().is_open():
        seconds = settings.PE_BREAKER_SECONDS
        refused = CircuitOpen("PE failed repeatedly just now; it is not asked for a few seconds", time.time() + seconds)
        raise PEUnavailable(refused)
    outcome, message = services.stop(job, user)
    record(
        Action.STOP, f"job {job.pk}", request=_django(request), outcome=outcome, message=message, pe_job=job.pe_job_id
    )
    if outcome in (services.StopOutcome.ALREADY_FINISHED, services.StopOutcome.NOT_STARTED):
        raise Conflict(message)
    if outcome == services.StopOutcome.FAILED:
        raise PEFailed(message)
    data = {"outcome": outcome, "message": message, "job": job}
    return Response(StopSerializer(data, context={"request": request}).data, status=202)


# -- four eyes ----------------------------------------------------------------------------------

APPROVAL_LISTS = {
    "waiting_for_me": "Launches waiting for an approval you may give (not your own), the first to expire first.",
    "asked_by_me": "Your launches still waiting, then your most recently decided ones.",
    "decided_by_me": "The launches you most recently approved or rejected.",
}


def _with_approvals(found: QuerySet[ApprovalRequest]) -> QuerySet[ApprovalRequest]:
    counted = Approval.objects.filter(counted=True).order_by("at", "id")
    return found.prefetch_related(Prefetch("approvals", queryset=counted))


@extend_schema(
    operation_id="listApprovals",
    summary="Launches waiting for approval",
    description="The /approvals/ page as JSON. " + " ".join(f"`{k}`: {v}" for k, v in APPROVAL_LISTS.items()),
    tags=["approvals"],
    parameters=[
        OpenApiParameter(
            "list",
            {"type": "string", "enum": list(APPROVAL_LISTS)},
            description="Which list; default waiting_for_me.",
        )
    ],
    responses={200: ApprovalListSerializer, **schema.errors(400)},
)
@api_view(["GET"])
def approval_list(request: Request) -> Response:
    user = _user(request)
    which = request.query_params.get("list") or "waiting_for_me"
    if which not in APPROVAL_LISTS:
        raise _invalid("list", f"Give one of {', '.join(APPROVAL_LISTS)}.")
    if which == "waiting_for_me":
        found = list(_with_approvals(approval_selectors.waiting_for(user))[:MAX_PAGE])
    elif which == "decided_by_me":
        found = list(_with_approvals(approval_selectors.decided_by(user)))
    else:
        waiting, decided = approval_selectors.asked_by(user)
        found = [*_with_approvals(waiting)[:MAX_PAGE], *_with_approvals(decided)]
    data = {"results": found, "next": None, "previous": None}
    return Response(ApprovalListSerializer(data, context={"request": request}).data)


def _decide(request: Request, job_id: int, decision: str) -> Response:
    user = _user(request)
    # No body is no comment; any body must be a decision object (`null` is not one).
    body = request.data if _django(request).headers.get("Content-Length", "0") not in ("", "0") else {}
    given = DecisionSerializer(data=body)
    given.is_valid(raise_exception=True)
    comment = given.validated_data.get("comment", "").strip()
    job = access.get_job_to_review(user, job_id)
    approval = ApprovalRequest.objects.filter(job=job).first()
    if approval is None:
        raise Conflict(f"Job {job.pk} needed no approval; there is nothing to {decision}.")
    if not approval.waiting or job.state != State.AWAITING_APPROVAL:
        raise Conflict(approval_services.no_longer_waiting(approval, job))
    if decision == "reject" and not comment:
        raise _invalid("comment", "Say why you reject it: a comment is required.")
    try:
        if decision == "approve":
            outcome = approval_services.approve(job, user, comment, _django(request))
        elif decision == "reject":
            outcome = approval_services.reject(job, user, comment, _django(request))
        else:
            outcome = approval_services.withdraw(job, user, _django(request))
    except approval_services.NotAllowed as exc:
        access.deny(_django(request), exc.message, f"job {job.pk}")
    if not outcome.done:
        raise Conflict(outcome.message)
    job.refresh_from_db()
    return Response(DecidedSerializer({"message": outcome.message, "job": job}, context={"request": request}).data)


DECISION_ERRORS = schema.errors(400, 403, 404, 409, 413, 415)


@extend_schema(
    operation_id="approveJob",
    summary="Approve a launch that waits for approval",
    description=(
        "The approval that completes the count sends the plan at once, as its requester, and the run carries "
        "`userdata.orchestrator_web.approved_by`; both people's permissions are checked again first. 409 when "
        "the launch is no longer waiting or you approved it already; 403 for your own launch or when you are "
        "not in its approver group."
    ),
    tags=["approvals"],
    request=DecisionSerializer,
    responses={200: DecidedSerializer, **DECISION_ERRORS},
)
@api_view(["POST"])
def job_approve(request: Request, job_id: int) -> Response:
    return _decide(request, job_id, "approve")


@extend_schema(
    operation_id="rejectJob",
    summary="Reject a launch that waits for approval",
    description="Ends it as rejected_by_approver; nothing is sent. A comment (the requester reads it) is required.",
    tags=["approvals"],
    request=DecisionSerializer,
    responses={200: DecidedSerializer, **DECISION_ERRORS},
)
@api_view(["POST"])
def job_reject(request: Request, job_id: int) -> Response:
    return _decide(request, job_id, "reject")


@extend_schema(
    operation_id="withdrawJob",
    summary="Withdraw your own launch that waits for approval",
    description="Ends it as expired; nothing is sent. Only its requester may; 409 when it is no longer waiting.",
    tags=["approvals"],
    request=None,
    responses={200: DecidedSerializer, **DECISION_ERRORS},
)
@api_view(["POST"])
def job_withdraw(request: Request, job_id: int) -> Response:
    return _decide(request, job_id, "withdraw")


# -- the description and its page ----------------------------------------------------------------


class OpenApiView(SpectacularJSONAPIView):
    """GET /api/v1/openapi.json: public, like any API's documentation."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    """GET /api/v1/docs: Swagger UI from this app's static files (drf-spectacular-sidecar)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    template_name = "api/docs.html"
    url_name = "api:openapi"


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([AllowAny])
def not_found(request: Request, path: str = "") -> Response:
    """Anything else under /api/v1/: a JSON 404, never a page."""
    raise exceptions.NotFound(f"There is no {request.path} in this API; see {reverse('api:docs')}.")
