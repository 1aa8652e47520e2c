"""Serving the app as in production (gunicorn, DEBUG off) for load tests and benchmarks, and
driving it as a browser would (sessions, CSRF, forms) with requests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_password(password: str) -> str:
    """A hash the production settings accept (the test settings only know MD5)."""
    return PBKDF2PasswordHasher().encode(password, "loadtestsalt", iterations=1000)


def database_url() -> str:
    """The URL of the database this test process uses, for gunicorn to share it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@contextmanager
def gunicorn(
    orchestrator_url: str, *, workers: int | None = 2, threads: int | None = 4, **variables: str
) -> Iterator[str]:
    """gunicorn with the production settings (DEBUG off, manifest static files) on loopback.
    `workers` or `threads` None leaves them to gunicorn.conf.py, as in production."""
    port = free_port()
    with tempfile.TemporaryDirectory() as static_root:
        environ = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ORCHESTRATOR_"))},
            "DEBUG": "false",
            "SECRET_KEY": "load-test-secret-key-" + "x" * 40,
            "TOKEN_ENCRYPTION_KEY": "load-test-token-key-" + "y" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "DATABASE_URL": database_url(),
            "ORCHESTRATOR_URL": orchestrator_url,
            "RBAC_URL": orchestrator_url,
            "ORCHESTRATOR_TOKEN": "demo-service-token",
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "WARNING",
            **variables,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environ, check=True
        )
        log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        command = [sys.executable, "-m", "gunicorn", "orchestrator_web.wsgi", "-c", "gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(workers)] if workers else []
        command += ["--threads", str(threads)] if threads else []
        command += ["--access-logfile", "/dev/null"]
        process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass  # not up yet
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start:\n" + Path(log.name).read_text()[-3000:])
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
            os.unlink(log.name)


class Browser:
    """One person's session against a served app: cookies, CSRF, forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def _csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}

    def log_in(self, username: str, password: str) -> None:
        self.session.get(self.base + "/accounts/login/", timeout=30)
        response = self.session.post(
            self.base + "/accounts/login/",
            data={**self._csrf(), "username": username, "password": password},
            timeout=30,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"log in as {username} failed: HTTP {response.status_code}")

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.session.post(self.base + path, data={**self._csrf(), **data}, timeout=30, **kwargs)


def sealed_submission(page: str) -> str | None:
    match = re.search(r'name="submission" value="([^"]+)"', page)
    return match.group(1) if match else None
