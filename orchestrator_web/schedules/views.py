from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from orchestrator_web.accounts.zones import use_browser_zone
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.explain import explain
from orchestrator_web.http import SignedInRequest
from orchestrator_web.pe import errors
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.plans import catalogue
from orchestrator_web.rbac import access
from orchestrator_web.schedules import selectors, services
from orchestrator_web.schedules.forms import ChangeForm, params_text
from orchestrator_web.schedules.models import Schedule
from orchestrator_web.schedules.selectors import NEEDS_APPROVAL, Row
from orchestrator_web.schedules.timing import every_words, in_utc, local_text, repeat_fields, zone_name


@never_cache
@login_required
@require_GET
def schedule_list(request: SignedInRequest) -> HttpResponse:
    """The plan schedules PE holds that the reader may see; removed ones folded away."""
    listing = selectors.schedules_for(request.user)
    return render(request, "schedules/list.html", {"section": "schedules", "listing": listing, "zone": zone_name()})


def _managed(request: SignedInRequest, pe_id: str) -> Row | str:
    """The schedule if the reader may change it: 404 if they may not see it, 403 (audited) if
    they may see but not change it. When PE cannot be asked, the problem in words, once what
    this console knows of the schedule allows the reader to manage it."""
    refusal = "Only its creator and holders of “Can manage any schedule” may change or remove it."
    try:
        row = selectors.schedule_for_user(request.user, pe_id)
    except errors.PEError as exc:
        local = Schedule.objects.filter(pe_scheduled_job_id=pe_id).first()
        if not access.can_manage_schedule(request.user, local.created_by_id if local else None):
            access.deny(request, refusal, f"schedule {pe_id}")
        return explain(exc)
    if not row.can_manage:
        access.deny(request, refusal, f"schedule {pe_id}")
    return row


def _typed_again(request: SignedInRequest, pe_id: str, problem: str) -> ChangeForm:
    """The change form as it was sent, with `problem` for the whole form: what was typed is kept
    (but a Sensitive value this console knows of, which is never shown again)."""
    local = Schedule.objects.filter(pe_scheduled_job_id=pe_id).first()
    data = request.POST.copy()
    try:
        typed = pt.read_json(data.get("params_json") or "{}")
    except pt.JSONProblem:
        typed = None
    if local is not None and isinstance(typed, dict) and set(typed) & set(local.sensitive_params):
        data["params_json"] = params_text({k: v for k, v in typed.items() if k not in local.sensitive_params})
    form = ChangeForm(data)
    form.is_valid()
    form.add_error(None, problem)
    return form


def _params_for(row: Row) -> dict[str, pt.PlanParameter] | None:
    try:
        return catalogue.plan_parameters(catalogue.plan_detail(row.pe.plan_name, row.pe.environment))
    except errors.PEError:
        return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change(request: SignedInRequest, pe_id: str) -> HttpResponse:
    """Change a schedule's time, interval and values (PUT: the whole schedule and input)."""
    use_browser_zone(request)
    found = _managed(request, pe_id)
    if isinstance(found, str):
        ctx: dict[str, Any] = {"section": "schedules", "zone": zone_name(), "pe_id": pe_id}
        if request.method == "POST":
            problem = (
                f"Nothing was changed: PE could not be asked about this schedule. {found} "
                "What you typed is below: send it again in a moment."
            )
            ctx["form"] = _typed_again(request, pe_id, problem)
            return render(request, "schedules/change.html", ctx, status=503)
        ctx["error"] = (
            f"PE could not be asked about this schedule, so it cannot be changed now. {found} Try again in a moment."
        )
        return render(request, "schedules/change.html", ctx, status=503)
    row = found
    ctx = {"section": "schedules", "row": row, "zone": zone_name(), "pe_id": pe_id}
    if row.removed:
        ctx["error"] = "This schedule was removed (disabled in PE). PE allows no change to it; it is kept as a record."
        return render(request, "schedules/change.html", ctx, status=409)
    refusal = selectors.change_refusal(request.user, row.pe.plan_name, row.pe.environment)
    if refusal and refusal != NEEDS_APPROVAL:
        # Checked again at every change, as "Schedule plan" is: a grant taken away since (or made
        # "Run now only") stops changes; removing stays allowed.
        access.deny(request, refusal, f"schedule {pe_id}")
    if refusal:
        # Four eyes: a change would send values, times or a frequency nobody approved.
        ctx["error"], ctx["needs_approval"] = refusal, True
        if request.method == "POST":
            record(
                Action.DENIED, f"schedule {pe_id}", request=request, path=request.path, method="POST", reason=refusal
            )
        return render(request, "schedules/change.html", ctx, status=403)
    shown = {k: v for k, v in row.pe.parameters.items() if k not in row.secret_names}
    every, unit = repeat_fields(row.pe.schedule.interval_seconds)
    initial = {
        "start_at": local_text(row.pe.next_run_time or row.pe.schedule.start_time),
        "repeat_every": every,
        "repeat_unit": unit,
        "params_json": params_text(shown),
    }
    form = ChangeForm(request.POST or None, initial=initial)
    ctx["form"] = form
    if request.method == "GET" or not form.is_valid():
        return render(request, "schedules/change.html", ctx)
    timing = form.timing()
    params: dict[str, Any] | None = form.cleaned_data["params_json"]
    typed_secrets = sorted(set(params or {}) & set(row.secret_names))
    if params is not None and typed_secrets:
        # PE's copy of a Sensitive value is all there is: it is sent back as it is, never replaced
        # here. Say so rather than drop what was typed, and never show the typed value again.
        names = ", ".join(typed_secrets)
        form.add_error(
            "params_json",
            f"{names} {'is' if len(typed_secrets) == 1 else 'are'} Sensitive: PE keeps the value it has, and it "
            "cannot be changed here. To change it, remove this schedule and schedule it again with the new value.",
        )
        data = request.POST.copy()
        data["params_json"] = params_text({k: v for k, v in params.items() if k not in row.secret_names})
        form.data = data
        return render(request, "schedules/change.html", ctx)
    if params == shown:
        params = None  # the values were left as they are: only the time changes
    elif row.pe.parameter_kinds:
        form.add_error(
            "params_json", "Its values include PuppetDB queries or node groups; change them in PE's console."
        )
    elif params is not None:
        parameters = _params_for(row)
        if parameters is None:
            form.add_error("params_json", "The plan's parameters cannot be read from PE now to check the values.")
        else:
            given = {**services.secret_values(row.pe, row.secret_names), **params}
            call = pt.plan_call(row.pe.plan_name, parameters, given)
            for name, problem in call.problems.items():
                form.add_error("params_json", f"{name}: {problem}" if name else problem)
            params = {k: v for k, v in call.params.items() if k not in row.secret_names}
    if timing is None or form.errors:
        return render(request, "schedules/change.html", ctx)
    try:
        secret_names = row.secret_names
        services.change(
            request.user, row.pe, row.local, timing=timing, params=params, secret_names=secret_names, request=request
        )
    except services.NotDone as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return render(request, "schedules/change.html", ctx)
    start, interval = timing
    messages.success(
        request,
        f"Schedule {pe_id} changed: next run {in_utc(start)} ({local_text(start).replace('T', ' ')} {zone_name()}), "
        f"{every_words(interval)}.",
    )
    return redirect("schedules:list")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def remove(request: SignedInRequest, pe_id: str) -> HttpResponse:
    """Remove a schedule: disable it in PE, which keeps it and refuses any later change."""
    found = _managed(request, pe_id)
    if isinstance(found, str):
        ctx: dict[str, Any] = {"section": "schedules", "zone": zone_name(), "pe_id": pe_id}
        ctx["error"] = f"Nothing was removed: PE could not be asked about this schedule. {found} Try again in a moment."
        return render(request, "schedules/remove.html", ctx, status=503)
    row = found
    ctx = {"section": "schedules", "row": row, "zone": zone_name(), "pe_id": pe_id}
    if row.removed:
        messages.info(request, f"Schedule {pe_id} was removed already.")
        return redirect("schedules:list")
    if request.method == "GET":
        return render(request, "schedules/remove.html", ctx)
    try:
        services.remove(request.user, row.pe, row.local, request)
    except services.NotDone as exc:
        ctx["error"] = exc.message
        return render(request, "schedules/remove.html", ctx)
    messages.success(request, f"Schedule {pe_id} removed: PE keeps it disabled, and it will not run again.")
    return redirect("schedules:list")
