from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from orchestrator_web.accounts.zones import use_browser_zone
from orchestrator_web.explain import explain
from orchestrator_web.http import SignedInRequest
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.pe.errors import PEError, UnknownPlan
from orchestrator_web.pe.types import Plan
from orchestrator_web.plans import catalogue, sealing
from orchestrator_web.plans.fields import form_field
from orchestrator_web.plans.forms import PARAM_PREFIX, Launch, LaunchForm, carry_over, hide_secrets, initial_from_job
from orchestrator_web.plans.services import preview_body, record, submit
from orchestrator_web.rbac import access
from orchestrator_web.rbac.access import deny
from orchestrator_web.rbac.models import PLAN_NAME
from orchestrator_web.schedules import services as schedule_services
from orchestrator_web.schedules.timing import every_words, in_utc, local_text, zone_name

JOB_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits only ("²" is a digit to str.isdigit)


@login_required
def plan_list(request: SignedInRequest) -> HttpResponse:
    environments = settings.ORCHESTRATOR_ENVIRONMENTS
    environment = request.GET.get("environment") or environments[0]
    query = request.GET.get("q", "").strip()[:200]
    refresh = bool(request.GET.get("refresh"))
    ctx: dict[str, Any] = {"environments": environments, "environment": environment, "q": query, "plans": []}
    if environment not in environments:
        ctx["environment"] = environments[0]
        ctx["error"] = f"There is no environment called {environment!r} here; pick one from the list."
    else:
        try:
            listed = catalogue.plan_list(environment, refresh=refresh)
        except PEError as exc:
            ctx["error"] = explain(exc)
        else:
            if listed.problem:
                ctx["stale"] = listed
            # Plans the service account may not run would only be refused by PE.
            permitted = [p.name for p in listed.value.items if p.permitted]
            # Plans the person may run now or schedule (a grant may allow one of the two).
            runnable = access.runnable_plans(request.user, environment, permitted, how=None)
            names = [name for name in runnable if PLAN_NAME.match(name)]
            details = catalogue.plan_details(names, environment, refresh=refresh)
            # One reverse() for the list: plan names need no quoting in a path.
            link = (
                reverse("plans:launch", args=["PLAN"]).replace("PLAN", "{}")
                + "?"
                + urlencode({"environment": environment})
            )
            plans: list[dict[str, Any]] = [
                {
                    "name": name,
                    "url": link.format(name),
                    "description": plan.description if isinstance(plan, Plan) else "",
                    "pending": plan is None,
                }
                for name, plan in details.items()
            ]
            needle = query.casefold()
            ctx["plans"] = [p for p in plans if needle in p["name"].casefold() or needle in p["description"].casefold()]
            ctx["total"] = len(plans)
            ctx["pending"] = any(p["pending"] for p in plans)
            # A name PE lists that is not a plan name cannot be launched (nor linked to): said so.
            ctx["odd_names"] = sorted(name for name in runnable if not PLAN_NAME.match(name))
    template = "plans/list.html#results" if request.htmx else "plans/list.html"
    return render(request, template, ctx)


def _plan_or_404(plan_name: str) -> str:
    if not PLAN_NAME.match(plan_name):
        raise Http404(f"{plan_name!r} is not a valid Puppet plan name.")
    return plan_name


class _Page:
    """One request to the launch page: who, which plan, where, and how to render."""

    def __init__(self, request: SignedInRequest, plan_name: str, allowed: list[str]) -> None:
        self.request, self.plan_name, self.allowed = request, plan_name, allowed
        self.user_id: int = request.user.pk
        environments = settings.ORCHESTRATOR_ENVIRONMENTS
        # Where the person may run it now, and where schedule it: a grant may allow one of the two.
        self.how = {
            "runnable_now": access.runnable_environments(request.user, plan_name, environments, how=access.NOW),
            "schedulable": access.runnable_environments(request.user, plan_name, environments, how=access.SCHEDULE),
        }

    def seal(self, data: dict[str, Any], purpose: str) -> str:
        return sealing.seal(data, user_id=self.user_id, plan_name=self.plan_name, purpose=purpose)

    def unseal(self, token: str, purpose: str) -> dict[str, Any]:
        return sealing.unseal(token, user_id=self.user_id, plan_name=self.plan_name, purpose=purpose)

    def kept_secrets(self) -> dict[str, str]:
        token = self.request.POST.get("secrets", "")
        if not token:
            return {}
        try:
            return self.unseal(token, sealing.SECRETS)
        except sealing.ReviewExpired:
            messages.warning(self.request, "Sensitive values typed earlier have expired; please type them again.")
            return {}

    def render_form(
        self, ctx: dict[str, Any], form: LaunchForm, secrets: Mapping[str, str], status: int = 200
    ) -> HttpResponse:
        sealed = self.seal(dict(secrets), sealing.SECRETS) if secrets else ""
        return self.render(ctx | {"form": form, "sealed_secrets": sealed, "kept": sorted(secrets)}, status=status)

    def render(self, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
        if self.request.htmx:
            # htmx swaps only 2xx answers: an error is a message in the fragment, not a status.
            return render(self.request, "plans/launch.html#launch-form", ctx)
        return render(self.request, "plans/launch.html", ctx, status=status)


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def launch(request: SignedInRequest, plan_name: str) -> HttpResponse:
    """The launch form, its review step and "Run plan", all on one URL."""
    _plan_or_404(plan_name)
    allowed = access.runnable_environments(request.user, plan_name, settings.ORCHESTRATOR_ENVIRONMENTS, how=None)
    if not allowed:
        deny(request, f"You may not run {plan_name}.", plan_name)
    use_browser_zone(request)  # "Run later" reads its date and time there, unless a zone was chosen
    page = _Page(request, plan_name, allowed)
    action = request.POST.get("action", "review") if request.method == "POST" else ""
    if action == "run":
        return _run(page)

    reviewed: dict[str, Any] | None = None
    if action == "edit":  # "Change something" on the review page: its sealed launch comes back
        try:
            reviewed = page.unseal(request.POST.get("submission", ""), sealing.REVIEW)
        except sealing.ReviewExpired:
            messages.error(request, "That review has expired or is not valid. Please fill in the form again.")
            return redirect("plans:launch", plan_name=plan_name)
        source: Mapping[str, Any] = reviewed["state"]
    else:
        source = request.POST if request.method == "POST" else request.GET
    environment = str(source.get("environment") or allowed[0])
    if environment not in allowed:
        if environment in settings.ORCHESTRATOR_ENVIRONMENTS:
            deny(request, f"You may not run {plan_name} in {environment}.", plan_name)
        messages.error(request, f"There is no environment called {environment!r} here.")
        environment = allowed[0]

    ctx: dict[str, Any] = {"plan_name": plan_name, "environment": environment, "environments": allowed}
    try:
        plan = catalogue.plan_detail(plan_name, environment)
    except UnknownPlan:
        ctx["error"] = f"There is no plan {plan_name} in the {environment} environment."
        return page.render(ctx, status=404)
    except PEError as exc:
        ctx["error"] = explain(exc)
        return page.render(ctx, status=502)
    parameters = catalogue.plan_parameters(plan)
    ctx["plan"] = plan

    def from_state(state: Mapping[str, Any], secrets: Mapping[str, str]) -> HttpResponse:
        state = {**state, "environment": environment}
        form = LaunchForm.from_state(plan, parameters, allowed, state, kept=secrets, **page.how)
        return page.render_form(ctx, form, form.kept)

    if request.method == "GET":
        state: dict[str, Any] = {}
        if "from_job" in request.GET:
            job = _job_to_repeat(request, plan_name)
            state, ctx["notes"] = initial_from_job(job, plan, parameters)
            ctx["from_job"] = job
        return from_state(state, {})
    if reviewed is not None:
        return from_state(reviewed["state"], reviewed["secrets"])

    kept = page.kept_secrets()
    forget = request.POST.getlist("forget")
    shown = str(request.POST.get("shown_environment") or environment)
    notes = []
    if action != "environment" and shown != environment:
        # Another environment was picked (without JavaScript, or just before Enter) while the
        # fields are still the other one's: show this environment's form, never review it as is.
        action = "environment"
        notes.append(f"You chose {environment}: its version of {plan_name} is shown. Check the fields, then Review.")
    if action == "environment":
        state = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "action", "secrets")}
        secrets = {k: v for k, v in kept.items() if k not in forget}
        # Secrets of both versions of the plan: a name that is secret in the one left behind
        # must not turn into plain text in this one.
        names = {name for name, p in parameters.items() if p.secret} | _secret_names(plan_name, shown, allowed)
        if state.get("mode") == "json":
            state["params_json"], found, hidden = hide_secrets(str(state.get("params_json", "")), sorted(names))
            secrets |= {name: _secret_text(parameters.get(name), value) for name, value in found.items()}
            notes += [f"The value given for {name} is not shown again (sensitive): type it again." for name in hidden]
        else:
            for name in names:  # a secret typed just now goes into the seal
                typed = str(state.pop(PARAM_PREFIX + name, "") or "")
                if typed:
                    secrets[name] = typed
        ctx["notes"] = notes + carry_over(state, plan, secrets)
        return from_state(state, {k: v for k, v in secrets.items() if k in parameters})

    form = LaunchForm(
        plan,
        parameters,
        allowed,
        request.POST,
        kept=kept,
        forget=forget,
        runnable_now=page.how["runnable_now"],
        schedulable=page.how["schedulable"],
    )
    if action in ("to_json", "to_form"):
        switched = form.to_json_state() if action == "to_json" else form.to_form_state()
        if switched is None:
            return page.render_form(ctx, form, form.secret_texts())
        state, secrets, ctx["notes"] = switched
        return from_state(state, secrets)
    if not form.is_valid():
        return page.render_form(ctx, form, form.secret_texts())
    return _review(page, ctx, form)


def _secret_names(plan_name: str, environment: str, allowed: list[str]) -> set[str]:
    """The secret parameters of the plan in another environment (the one a form came from)."""
    if environment not in allowed:
        return set()
    try:
        parameters = catalogue.plan_parameters(catalogue.plan_detail(plan_name, environment))
    except PEError:
        return set()
    return {name for name, p in parameters.items() if p.secret}


def _secret_text(parameter: pt.PlanParameter | None, value: Any) -> str:
    """A secret value from JSON as its password box would hold it."""
    if parameter is None:
        return json.dumps(value)
    return str(form_field(parameter).to_text(value))  # type: ignore[attr-defined]


def _job_to_repeat(request: SignedInRequest, plan_name: str) -> Job:
    job_id = request.GET.get("from_job", "")
    if not JOB_NUMBER.fullmatch(job_id):
        raise Http404("That is not a job number.")
    job = access.get_job_for_user(request.user, int(job_id))
    if job.plan_name != plan_name:
        raise Http404("That job ran another plan.")
    return job


def _review(page: _Page, ctx: dict[str, Any], form: LaunchForm) -> HttpResponse:
    launch = form.launch()
    sealed = page.seal(
        {
            "key": str(uuid.uuid4()),
            "launch": launch.__dict__,
            "state": form.raw_state(),
            "secrets": form.secret_texts(),
        },
        sealing.REVIEW,
    )
    body = preview_body(launch, page.request.user.get_username())
    how = access.SCHEDULE if launch.schedule is not None else access.NOW
    ctx = ctx | {"approval": access.approval_rule(page.request.user, launch.plan_name, launch.environment, how=how)}
    if launch.schedule is not None:
        ctx = ctx | {"when": schedule_words(launch.schedule)}
        body = schedule_services.preview_body(launch, page.request.user.get_username())
    defaults = []
    for name in launch.defaulted:
        parameter = form.parameters[name]
        if parameter.secret:
            shown = "(sensitive, not shown)"
        elif parameter.default.kind is pt.DefaultKind.COMPUTED:
            shown = f"worked out by PE: {parameter.default.text}"
        else:
            shown = parameter.default.text
        defaults.append((name, shown))
    return render(
        page.request,
        "plans/review.html",
        ctx | {"launch": launch, "sealed": sealed, "body_json": json.dumps(body, indent=2), "defaults": defaults},
    )


def _run(page: _Page) -> HttpResponse:
    request, plan_name = page.request, page.plan_name
    try:
        data = page.unseal(request.POST.get("submission", ""), sealing.REVIEW)
    except sealing.ReviewExpired:
        messages.error(request, "That review has expired or is not valid. Please review the launch again.")
        return redirect("plans:launch", plan_name=plan_name)
    launch = Launch(**data["launch"])
    if launch.schedule is not None:
        return _schedule(page, launch, data)
    if launch.environment in page.allowed and launch.environment not in page.how["runnable_now"]:
        deny(request, f"You may schedule {plan_name} in {launch.environment}, but not run it now.", plan_name)
    # Permissions are checked again: they may have changed since the review.
    if launch.environment not in page.allowed:
        deny(request, f"You may not run {plan_name} in {launch.environment}.", plan_name)
    job, sent = submit(request.user, launch, uuid.UUID(data["key"]), request)
    if not sent:
        messages.info(request, "This launch was already submitted; here is its job. Nothing was sent twice.")
    elif job.state == State.AWAITING_APPROVAL:
        approval = job.approval
        needed = f"{approval.required} approval{'s' if approval.required != 1 else ''}"
        messages.info(
            request,
            f"Nothing is sent yet: this launch waits for {needed} from {approval.approver_group_name}. "
            "They are told; you will be too.",
        )
    return redirect(job)


def _schedule(page: _Page, launch: Launch, data: dict[str, Any]) -> HttpResponse:
    """ "Schedule plan" on the review page: checked again, then sent to PE's scheduler, or, when
    the grant requires approval, kept as a request that waits for it like a launch (approved
    once; approvals.services hands it to the scheduler when the count is reached)."""
    request, plan_name = page.request, page.plan_name
    if not access.can_schedule(request.user, plan_name, launch.environment):
        deny(request, f"You may not schedule {plan_name} in {launch.environment}.", plan_name)
    key = uuid.UUID(data["key"])
    rule = access.approval_rule(request.user, plan_name, launch.environment, how=access.SCHEDULE)
    if rule is not None:
        job, created = record(request.user, launch, key, rule, request)
        if not created:
            messages.info(request, "This schedule was asked for already; here is its request. Nothing was sent twice.")
        elif job.state == State.AWAITING_APPROVAL:
            approval = job.approval
            needed = f"{approval.required} approval{'s' if approval.required != 1 else ''}"
            messages.info(
                request,
                f"Nothing is scheduled yet: this schedule waits for {needed} from {approval.approver_group_name}. "
                "They are told; once approved, PE's scheduler gets it.",
            )
        return redirect(job)
    try:
        made = schedule_services.create(request.user, launch, key, request)
    except schedule_services.NotDone as exc:
        return _form_again(page, data, exc.message, exc.field)
    if not made.created:
        messages.info(request, "This schedule was made already; nothing was sent twice.")
    elif not made.confirmed:
        messages.warning(
            request,
            "PE did not answer in time: it may hold the schedule. It shows here once PE lists it; "
            "check before scheduling it again.",
        )
    else:
        words = schedule_words(launch.schedule or {})
        messages.success(
            request,
            f"Scheduled in PE (schedule {made.schedule.pe_scheduled_job_id}): {plan_name} in "
            f"{launch.environment}, first run {words['local']} ({words['utc']}), {words['every']}.",
        )
    return redirect("schedules:list")


def _form_again(page: _Page, data: dict[str, Any], problem: str, field: str | None) -> HttpResponse:
    """The launch form as it was reviewed, `problem` next to `field`: nothing was sent."""
    plan_name = page.plan_name
    state = dict(data["state"])
    environment = str(state.get("environment") or page.allowed[0])
    ctx: dict[str, Any] = {"plan_name": plan_name, "environment": environment, "environments": page.allowed}
    try:
        plan = catalogue.plan_detail(plan_name, environment)
    except PEError as exc:
        ctx["error"] = f"{problem} {explain(exc)}"
        return page.render(ctx, status=502)
    ctx["plan"] = plan
    parameters = catalogue.plan_parameters(plan)
    secrets = {k: v for k, v in data["secrets"].items() if k in parameters}
    form = LaunchForm.from_state(plan, parameters, page.allowed, state, kept=secrets, **page.how)
    form._errors = ErrorDict()  # an unbound form that shows one error: what PE (or we) said
    form.cleaned_data = {}
    form.add_error(field if field in form.fields else None, problem)
    return page.render_form(ctx, form, form.kept)


def schedule_words(schedule: Mapping[str, Any]) -> dict[str, str]:
    """A schedule in words for the review and messages: when in the person's zone, in UTC, how often."""
    start = datetime.fromisoformat(schedule["start_time"])
    return {
        "local": f"{local_text(start).replace('T', ' ')} {zone_name()}",
        "utc": in_utc(start),
        "every": every_words(schedule.get("interval_seconds")),
    }
