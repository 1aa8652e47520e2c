"""The worker's periodic tasks: each queues its next run, once, whatever restarts or fails."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from orchestrator_web.worker import chains
from orchestrator_web.worker.models import Chain
from orchestrator_web.worker.tasks import SyncProblems, sync_jobs
from tests.helpers import run_queued_tasks

PERIODIC = {"sync_jobs", "expire_approvals", "sweep_deliveries"}


def queued(name: str) -> list[DBTaskResult]:
    path = f"orchestrator_web.worker.tasks.{name}"
    return list(DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY))


@pytest.fixture(autouse=True)
def _pe(orchestrator_settings: Any) -> None:
    """sync_jobs asks a (fresh, idle) stand-in."""


def test_starting_the_worker_queues_each_periodic_task_once(db: None) -> None:
    assert set(chains.ensure()) == PERIODIC
    assert chains.ensure() == []  # a restart, or a second worker, adds nothing
    for name in PERIODIC:
        assert len(queued(name)) == 1


def test_two_workers_starting_at_once_start_one_chain_each(transactional_db: None) -> None:
    start = threading.Barrier(2)
    started: list[list[str]] = []

    def worker() -> None:
        start.wait()
        try:
            started.append(chains.ensure())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(name for names in started for name in names) == sorted(PERIODIC)
    for name in PERIODIC:
        assert len(queued(name)) == 1


def test_a_run_queues_the_next_one_a_period_later(db: None, settings: Any) -> None:
    settings.SYNC_JOBS_SECONDS = 60
    chains.ensure()
    before = timezone.now()
    run_queued_tasks()
    [following] = queued("sync_jobs")
    assert before + timedelta(seconds=59) < following.run_after < timezone.now() + timedelta(seconds=61)
    assert Chain.objects.get(name="sync_jobs").link == str(following.id)
    assert DBTaskResult.objects.successful().filter(task_path__endswith="sync_jobs").count() == 1


def test_a_run_that_is_not_the_chains_current_one_queues_nothing(db: None) -> None:
    chains.ensure()
    sync_jobs.enqueue()  # a stray run: queued by hand, or left by a worker that was thought dead
    run_queued_tasks()
    assert len(queued("sync_jobs")) == 1


def test_a_failing_run_fails_visibly_and_the_next_waits_longer(
    db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestrator_web.jobs.services import SyncReport
    from orchestrator_web.worker import tasks

    settings.SYNC_JOBS_SECONDS = 60
    monkeypatch.setattr(tasks, "sync", lambda: SyncReport(problems=["could not list PE plan jobs: PE is down"]))
    chains.ensure()
    run_queued_tasks()
    failed = DBTaskResult.objects.failed().get(task_path__endswith="sync_jobs")
    assert failed.exception_class_path == f"{SyncProblems.__module__}.SyncProblems"
    assert "PE is down" in failed.traceback
    chain = Chain.objects.get(name="sync_jobs")
    assert chain.failures == 1 and "PE is down" in chain.last_error
    [following] = queued("sync_jobs")
    assert following.run_after > timezone.now() + timedelta(seconds=119)  # twice the period


def test_a_success_after_failures_goes_back_to_the_period(db: None, settings: Any) -> None:
    settings.SYNC_JOBS_SECONDS = 60
    chains.ensure()
    Chain.objects.filter(name="sync_jobs").update(failures=3)
    run_queued_tasks()
    assert Chain.objects.get(name="sync_jobs").failures == 0
    [following] = queued("sync_jobs")
    assert following.run_after < timezone.now() + timedelta(seconds=61)


def test_a_run_left_running_by_a_dead_worker_is_replaced(db: None) -> None:
    chains.ensure()
    link = Chain.objects.get(name="sync_jobs").link
    DBTaskResult.objects.filter(id=link).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    assert chains.ensure() == ["sync_jobs"]
    assert Chain.objects.get(name="sync_jobs").link != link


def test_a_run_still_running_is_left_alone(db: None) -> None:
    chains.ensure()
    link = Chain.objects.get(name="sync_jobs").link
    DBTaskResult.objects.filter(id=link).update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert chains.ensure() == []
