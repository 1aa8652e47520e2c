"""The periodic tasks the worker runs (see chains.py): each is a task that queues its next run."""

from __future__ import annotations

from django.conf import settings
from django.tasks import TaskContext, task

from orchestrator_web.approvals.services import expire_due
from orchestrator_web.connection import orchestrator
from orchestrator_web.jobs.services import sync
from orchestrator_web.notifications.services import sweep
from orchestrator_web.schedules.services import import_runs
from orchestrator_web.worker.chains import periodic, run


class SyncProblems(Exception):
    """sync_jobs ran but could not do all of it (PE not answering, a job that could not be stored)."""


def _sync_jobs() -> None:
    report = sync()
    problems = [*report.problems, *import_runs(orchestrator()).problems]
    if problems:
        raise SyncProblems("; ".join(problems)[:2000])


@periodic("sync_jobs", every=lambda: settings.SYNC_JOBS_SECONDS)
@task(takes_context=True)
def sync_jobs(context: TaskContext) -> None:
    """Refresh unfinished jobs from PE, reconcile unknown ones and import the runs of schedules
    made here (as `manage.py sync_jobs`)."""
    run("sync_jobs", context, _sync_jobs)


@periodic("expire_approvals", every=lambda: 60)
@task(takes_context=True)
def expire_approvals(context: TaskContext) -> None:
    """End the launches that waited for approval longer than APPROVAL_MAX_AGE."""
    run("expire_approvals", context, expire_due)


@periodic("sweep_deliveries", every=lambda: 60)
@task(takes_context=True)
def sweep_deliveries(context: TaskContext) -> None:
    """Queue again the notifications whose delivery task was lost (a worker killed mid-send)."""
    run("sweep_deliveries", context, sweep)
