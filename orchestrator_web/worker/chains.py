"""Periodic work on Django's tasks framework: each periodic task queues its own next run.

`ensure()` (run by `manage.py worker` as it starts) queues a first run of every periodic task
that has no live run; a run queues the next one only while it is its chain's current link
(worker.models.Chain, read under a row lock). So restarts and several workers starting at once
never multiply a chain, and a run left behind by a killed worker starts a new chain instead of
stopping it. A run that fails still queues the next, later each time it fails again (up to
MAX_BACKOFF times its period), and then fails itself: the task results list in the admin
shows it with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.tasks import Task, TaskContext, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from orchestrator_web.worker.models import Chain

log = logging.getLogger(__name__)

# A run still "running" after this long belongs to a worker that died: a new chain is started.
STALE_AFTER = timedelta(minutes=30)
MAX_BACKOFF = 16  # a failing task waits at most this many periods between runs


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Task
    every: Callable[[], int]  # seconds between runs (read from settings each time)


_PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, every: Callable[[], int]) -> Callable[[Task], Task]:
    """Register a task (made with `@task(takes_context=True)`) as periodic."""

    def register(task: Task) -> Task:
        _PERIODIC[name] = Periodic(name, task, every)
        return task

    return register


def registered() -> list[Periodic]:
    return list(_PERIODIC.values())


def _alive(link: str) -> bool:
    if not link:
        return False
    row = DBTaskResult.objects.filter(id=link).values("status", "started_at").first()
    if row is None:
        return False
    if row["status"] == TaskResultStatus.READY:
        return True
    started = row["started_at"]
    return row["status"] == TaskResultStatus.RUNNING and started is not None and timezone.now() - started < STALE_AFTER


def ensure() -> list[str]:
    """Queue a first run of every periodic task without a live one; the names started."""
    started = []
    for job in registered():
        Chain.objects.get_or_create(name=job.name)
        with transaction.atomic():
            chain = Chain.objects.select_for_update().get(name=job.name)
            if _alive(chain.link):
                continue
            chain.link = str(job.task.enqueue().id)
            chain.save(update_fields=["link"])
            started.append(job.name)
    for name in started:
        log.info("periodic task %s started", name)
    return started


def run(name: str, context: TaskContext, work: Callable[[], object]) -> None:
    """One run of the periodic task `name`: do `work`, then queue the next run if this run is
    the chain's current link. A failure of `work` is raised after the next run is queued."""
    failure: Exception | None = None
    try:
        work()
    except Exception as exc:  # any failure: the chain goes on, later, and this run shows it
        failure = exc
    _queue_next(name, str(context.task_result.id), failure)
    if failure is not None:
        raise failure


def _queue_next(name: str, this_run: str, failure: Exception | None) -> None:
    job = _PERIODIC[name]
    with transaction.atomic():
        chain = Chain.objects.select_for_update().filter(name=name).first()
        if chain is None or chain.link != this_run:
            log.warning("periodic task %s: run %s is not the chain's current one; not queueing another", name, this_run)
            return
        chain.failures = chain.failures + 1 if failure else 0
        chain.last_run_at = timezone.now()
        chain.last_error = f"{failure.__class__.__name__}: {failure}"[:2000] if failure else ""
        wait = job.every() * min(2**chain.failures, MAX_BACKOFF)
        queued = job.task.using(run_after=timezone.now() + timedelta(seconds=wait)).enqueue()
        chain.link = str(queued.id)
        chain.save()
