from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from orchestrator_web.worker import chains


class Command(DatabaseWorker):
    help = (
        "Run the background worker: start the periodic tasks (sync_jobs, approval expiry, the "
        "delivery sweep) unless they are already running, then run queued tasks until stopped. "
        "Takes db_worker's options; run one or more per host (several need PostgreSQL)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in chains.ensure():
            self.stdout.write(f"started the periodic task {name}")
        super().handle(*args, **options)
