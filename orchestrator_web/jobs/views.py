from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orchestrator_web.rbac import access


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = access.visible_jobs(request.user).select_related("requested_by")[:50]
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access.get_job_for_user(request.user, job_id)
    return render(request, "jobs/detail.html", {"job": job})
