from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from orchestrator_web.rbac.permissions_file import export


class Command(BaseCommand):
    help = "Write every group, its team flag and its plan grants as JSON (for apply_permissions)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        text = json.dumps(export(), indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
