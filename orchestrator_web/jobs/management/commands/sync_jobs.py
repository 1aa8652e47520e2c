from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.jobs.services import sync
from orchestrator_web.pe.errors import NotConfigured


class Command(BaseCommand):
    help = (
        "Refresh every unfinished job from PE and reconcile jobs whose outcome is unknown. "
        "Run it every minute from cron or a systemd timer; two runs at once are safe."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = sync()
        except NotConfigured as exc:
            raise CommandError(f"the orchestrator is not configured: {exc.message}") from None
        self.stdout.write(
            f"refreshed {report.refreshed}, found in PE {report.found}, not submitted {report.not_submitted}"
        )
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s); see above")
