from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.plans.aliases import AliasProblems, load


class Command(BaseCommand):
    help = (
        'Add or change Puppet type aliases from a JSON object {"Alias::Name": "<Puppet type>"} '
        "(see export_type_aliases). Aliases not in the file are left alone. A file with any mistake "
        "changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the JSON file, or - for standard input")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()  # noqa: SIM115
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            data = pt.read_json(text)
        except pt.JSONProblem as exc:
            raise CommandError(f"nothing was changed: {file} is not valid JSON. {exc}") from None
        if not isinstance(data, dict):
            raise CommandError('nothing was changed: the file must hold one JSON object, {"Alias::Name": "<type>"}')
        try:
            changes = load(data, dry_run=dry_run)
        except AliasProblems as exc:
            lines = [f"  {name}: {problem}" for name, problems in exc.problems.items() for problem in problems]
            raise CommandError("nothing was changed; the file has problems:\n" + "\n".join(lines)) from None
        for line in changes:
            self.stdout.write(line)
        summary = f"{len(changes)} change(s)" if changes else "no changes: the aliases already match the file"
        self.stdout.write(f"{summary}{' (dry run: nothing was saved)' if dry_run else ''}")
