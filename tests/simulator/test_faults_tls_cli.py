"""Fault injection, HTTPS and running the stand-in alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import trustme

from orchestrator_web.simulator import Simulator, StandIn

from .conftest import Raw

ROOT = Path(__file__).resolve().parents[2]


def test_a_delay_fault_answers_late(raw: Raw, stand_in: StandIn) -> None:
    stand_in.inject("delay", path="/plans$", seconds=0.3)
    started = time.monotonic()
    assert raw.get("/plans").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_an_error_fault_answers_500_without_doing_the_work(raw: Raw, stand_in: StandIn) -> None:
    stand_in.inject("error", path="plan_run", status=503)
    response = raw.post("/command/plan_run", {"plan_name": "tools::noop"})
    assert response.status_code == 503
    assert stand_in.sim.jobs == {}


def test_garbage_after_processing_keeps_the_started_job(raw: Raw, stand_in: StandIn) -> None:
    stand_in.inject("garbage", path="plan_run")
    response = raw.post("/command/plan_run", {"plan_name": "tools::noop"})
    assert response.status_code == 202
    assert response.headers["Content-Type"] == "text/html"
    assert list(stand_in.sim.jobs) == [1]


def test_a_drop_fault_closes_the_connection_after_starting_the_plan(raw: Raw, stand_in: StandIn) -> None:
    stand_in.inject("drop", path="plan_run")
    with pytest.raises(requests.ConnectionError):
        raw.post("/command/plan_run", {"plan_name": "tools::noop"})
    assert list(stand_in.sim.jobs) == [1]
    assert raw.get("/plan_jobs/1").status_code == 200  # it serves the next request as usual


def test_a_drop_fault_without_processing_starts_nothing(raw: Raw, stand_in: StandIn) -> None:
    stand_in.inject("drop", path="plan_run", process=False)
    with pytest.raises(requests.ConnectionError):
        raw.post("/command/plan_run", {"plan_name": "tools::noop"})
    assert stand_in.sim.jobs == {}


def test_a_fault_applies_the_given_number_of_times(raw: Raw, stand_in: StandIn) -> None:
    stand_in.inject("error", path="/plans$", times=2)
    statuses = [raw.get("/plans").status_code for _ in range(3)]
    assert statuses == [500, 500, 200]


def test_it_records_what_reached_it_without_tokens(raw: Raw, stand_in: StandIn) -> None:
    raw.session.get(raw.base + "/plans", params={"token": "alice-token", "environment": "production"}, timeout=5)
    (request,) = stand_in.sim.requests_to("/plans")
    assert request["login"] == "alice"
    assert request["query"] == {"environment": ["production"]}
    assert "alice-token" not in repr(stand_in.sim.received)


def test_it_survives_a_client_that_sends_half_a_body(stand_in: StandIn) -> None:
    import socket

    host, port = stand_in.httpd.server_address[:2]
    with socket.create_connection((host, port)) as sock:
        sock.sendall(b"POST /orchestrator/v1/command/plan_run HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    assert Raw(stand_in.url).get("/plans").status_code == 200


# -- HTTPS ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def test_it_serves_https_with_a_given_certificate(ca: trustme.CA, tmp_path: Path) -> None:
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    with StandIn(Simulator(), certfile=str(cert_file), keyfile=str(key_file)) as server:
        assert server.url.startswith("https://127.0.0.1:")
        response = requests.get(
            server.url + "/orchestrator/v1/plans",
            headers={"X-Authentication": "demo-service-token"},
            verify=str(ca_file),
            timeout=5,
        )
        assert response.status_code == 200
        assert response.json()["items"][0]["id"].startswith("https://")


# -- running alone ----------------------------------------------------------------------


def test_it_runs_alone_from_the_command_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestrator_web.simulator", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Stand-in orchestrator on http://127.0.0.1:")
        base = line.split(" on ", 1)[1].strip()
        response = requests.get(base + "/plans", headers={"X-Authentication": "alice-token"}, timeout=5)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_the_command_line_refuses_a_catalogue_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "plans.json"
    bad.write_text("{nope")
    result = subprocess.run(
        [sys.executable, "-m", "orchestrator_web.simulator", "--port", "0", "--catalogue", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 2
    assert "is not valid JSON" in result.stderr
