"""Shared test helpers: reading pages as HTML, building stand-in catalogues."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag


class Html:
    """A page, parsed: find fields, errors and text the way a person (or a browser) sees them."""

    def __init__(self, response_or_text: Any) -> None:
        text = response_or_text if isinstance(response_or_text, str) else response_or_text.content.decode()
        self.text = text
        self.soup = BeautifulSoup(text, "html.parser")

    def field(self, name: str) -> Tag:
        """The visible control called `name` (not a hidden companion input)."""
        found = [t for t in self.soup.find_all(attrs={"name": name}) if t.get("type") != "hidden"]
        assert found, f"no field {name!r} on the page"
        return found[0]

    def has_field(self, name: str) -> bool:
        return any(t.get("type") != "hidden" for t in self.soup.find_all(attrs={"name": name}))

    def value(self, name: str) -> str:
        """What the field shows: an input's value, a textarea's text, a select's chosen option."""
        tag = self.field(name)
        if tag.name == "textarea":
            return tag.get_text().removeprefix("\n")
        if tag.name == "select":
            chosen = tag.find("option", selected=True) or tag.find("option")
            return str(chosen.get("value", "")) if chosen else ""
        if tag.get("type") == "checkbox":
            return "checked" if tag.has_attr("checked") else ""
        return str(tag.get("value", ""))

    def options(self, name: str) -> list[tuple[str, str]]:
        return [(str(o.get("value", "")), o.get_text()) for o in self.field(name).find_all("option")]

    def hidden(self) -> dict[str, str]:
        return {str(t["name"]): str(t.get("value", "")) for t in self.soup.find_all("input", type="hidden")}

    def error(self, name: str, prefix: str = "id_") -> str:
        """A field's error text; `prefix` is its form's auto_id prefix."""
        tag = self.soup.find(id=f"{prefix}{name}_error")
        assert tag is not None, f"no error shown for {name}"
        return " ".join(tag.get_text(" ").split())

    def help(self, name: str) -> str:
        tag = self.soup.find(id=f"id_{name}_helptext")
        return " ".join(tag.get_text(" ").split()) if tag else ""

    def by_id(self, element_id: str) -> str:
        tag = self.soup.find(id=element_id)
        assert tag is not None, f"nothing with id {element_id!r}"
        return " ".join(tag.get_text(" ").split())

    def plain(self) -> str:
        """The page's visible text, whitespace folded."""
        return " ".join(self.soup.get_text(" ").split())

    def sealed(self) -> str:
        tag = self.soup.find("input", attrs={"name": "submission"})
        assert tag is not None, "no Run plan form on the page"
        return str(tag["value"])


def catalogue(plans: dict[str, dict[str, Any]], environment: str = "production", **extra: Any) -> dict[str, Any]:
    """A stand-in catalogue of `plans` (name → {"parameters": {...}}) in one environment."""
    return {"environments": {environment: {"plans": plans, **extra}}}


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- a chat webhook on loopback (notifications) ---------------------------------------------------


class WebhookReceiver:
    """A chat-webhook stand-in on a free loopback port: it keeps every POST it gets, answers
    with the statuses queued in `answers` (then 200), or, while `hang` is set, never answers.

    `url` is the address to give the app: apprise's generic JSON webhook (json://host:port/path).
    """

    def __init__(self) -> None:
        import http.server
        import threading

        self.requests: list[dict[str, Any]] = []
        self.answers: list[int] = []
        self.hang = False
        self.released = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace")
                with receiver.lock:
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    hang = receiver.hang
                    receiver.requests.append({"path": self.path, "raw": raw, "status": 0 if hang else status})
                if hang:
                    receiver.released.wait(30)
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    @property
    def accepted(self) -> list[dict[str, Any]]:
        """The messages it took (answered 2xx), as JSON: {"title", "message", ...}."""
        import json

        with self.lock:
            return [json.loads(r["raw"]) for r in self.requests if 200 <= r["status"] < 300]

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def run_queued_tasks(limit: int = 200) -> int:
    """Run every task that is due now, in this thread and this test's transaction, as the
    worker (django-tasks-db's db_worker) would; tasks they queue for now run too. How many ran.
    (db_worker's own loop closes the connection between tasks, which would end the test's
    transaction.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        due = DBTaskResult.objects.ready().first()
        if due is None:
            return ran
        due.claim("tests")
        worker.run_task(due)
        ran += 1
    raise AssertionError(f"more than {limit} tasks in a row: a task that queues itself for now?")


def database_url() -> str:
    """The URL of the database this test uses (the test database), for another process."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@" if db.get("USER") else ""
    return f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`python manage.py worker` in a process of its own, on this test's database (needs
    transactional_db: the rows it must see are committed). Stopped with SIGTERM, as systemd does."""

    def __init__(self, **environment: str) -> None:
        import os
        import sys
        from pathlib import Path

        self.root = Path(__file__).resolve().parent.parent
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "PYTHONPATH": str(self.root),
            **environment,
        }
        self.command = [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"]

    def __enter__(self) -> WorkerProcess:
        import subprocess
        import tempfile

        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.command, cwd=self.root, env=self.env, stdout=self.log, stderr=self.log)
        return self

    def output(self) -> str:
        """What it printed so far (all of it, once stopped)."""
        if self.log.closed:
            return self.printed
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def __exit__(self, *exc: object) -> None:
        import signal
        import subprocess

        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.printed = self.output()
        self.log.close()


def eventually(check: Any, seconds: float = 20.0, every: float = 0.1) -> Any:
    """Call `check` until it returns something true (returned) or `seconds` pass (fail)."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {seconds} s: {check}")
        time.sleep(every)
