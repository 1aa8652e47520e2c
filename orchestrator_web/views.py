from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, close_old_connections, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from orchestrator_web.http import SignedInRequest
from orchestrator_web.rbac import access

log = logging.getLogger(__name__)

HEALTH_DEADLINE = 2.0  # seconds /healthz waits for the database before answering 503

_probe_lock = threading.Lock()
_probe: Future[bool] | None = None
# One thread asks the database, keeping its connection between checks like a request thread.
_prober = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")


def _check_database() -> bool:
    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except DatabaseError:
        log.exception("health check: database unavailable")
        connection.close()
        return False


def _database_answers(deadline: float) -> bool:
    """Ask the database in a thread of its own and wait at most `deadline` seconds: a
    database that accepts connections and never answers must not hold the health check (or
    pile up threads: every caller waits on the one check under way)."""
    global _probe
    with _probe_lock:
        if _probe is None or _probe.done():
            _probe = _prober.submit(lambda: _check_database())
        probe = _probe
    try:
        return probe.result(timeout=deadline)
    except TimeoutError:
        log.error("health check: the database did not answer within %s s", deadline)
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers; no login, never waits on PE."""
    if not _database_answers(HEALTH_DEADLINE):
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    """Where each person lands: the plans for those who may run some, else the history (an
    auditor who runs nothing has no plans to see, and every job to review)."""
    may_run = request.user.is_superuser or bool(access.grants_of(request.user))
    return redirect("plans:list" if may_run else "jobs:list")
