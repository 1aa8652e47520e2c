from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.connection import orchestrator
from orchestrator_web.jobs.services import sync
from orchestrator_web.pe.errors import NotConfigured
from orchestrator_web.schedules.services import import_runs


class Command(BaseCommand):
    help = (
        "Refresh every unfinished job from PE, reconcile jobs whose outcome is unknown, and bring the runs "
        "of schedules made here into the history. "
        "Run it every minute from cron or a systemd timer; two runs at once are safe."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = sync()
            runs = import_runs(orchestrator())
        except NotConfigured as exc:
            raise CommandError(f"the orchestrator is not configured: {exc.message}") from None
        self.stdout.write(
            f"refreshed {report.refreshed}, found in PE {report.found}, not submitted {report.not_submitted}, "
            f"scheduled runs imported {runs.imported}"
        )
        report.problems.extend(runs.problems)
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s); see above")
