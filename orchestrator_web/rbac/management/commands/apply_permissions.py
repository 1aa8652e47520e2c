from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.rbac.permissions_file import PermissionsFileError, apply, check_approvers, check_with_pe, parse

UNKNOWN_HINT = (
    'To keep such a grant anyway (a plan about to be deployed, or PE not answering), add "unknown_to_pe": true to it.'
)


class Command(BaseCommand):
    help = (
        "Make the groups listed in a permissions file (see export_permissions) match it. "
        "A file with any mistake, or a grant of a plan or environment PE does not know, changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the JSON permissions file, or - for standard input")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            entries = parse(text)
        except PermissionsFileError as exc:
            raise CommandError("nothing was changed; the file has problems:\n" + "\n".join(exc.problems)) from None
        missing = check_approvers(entries)
        if missing:
            raise CommandError("nothing was changed; the file has problems:\n" + "\n".join(missing))
        doubts = check_with_pe(entries)
        if doubts:
            raise CommandError(
                "nothing was changed; PE does not know what some grants name, or could not be asked:\n"
                + "\n".join(doubts)
                + f"\n{UNKNOWN_HINT}"
            )
        changes = apply(entries, dry_run=dry_run)
        for line in changes:
            self.stdout.write(line)
        summary = f"{len(changes)} change(s)" if changes else "no changes: the groups already match the file"
        self.stdout.write(f"{summary}{' (dry run: nothing was saved)' if dry_run else ''}")
