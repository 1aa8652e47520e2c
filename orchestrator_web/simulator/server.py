"""The stand-in orchestrator's HTTP(S) front: routing, auth, body limits, fault injection.

Serves `/orchestrator/v1/...` like pe-orchestration-services on port 8143 (section 8.1).
"""

from __future__ import annotations

import json
import logging
import random
import re
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .state import PEFailure, Simulator, validation_error

log = logging.getLogger("orchestrator_web.simulator")

PREFIX = "/orchestrator/v1"
RBAC_PREFIX = "/rbac-api"
MAX_BODY = 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Fault:
    """A misbehaviour to inject into matching requests.

    kind: "delay" (answer `seconds` late), "error" (answer `status` without doing the work),
    "garbage" (answer with a body that is not JSON), "drop" (close the connection without
    answering). With `process` the request is carried out first, as when PE started a plan
    and the answer was lost on the way back.
    """

    kind: str
    path: str = ""  # regular expression searched in the request path; "" matches all
    method: str | None = None
    times: int | None = 1  # None: every matching request
    seconds: float = 0.0
    status: int = 500
    process: bool = True
    probability: float = 1.0
    body: Any = None  # for "error": the JSON body to answer with instead of a generic one

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and re.search(self.path, path) is not None


class FaultInjector:
    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._random = random.Random()

    def add(self, fault: Fault) -> Fault:
        if fault.kind not in ("delay", "error", "garbage", "drop"):
            raise ValueError(f"unknown fault kind {fault.kind!r}")
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path) and self._random.random() < fault.probability:
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None


Route = tuple[str, str, Callable[..., Any], int, bool]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pe-orchestration-services-standin"
    timeout = 30  # an idle or stalled connection frees its thread after this
    # Headers and body go out in two writes; without this, Nagle's algorithm holds the body
    # back until the client's delayed ACK (40 ms on Linux).
    disable_nagle_algorithm = True
    server: SimulatorHTTPServer

    # -- routing ----------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _routes(self) -> list[Route]:
        sim = self.server.sim
        o, r = PREFIX, RBAC_PREFIX
        # (method, full path, handler(user, query, body, **path parts), success status, needs a token)
        return [
            ("GET", o + r"/plans", lambda u, q, b: sim.list_plans(u, self._base(), q.get("environment")), 200, True),
            (
                "GET",
                o + r"/plans/(?P<module>[^/]+)/(?P<plan>[^/]+)",
                lambda u, q, b, module, plan: sim.get_plan(u, self._base(), module, plan, q.get("environment")),
                200,
                True,
            ),
            ("POST", o + r"/command/plan_run", lambda u, q, b: sim.plan_run(u, b), 202, True),
            ("POST", o + r"/command/stop_plan", lambda u, q, b: sim.stop_plan(u, b), 202, True),
            ("GET", o + r"/plan_jobs", lambda u, q, b: sim.list_plan_jobs(self._base(), q), 200, True),
            (
                "GET",
                o + r"/plan_jobs/(?P<job>[^/]+)",
                lambda u, q, b, job: sim.get_plan_job(self._base(), job),
                200,
                True,
            ),
            (
                "GET",
                o + r"/plan_jobs/(?P<job>[^/]+)/events",
                lambda u, q, b, job: sim.get_events(self._base(), job, q.get("start")),
                200,
                True,
            ),
            (
                "GET",
                o + r"/plan_jobs/(?P<job>[^/]+)/event/(?P<event>[^/]+)",
                lambda u, q, b, job, event: sim.get_event(job, event),
                200,
                True,
            ),
            (
                "POST",
                o + r"/scheduled_jobs/environment_jobs",
                lambda u, q, b: sim.create_scheduled_job(u, self._base(), b),
                200,
                True,
            ),
            (
                "GET",
                o + r"/scheduled_jobs/environment_jobs",
                lambda u, q, b: sim.list_scheduled_jobs(self._base(), q),
                200,
                True,
            ),
            (
                "GET",
                o + r"/scheduled_jobs/environment_jobs/(?P<job>[^/]+)",
                lambda u, q, b, job: sim.get_scheduled_job(self._base(), job),
                200,
                True,
            ),
            (
                "PUT",
                o + r"/scheduled_jobs/environment_jobs/(?P<job>[^/]+)",
                lambda u, q, b, job: sim.change_scheduled_job(u, self._base(), job, b),
                200,
                True,
            ),
            ("GET", r + r"/v1/roles", lambda u, q, b: sim.rbac_roles(u), 200, True),
            ("GET", r + r"/v1/users", lambda u, q, b: sim.rbac_users(u), 200, True),
            ("GET", r + r"/v1/users/current", lambda u, q, b: sim.rbac_subject(u), 200, True),
            ("GET", r + r"/v1/groups", lambda u, q, b: sim.rbac_groups(u), 200, True),
            ("POST", r + r"/v1/auth/token", lambda u, q, b: sim.rbac_auth_token(b), 200, False),
        ]

    def _base(self) -> str:
        scheme = "https" if self.server.tls else "http"
        host = self.headers.get("Host") or f"{self.server.server_address[0]!s}:{self.server.server_address[1]}"
        return f"{scheme}://{host}{PREFIX}"

    def _dispatch(self, method: str) -> None:
        try:
            self._handle(method)
        except (BrokenPipeError, ConnectionResetError, TimeoutError, ssl.SSLError):
            self.close_connection = True
        except Exception:  # never let one request take the stand-in down
            log.exception("stand-in orchestrator failed on %s %s", method, urlsplit(self.path).path)
            self._send(500, {"kind": "puppetlabs.orchestrator/unknown-error", "msg": "Internal error", "details": {}})

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path
        raw_query = parse_qs(url.query, keep_blank_values=True)
        query = {key: values[-1] for key, values in raw_query.items() if key != "token"}

        try:
            body = self._read_body(method)
        except PEFailure as failure:
            self.close_connection = True
            self._send(failure.status, failure.body)
            return

        fault = self.server.faults.take(method, path)
        if fault is not None and fault.kind == "delay" and not fault.process:
            time.sleep(fault.seconds)  # late before doing the work, then answer normally
            fault = None
        if fault is not None and (fault.kind == "error" or not fault.process):
            self._misbehave(fault, None)
            return

        sim = self.server.sim
        login: str | None = None
        try:
            handler, groups, success, needs_token = self._route(method, path)
            user = None
            if needs_token:
                user = sim.authenticate(self.headers.get("X-Authentication") or query_token(raw_query))
                login = user.login
            if method in ("POST", "PUT") and body is _NO_BODY:
                raise validation_error("A JSON request body is required", field="body")
            if path.startswith(PREFIX + "/"):
                sim.fire_due()  # the scheduler's runs that came due meanwhile, dated when they were
            status, answer = success, handler(user, query, body, **groups)
        except PEFailure as failure:
            status, answer = failure.status, failure.body
        finally:
            sim.record(method, path, {k: v for k, v in raw_query.items() if k != "token"}, _redacted(body), login)

        if fault:
            self._misbehave(fault, (status, answer))
            return
        self._send(status, answer)

    def _route(self, method: str, path: str) -> tuple[Callable[..., Any], dict[str, str], int, bool]:
        namespace = "puppetlabs.rbac" if path.startswith(RBAC_PREFIX + "/") else "puppetlabs.orchestrator"
        allowed = False
        for route_method, pattern, handler, success, needs_token in self._routes():
            match = re.fullmatch(pattern, path)
            if match is None:
                continue
            if route_method != method:
                allowed = True
                continue
            return handler, match.groupdict(), success, needs_token
        if allowed:
            raise PEFailure(405, f"{namespace}/method-not-allowed", f"{method} is not allowed on {path}", {})
        raise PEFailure(404, f"{namespace}/not-found", f"No route for {path}", {})

    def _read_body(self, method: str) -> Any:
        if method not in ("POST", "PUT"):
            return None
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise validation_error("Chunked request bodies are not supported; send Content-Length", field="body")
        length_header = self.headers.get("Content-Length", "0")
        if not length_header.isdigit():
            raise validation_error("Invalid Content-Length", field="body")
        length = int(length_header)
        if length > MAX_BODY:
            raise validation_error(f"The request body is larger than {MAX_BODY} bytes", field="body")
        if length == 0:
            return _NO_BODY
        raw = self.rfile.read(length)
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise validation_error("The request body is not valid JSON", field="body") from None

    # -- answering --------------------------------------------------------------------

    def _misbehave(self, fault: Fault, answer: tuple[int, Any] | None) -> None:
        if fault.kind == "drop":
            self.close_connection = True
            return
        if fault.kind == "error":
            generic = {"kind": "puppetlabs.orchestrator/unknown-error", "msg": "Simulated server error", "details": {}}
            self._send(fault.status, generic if fault.body is None else fault.body)
            return
        if fault.kind == "garbage":
            status = answer[0] if answer else 200
            self._send_raw(status, b"<html><body>Bad gateway</body></html>", "text/html")
            return
        assert answer is not None  # a delay without processing was handled before the work
        time.sleep(fault.seconds)
        self._send(*answer)

    def _send(self, status: int, body: Any) -> None:
        self._send_raw(status, json.dumps(body).encode(), JSON_TYPE)

    def _send_raw(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        # The request line may carry ?token=...; log the path only.
        if self.server.quiet:
            return
        log.info("%s %s", self.command, urlsplit(self.path).path if hasattr(self, "command") else "-")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.server.quiet:
            log.info("%s %s -> %s", self.command, urlsplit(self.path).path, code)


_NO_BODY: Any = object()


def _redacted(body: Any) -> Any:
    """What the stand-in remembers of a body: never a password."""
    if isinstance(body, dict) and "password" in body:
        return {**body, "password": "********"}
    return None if body is _NO_BODY else body


def query_token(query: dict[str, list[str]]) -> str | None:
    """Section 1.2: the RBAC middleware also takes the token as a `token` parameter."""
    values = query.get("token")
    return values[-1] if values else None


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        sim: Simulator,
        *,
        certfile: str | None = None,
        keyfile: str | None = None,
        quiet: bool = True,
        faults: FaultInjector | None = None,
    ) -> None:
        super().__init__(address, Handler)
        self.sim = sim
        self.faults = faults or FaultInjector()
        self.quiet = quiet
        self.tls = certfile is not None
        if certfile is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            # Handshake in the request thread, so a silent client cannot block accept().
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class StandIn:
    """A stand-in orchestrator running in a background thread (for tests and `make demo`)."""

    def __init__(
        self,
        sim: Simulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        certfile: str | None = None,
        keyfile: str | None = None,
        quiet: bool = True,
    ) -> None:
        self.sim = sim or Simulator()
        self._tls = (certfile, keyfile)
        self.httpd = SimulatorHTTPServer((host, port), self.sim, certfile=certfile, keyfile=keyfile, quiet=quiet)
        self._thread: threading.Thread | None = None
        self._serving = threading.Lock()

    @property
    def faults(self) -> FaultInjector:
        return self.httpd.faults

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        scheme = "https" if self.httpd.tls else "http"
        return f"{scheme}://{host!s}:{port}"

    def inject(self, kind: str, **options: Any) -> Fault:
        return self.faults.add(Fault(kind, **options))

    def start(self) -> StandIn:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="stand-in-orchestrator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def refuse_for(self, seconds: float) -> None:
        """Stop listening for a while, so connections are refused, then serve again on the
        same port with the same state and faults (a restarting or unreachable PE)."""
        with self._serving:
            address = (str(self.httpd.server_address[0]), int(self.httpd.server_address[1]))
            self.stop()
            time.sleep(seconds)
            certfile, keyfile = self._tls
            self.httpd = SimulatorHTTPServer(
                address, self.sim, certfile=certfile, keyfile=keyfile, quiet=self.httpd.quiet, faults=self.httpd.faults
            )
            self.start()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
