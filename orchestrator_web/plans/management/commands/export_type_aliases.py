from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.plans.aliases import export


class Command(BaseCommand):
    help = "Write the administrators' Puppet type aliases as JSON (what load_type_aliases reads)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("-o", "--output", help="write to this file instead of standard output")

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        text = json.dumps(export(), indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc}") from None
