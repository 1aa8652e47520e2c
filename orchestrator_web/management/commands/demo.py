from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from orchestrator_web.management.commands.seed_demo import DEMO_USERS
from orchestrator_web.simulator import Simulator, StandIn


class Command(BaseCommand):
    help = (
        "Run the demo: migrate, seed users, start the stand-in orchestrator and one background worker, "
        "and serve on 127.0.0.1."
    )

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
            "bob's db::failover in production waits for alice's approval (see /approvals/).",
            "One worker runs beside the server (manage.py worker): sync_jobs, approval expiry and",
            "notifications; e-mails are printed here. Stop with Ctrl-C.",
            "",
        ]
        self.stdout.write("\n".join(lines))
        # As in production: a worker process beside the web server, with the same settings.
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "worker", "--no-reload", "--verbosity", "0"]
        )
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()
            stand_in.stop()
