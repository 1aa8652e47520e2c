from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.connection import rbac
from orchestrator_web.explain import explain
from orchestrator_web.pe.errors import PEError
from orchestrator_web.rbac.mirror import sync_rbac


class Command(BaseCommand):
    help = (
        "Make Django groups match the PE roles that may run plans: one group per role, its "
        "plans:run grants, and its members (users and user-group members, matched by login)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
        parser.add_argument("--create-users", action="store_true", help="create accounts for PE users missing here")

    def handle(self, *args: Any, dry_run: bool, create_users: bool, **options: Any) -> None:
        try:
            report = sync_rbac(rbac(), dry_run=dry_run, create_users=create_users)
        except PEError as exc:
            raise CommandError(f"nothing was changed: {explain(exc, 'PE RBAC service')}") from None
        for line in report.changes:
            self.stdout.write(line)
        for line in report.notes:
            self.stdout.write(f"note: {line}")
        summary = f"{len(report.changes)} change(s)" if report.changes else "no changes: Django matches PE"
        self.stdout.write(f"{summary}{' (dry run: nothing was saved)' if dry_run else ''}")
