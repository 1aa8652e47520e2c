from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from orchestrator_web.approvals import selectors, services
from orchestrator_web.approvals.forms import APPROVE, REJECT, DecisionForm
from orchestrator_web.http import SignedInRequest
from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac import access


@never_cache
@login_required
@require_GET
def queue(request: SignedInRequest) -> HttpResponse:
    """Launches waiting for me, and the ones I asked for."""
    waiting, decided = selectors.asked_by(request.user)
    ctx = {
        "section": "approvals",
        "for_me": selectors.waiting_for(request.user),
        "mine_waiting": waiting,
        "mine_decided": decided,
        "decided_by_me": selectors.decided_by(request.user),
        # The decision form's switches for each list (the rows are filtered already).
        "may_decide": {"may_decide": True},
        "may_withdraw": {"may_withdraw": True},
    }
    return render(request, "approvals/queue.html", ctx)


def _job_with_approval(request: SignedInRequest, job_id: int) -> Job:
    job = access.get_job_to_review(request.user, job_id)
    if selectors.panel(job, request.user) is None:
        raise Http404("This job needed no approval.")
    return job


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def decide(request: SignedInRequest, job_id: int) -> HttpResponse:
    """Approve, reject or withdraw one waiting launch (the job page and the queue post here)."""
    job = _job_with_approval(request, job_id)
    form = DecisionForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        ctx = {"job": job, "panel": selectors.panel(job, request.user), "form": form, "section": "approvals"}
        return render(request, "approvals/decide.html", ctx)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"].strip()
    try:
        if decision == APPROVE:
            outcome = services.approve(job, request.user, comment, request)
        elif decision == REJECT:
            outcome = services.reject(job, request.user, comment, request)
        else:
            outcome = services.withdraw(job, request.user, request)
    except services.NotAllowed as exc:
        access.deny(request, exc.message, f"job {job.pk}")
    messages.add_message(request, messages.SUCCESS if outcome.done else messages.WARNING, outcome.message)
    if request.POST.get("next") == "queue":
        return redirect(reverse("approvals:queue"))
    return redirect(job)
