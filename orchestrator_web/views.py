from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from orchestrator_web.connection import orchestrator
from orchestrator_web.explain import explain
from orchestrator_web.pe.errors import PEError

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers; no login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A first page behind the login: is the orchestrator answering, and with what plans."""
    environment = settings.ORCHESTRATOR_ENVIRONMENTS[0]
    try:
        plans = orchestrator().list_plans(environment)
    except PEError as exc:
        return render(request, "home.html", {"environment": environment, "error": explain(exc)})
    return render(request, "home.html", {"environment": environment, "plans": plans.items})
