from __future__ import annotations

import json
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from orchestrator_web import paging
from orchestrator_web.approvals.selectors import panel as approval_panel
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.context_processors import links
from orchestrator_web.csv_export import export_links, streaming_csv
from orchestrator_web.http import SignedInRequest
from orchestrator_web.jobs import selectors, services, summary
from orchestrator_web.jobs.forms import JobFilterForm
from orchestrator_web.jobs.selectors import LIST_FIELDS, version
from orchestrator_web.rbac import access
from orchestrator_web.times import whole_seconds


def _filtered(request: SignedInRequest) -> tuple[JobFilterForm, Any]:
    form = JobFilterForm(request.user, request.GET or None)
    if form.is_bound:
        form.is_valid()  # invalid filters are shown and left out; valid ones still apply
    return form, form.filter(access.visible_jobs(request.user))


@login_required
@require_GET
def job_list(request: SignedInRequest) -> HttpResponse:
    if request.htmx and "live" in request.GET:
        return _live_rows(request)
    form, jobs = _filtered(request)
    before, after = request.GET.get("before"), request.GET.get("after")
    # No JSON documents, and no model instances, for a table.
    page = selectors.history_page(jobs, LIST_FIELDS, before, after, settings.JOBS_PER_PAGE, form.order, form.growing())
    export, excel = export_links(links()["export"], request.GET)
    ctx = {
        "form": form,
        "sort": form.order,
        "page": page,
        "list_url": links()["history"],
        "export_url": export,
        "excel_url": excel,
    }
    template = "jobs/list.html#table" if request.htmx and not request.htmx.boosted else "jobs/list.html"
    return render(request, template, ctx)


def _live_rows(request: SignedInRequest) -> HttpResponse:
    """The rows of jobs under way that changed since the versions the page shows
    (?live=<id>.<version>,...), to be swapped in place; 204 when none did."""
    shown: dict[int, int] = {}
    for item in request.GET["live"].split(",")[: settings.JOBS_PER_PAGE]:
        job_id, _, seen = item.partition(".")
        if job_id.isascii() and job_id.isdigit() and len(job_id) < 19 and seen.isascii() and seen.isdigit():
            shown[int(job_id)] = int(seen)
    jobs = list(access.visible_jobs(request.user).filter(pk__in=shown).values(*LIST_FIELDS))
    changed = [job for job in jobs if version(job) != shown[job["id"]]]
    if not changed:
        return HttpResponse(status=204)  # nothing to swap: htmx leaves the page alone
    return render(request, "jobs/list.html#live", {"changed": changed, "jobs": jobs, "list_url": links()["history"]})


CSV_COLUMNS = [
    "job",
    "pe_job",
    "plan",
    "environment",
    "state",
    "requested_by",
    "description",
    "parameters",
    "sensitive_parameters",
    "submitted",
    "finished",
    "duration_seconds",
    "shown_as",
    "pe_schedule",
]


def _rows(jobs: Any) -> Iterator[list[Any]]:
    yield CSV_COLUMNS
    # ISO 8601 with the offset, in the site's zone (TIME_ZONE), whoever downloads it.
    site = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    for job in jobs.iterator(chunk_size=2000):
        seconds = whole_seconds(job.duration) if job.finished_at else None
        yield [
            job.pk,
            job.pe_job_id,
            job.plan_name,
            job.environment,
            job.state,
            job.requested_by_username,
            job.description,
            json.dumps(job.params, ensure_ascii=False),
            " ".join(job.sensitive_params),
            job.created_at.astimezone(site).isoformat(timespec="seconds"),
            job.finished_at.astimezone(site).isoformat(timespec="seconds") if job.finished_at else "",
            "" if seconds is None else seconds,
            job.state_text,
            job.pe_scheduled_job_id or "",  # the PE schedule that started it, if one of ours did
        ]


@never_cache  # a job's values are for this person only: no copy in any cache
@login_required
@require_GET
def job_export(request: SignedInRequest) -> StreamingHttpResponse:
    """The filtered history as CSV, in the page's order, streamed (sensitive values are never
    stored, so never here)."""
    form, jobs = _filtered(request)
    sort = form.order
    if sort.finished_only:
        jobs = jobs.filter(finished_at__isnull=False)
    if sort.key == selectors.RUN_TIME:
        jobs = jobs.annotate(**{sort.key: selectors.RunTime(connections[jobs.db].vendor)})
    order = paging.Order(sort.key, sort.descending)
    excel = request.GET.get("excel") == "1"
    return streaming_csv(_rows(jobs.order_by(*order.by())), "orchestrator_web-jobs.csv", excel=excel)


@never_cache
@login_required
@require_GET
def job_detail(request: SignedInRequest, job_id: int) -> HttpResponse:
    """The job, and for a watching page (htmx, `since` = the version it shows) only what changed.
    Approvers see the launches they are asked to approve, and decide them here."""
    job = access.get_job_to_review(request.user, job_id)
    problem = services.refresh(job).problem
    polling = bool(request.htmx) and not request.htmx.boosted
    seen = summary.Version.parse(request.GET.get("since", "")) if polling else None
    page = summary.page(job, problem, seen)
    if page is None:
        return HttpResponse(status=204)  # nothing changed: htmx swaps nothing, focus stays put
    ctx = {
        **vars(page),
        "poll_seconds": settings.JOB_POLL_SECONDS,
        # Without JavaScript the whole page reloads, which moves focus and scroll: less often.
        "reload_seconds": settings.JOB_POLL_SECONDS * 3,
        "panel": approval_panel(job, request.user),
    }
    if page.head:
        # Cheapest first: asking for "Can stop any job" reads permissions.
        ctx["can_stop"] = not job.is_terminal and bool(job.pe_job_id) and access.can_stop(request.user, job)
        ctx["can_run_again"] = access.can_run(request.user, job.plan_name, job.environment)
    return render(request, "jobs/detail.html#changes" if polling else "jobs/detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def job_stop(request: SignedInRequest, job_id: int) -> HttpResponse:
    job = access.get_job_for_user(request.user, job_id)
    if not access.can_stop(request.user, job):
        message = "Only the person who ran this job, or someone who may stop any job, can stop it."
        access.deny(request, message, f"job {job.pk}")
    if request.method == "GET":
        if job.is_terminal:
            messages.info(request, f"The job has already finished ({job.get_state_display().lower()}).")
            return redirect(job)
        return render(request, "jobs/stop.html", {"job": job})
    outcome, message = services.stop(job, request.user)
    record(Action.STOP, f"job {job.pk}", request=request, outcome=outcome, message=message, pe_job=job.pe_job_id)
    level = {
        services.StopOutcome.STOPPED: messages.SUCCESS,
        services.StopOutcome.FAILED: messages.ERROR,
        services.StopOutcome.UNKNOWN: messages.WARNING,
    }.get(outcome, messages.INFO)
    messages.add_message(request, level, message)
    return redirect(job)


@login_required
@require_GET
def job_run_again(request: SignedInRequest, job_id: int) -> HttpResponse:
    job = access.get_job_for_user(request.user, job_id)
    if not access.can_run(request.user, job.plan_name, job.environment):
        access.deny(request, f"You may not run {job.plan_name} in {job.environment}.", job.plan_name)
    query = urlencode({"environment": job.environment, "from_job": str(job.pk)})
    return redirect(f"{reverse('plans:launch', args=[job.plan_name])}?{query}")
