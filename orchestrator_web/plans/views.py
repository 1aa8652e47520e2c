from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orchestrator_web.explain import explain
from orchestrator_web.jobs.models import Job
from orchestrator_web.pe.errors import PEError, UnknownPlan
from orchestrator_web.pe.types import Plan
from orchestrator_web.plans import catalogue
from orchestrator_web.plans.forms import Launch, LaunchForm, initial_from_job
from orchestrator_web.plans.sealing import ReviewExpired, seal, unseal
from orchestrator_web.plans.services import preview_body, submit
from orchestrator_web.rbac import access
from orchestrator_web.rbac.access import deny
from orchestrator_web.rbac.models import PLAN_NAME


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
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
            # Plans the service account may not run would only be refused by PE.
            names = access.runnable_plans(request.user, environment, [p.name for p in listed.items if p.permitted])
            details = catalogue.plan_details(names, environment, refresh=refresh)
        except PEError as exc:
            ctx["error"] = explain(exc)
        else:
            plans = [
                {"name": name, "description": plan.description if isinstance(plan, Plan) else ""}
                for name, plan in details.items()
            ]
            needle = query.casefold()
            ctx["plans"] = [p for p in plans if needle in p["name"].casefold() or needle in p["description"].casefold()]
            ctx["total"] = len(plans)
    template = "plans/list.html#results" if request.htmx else "plans/list.html"
    return render(request, template, ctx)


def _plan_or_404(plan_name: str) -> str:
    if not PLAN_NAME.match(plan_name):
        raise Http404(f"{plan_name!r} is not a valid Puppet plan name.")
    return plan_name


@login_required
@require_http_methods(["GET", "POST"])
def launch(request: HttpRequest, plan_name: str) -> HttpResponse:
    """The launch form, its review step and "Run plan", all on one URL."""
    _plan_or_404(plan_name)
    allowed = access.runnable_environments(request.user, plan_name, settings.ORCHESTRATOR_ENVIRONMENTS)
    if not allowed:
        deny(request, f"You may not run {plan_name}.", plan_name)
    source = request.POST if request.method == "POST" else request.GET
    environment = source.get("environment") or allowed[0]
    if environment not in allowed:
        if environment in settings.ORCHESTRATOR_ENVIRONMENTS:
            deny(request, f"You may not run {plan_name} in {environment}.", plan_name)
        messages.error(request, f"There is no environment called {environment!r} here.")
        environment = allowed[0]

    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "run":
        return _run(request, plan_name, allowed)

    ctx: dict[str, Any] = {"plan_name": plan_name, "environment": environment, "environments": allowed}
    try:
        plan = catalogue.plan_detail(plan_name, environment)
    except UnknownPlan:
        ctx["error"] = f"There is no plan {plan_name} in the {environment} environment."
        return _render_launch(request, ctx, status=404)
    except PEError as exc:
        ctx["error"] = explain(exc)
        return _render_launch(request, ctx, status=502)
    ctx["plan"] = plan

    if request.method == "GET":
        initial: dict[str, Any] = {"environment": environment}
        if "from_job" in request.GET:
            job = _job_to_repeat(request, plan_name)
            initial, ctx["notes"] = initial_from_job(job, plan)
            initial["environment"] = environment
            ctx["from_job"] = job
        return _render_launch(request, ctx | {"form": LaunchForm(plan, allowed, initial=initial)})
    if action in ("environment", "edit"):
        # Back to an editable form, keeping what was typed where the field still exists.
        posted = LaunchForm(plan, allowed, request.POST)
        initial = {name: posted[name].value() for name in posted.fields if name in request.POST}
        initial["environment"] = environment
        return _render_launch(request, ctx | {"form": LaunchForm(plan, allowed, initial=initial)})

    form = LaunchForm(plan, allowed, request.POST)
    if action in ("to_json", "to_form"):
        return _render_launch(request, ctx | {"form": _switch_mode(form, plan, allowed, action)})
    if not form.is_valid():
        return _render_launch(request, ctx | {"form": form})
    return _review(request, ctx, form.launch(), form)


def _job_to_repeat(request: HttpRequest, plan_name: str) -> Job:
    job_id = request.GET.get("from_job", "")
    if not job_id.isdigit():
        raise Http404("That is not a job number.")
    job = access.get_job_for_user(request.user, int(job_id))
    if job.plan_name != plan_name:
        raise Http404("That job ran another plan.")
    return job


def _switch_mode(form: LaunchForm, plan: Plan, allowed: list[str], action: str) -> LaunchForm:
    """Move the values between the parameter fields and the JSON object."""
    initial = {k: form[k].value() for k in ("environment", "description", "timeout", "userdata")}
    if action == "to_json":
        initial |= {"mode": "json", "params_json": form.values_as_json()}
        return LaunchForm(plan, allowed, initial=initial)
    fields = form.fields_from_json()
    if fields is None:
        form.is_valid()
        form.add_error("params_json", "Fix the JSON before going back to the form.")
        return form
    return LaunchForm(plan, allowed, initial=initial | fields | {"mode": "form"})


def _review(request: HttpRequest, ctx: dict[str, Any], launch: Launch, form: LaunchForm) -> HttpResponse:
    data = {
        "key": str(uuid.uuid4()),
        "launch": launch.__dict__,
    }
    sealed = seal(data, user_id=request.user.pk, plan_name=launch.plan_name)
    body = preview_body(launch, request.user.get_username())
    return render(
        request,
        "plans/review.html",
        ctx
        | {
            "launch": launch,
            "sealed": sealed,
            "body_json": json.dumps(body, indent=2),
            "form": form,
        },
    )


def _run(request: HttpRequest, plan_name: str, allowed: list[str]) -> HttpResponse:
    try:
        data = unseal(request.POST.get("submission", ""), user_id=request.user.pk, plan_name=plan_name)
    except ReviewExpired:
        messages.error(request, "That review has expired or is not valid. Please review the launch again.")
        return redirect("plans:launch", plan_name=plan_name)
    launch = Launch(**data["launch"])
    # Permissions are checked again: they may have changed since the review.
    if launch.environment not in allowed:
        deny(request, f"You may not run {plan_name} in {launch.environment}.", plan_name)
    job, sent = submit(request.user, launch, uuid.UUID(data["key"]), request)
    if not sent:
        messages.info(request, "This launch was already submitted; here is its job. Nothing was sent twice.")
    return redirect(job)


def _render_launch(request: HttpRequest, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    template = "plans/launch.html#launch-form" if request.htmx else "plans/launch.html"
    return render(request, template, ctx, status=status)
