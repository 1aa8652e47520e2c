from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orchestrator_web.jobs.services import sync
from orchestrator_web.management.commands.seed_demo import DEMO_USERS
from orchestrator_web.simulator import Simulator, StandIn


class Command(BaseCommand):
    help = "Run the demo: migrate, seed users, start the stand-in orchestrator and serve on 127.0.0.1."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        url = urlsplit(settings.ORCHESTRATOR_URL)
        if url.scheme != "http" or url.hostname != "127.0.0.1" or not url.port:
            raise CommandError("the demo needs ORCHESTRATOR_URL=http://127.0.0.1:<port> (make demo sets it)")
        call_command("migrate", verbosity=0, interactive=False)
        if not settings.DEBUG:  # whitenoise serves the collected files, as in production
            call_command("collectstatic", verbosity=0, interactive=False)
        call_command("seed_demo")
        try:
            stand_in = StandIn(Simulator(), host="127.0.0.1", port=url.port).start()
        except OSError as exc:
            raise CommandError(f"cannot start the stand-in orchestrator on port {url.port}: {exc}") from None
        lines = [
            "",
            f"orchestrator_web demo: http://127.0.0.1:{port}/",
            f"stand-in orchestrator:  {stand_in.url}/orchestrator/v1",
            "logins (user / password):",
            *[f"  {login:<7} / {user.password:<12} {user.role}" for login, user in DEMO_USERS.items()],
            "PE logins at the stand-in, for a personal token: alice / alice-password, bob / bob-password",
            "sync_jobs runs every 5 seconds in the background. Stop with Ctrl-C.",
            "",
        ]
        self.stdout.write("\n".join(lines))
        # What cron does in production: keep jobs nobody is watching up to date.
        threading.Thread(target=_sync_forever, name="demo-sync-jobs", daemon=True).start()
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            stand_in.stop()


def _sync_forever(every: float = 5.0) -> None:
    while True:
        time.sleep(every)
        try:
            sync()
        except Exception:
            logging.getLogger(__name__).exception("demo: sync_jobs failed")
        finally:
            connection.close()
