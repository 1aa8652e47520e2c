from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.simulator.cli import main


class Command(BaseCommand):
    help = "Run the stand-in PE orchestrator; the same options as `python -m orchestrator_web.simulator --help`."

    def run_from_argv(self, argv: list[str]) -> None:
        # The stand-in owns its command line (it also runs without Django).
        raise SystemExit(main(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:
        code = main(list(args))
        if code:
            raise CommandError(f"the stand-in orchestrator exited with status {code}")
