"""How the client behaves when the network or PE misbehaves: faults, timeouts, TLS, tokens."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from orchestrator_web.pe import errors
from orchestrator_web.pe.client import FileToken, OrchestratorClient
from orchestrator_web.simulator import Simulator, StandIn

from .test_client import client

# -- nothing reached PE ---------------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_is_unreachable(closed_port: int) -> None:
    pe = OrchestratorClient(f"http://127.0.0.1:{closed_port}", "t", retry_backoff=0.01)
    with pytest.raises(errors.Unreachable, match="refused"):
        pe.run_plan("tools::noop", {})


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose listen queue is full: new connections are never completed."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    server.close()


def test_a_connect_timeout_is_unreachable(full_backlog: int) -> None:
    pe = OrchestratorClient(f"http://127.0.0.1:{full_backlog}", "t", connect_timeout=0.3, timeout=0.3)
    with pytest.raises(errors.Unreachable, match="timed out"):
        pe.run_plan("tools::noop", {})


def test_a_name_that_does_not_resolve_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # Resolution is replaced so the test stays on this machine.
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    pe = OrchestratorClient("https://pe.invalid:8143", "t", retry_backoff=0.01)
    with pytest.raises(errors.Unreachable, match="resolved"):
        pe.list_plans()


# -- sent, outcome unknown ------------------------------------------------------------


def test_a_read_timeout_on_plan_run_is_outcome_unknown_and_the_plan_started(stand_in: StandIn) -> None:
    stand_in.inject("delay", path="plan_run", seconds=1.0)
    with pytest.raises(errors.OutcomeUnknown, match=r"no answer within 0\.3 s"):
        client(stand_in, timeout=0.3).run_plan("tools::noop", {})
    assert list(stand_in.sim.jobs) == [1]


def test_a_dropped_connection_on_plan_run_is_outcome_unknown_and_not_retried(stand_in: StandIn) -> None:
    stand_in.inject("drop", path="plan_run", times=None)
    with pytest.raises(errors.OutcomeUnknown, match="dropped"):
        client(stand_in).run_plan("tools::noop", {})
    assert len(stand_in.sim.requests_to("/command/plan_run")) == 1


def test_a_server_error_on_plan_run_is_outcome_unknown_with_its_status(stand_in: StandIn) -> None:
    stand_in.inject("error", path="plan_run", status=502)
    with pytest.raises(errors.OutcomeUnknown) as caught:
        client(stand_in).run_plan("tools::noop", {})
    assert caught.value.status == 502


def test_garbage_after_plan_run_is_outcome_unknown(stand_in: StandIn) -> None:
    stand_in.inject("garbage", path="plan_run")
    with pytest.raises(errors.OutcomeUnknown, match="may have taken effect"):
        client(stand_in).run_plan("tools::noop", {})
    assert list(stand_in.sim.jobs) == [1]


def test_a_202_without_a_job_name_is_outcome_unknown(stand_in: StandIn) -> None:
    stand_in.inject("error", path="plan_run", status=202, body={"job": {"id": "x"}})
    with pytest.raises(errors.OutcomeUnknown, match="no job name"):
        client(stand_in).run_plan("tools::noop", {})


def test_garbage_on_a_read_is_an_unexpected_response(stand_in: StandIn) -> None:
    stand_in.inject("garbage", path="/plans$")
    with pytest.raises(errors.UnexpectedResponse, match="not JSON"):
        client(stand_in).list_plans()


def test_a_read_timeout_on_a_get_is_not_retried(stand_in: StandIn) -> None:
    stand_in.inject("delay", path="/plans$", seconds=1.0, times=None)
    with pytest.raises(errors.OutcomeUnknown):
        client(stand_in, timeout=0.3).list_plans()
    assert len(stand_in.sim.requests_to("/plans")) == 1


# -- retries ----------------------------------------------------------------------------


def test_a_get_is_retried_after_a_dropped_connection(stand_in: StandIn) -> None:
    stand_in.inject("drop", path="/plans$", times=1)
    assert client(stand_in).list_plans().items
    assert len(stand_in.sim.requests_to("/plans")) == 2


def test_get_retries_are_bounded(stand_in: StandIn) -> None:
    stand_in.inject("drop", path="/plans$", times=None)
    with pytest.raises(errors.OutcomeUnknown):
        client(stand_in, get_retries=2).list_plans()
    assert len(stand_in.sim.requests_to("/plans")) == 3


def test_a_get_is_retried_when_the_server_comes_back(closed_port: int) -> None:
    # Refused twice, then served: the client gives up only after its last try.
    pe = OrchestratorClient(f"http://127.0.0.1:{closed_port}", "demo-service-token", retry_backoff=0.2)
    server = StandIn(Simulator(), port=closed_port)
    import threading

    threading.Timer(0.1, server.start).start()
    try:
        assert pe.list_plans().items
    finally:
        server.stop()


# -- configuration ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://pe.example.net:8143", "ftp://127.0.0.1", "", "pe.example.net"])
def test_it_refuses_urls_that_are_not_https_or_loopback_http(url: str) -> None:
    with pytest.raises(errors.NotConfigured):
        OrchestratorClient(url, "t")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8143", "http://localhost:1", "http://[::1]:8143/", "https://pe:8143"]
)
def test_it_accepts_https_and_loopback_http(url: str) -> None:
    assert OrchestratorClient(url, "t").base_url == url.rstrip("/")


def test_an_empty_token_is_refused_before_sending(stand_in: StandIn) -> None:
    with pytest.raises(errors.NotConfigured, match="no orchestrator token"):
        client(stand_in, token="").list_plans()
    assert stand_in.sim.received == []


def test_the_token_file_is_reread_when_it_changes(stand_in: StandIn, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("alice-token\n")
    pe = OrchestratorClient(stand_in.url, FileToken(str(token_file)))
    assert pe.list_plans().items
    assert stand_in.sim.received[-1]["login"] == "alice"
    token_file.write_text("bob-token-is-longer\n")  # a different size, whatever the clock's resolution
    stand_in.sim.add_token("bob", "bob-token-is-longer")
    pe.list_plans()
    assert stand_in.sim.received[-1]["login"] == "bob"


def test_an_unreadable_token_file_says_which_file(tmp_path: Path) -> None:
    pe = OrchestratorClient("http://127.0.0.1:9", FileToken(str(tmp_path / "missing")))
    with pytest.raises(errors.NotConfigured, match="missing cannot be read"):
        pe.list_plans()


def test_the_token_never_appears_in_errors_logs_or_repr(stand_in: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "expired-token"
    pe = client(stand_in, secret)
    stand_in.inject("drop", path="/plans$", times=1)
    with pytest.raises(errors.TokenExpired) as caught:
        pe.list_plans()
    assert secret not in str(caught.value)
    assert secret not in repr(pe)
    assert secret not in caplog.text


# -- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_stand_in(ca: trustme.CA, tmp_path: Path, *names: str) -> StandIn:
    cert = ca.issue_cert(*names)
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    return StandIn(Simulator(), certfile=str(cert_file), keyfile=str(key_file)).start()


def write_ca(ca: trustme.CA, path: Path) -> str:
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def test_tls_is_verified_against_the_given_ca(ca: trustme.CA, tmp_path: Path) -> None:
    server = tls_stand_in(ca, tmp_path, "127.0.0.1")
    try:
        pe = OrchestratorClient(server.url, "demo-service-token", ca_cert=write_ca(ca, tmp_path / "ca.pem"))
        assert pe.list_plans().items
    finally:
        server.stop()


def test_a_certificate_from_another_ca_is_refused(ca: trustme.CA, tmp_path: Path) -> None:
    server = tls_stand_in(ca, tmp_path, "127.0.0.1")
    try:
        pe = OrchestratorClient(
            server.url, "demo-service-token", ca_cert=write_ca(trustme.CA(), tmp_path / "other.pem")
        )
        with pytest.raises(errors.Unreachable, match="TLS"):
            pe.run_plan("tools::noop", {})
        assert server.sim.jobs == {}
    finally:
        server.stop()


def test_a_private_ca_is_refused_by_the_system_store(ca: trustme.CA, tmp_path: Path) -> None:
    server = tls_stand_in(ca, tmp_path, "127.0.0.1")
    try:
        with pytest.raises(errors.Unreachable, match="TLS"):
            OrchestratorClient(server.url, "demo-service-token").list_plans()
    finally:
        server.stop()


def test_a_certificate_for_another_host_name_is_refused(ca: trustme.CA, tmp_path: Path) -> None:
    server = tls_stand_in(ca, tmp_path, "pe.example.net")
    try:
        pe = OrchestratorClient(server.url, "demo-service-token", ca_cert=write_ca(ca, tmp_path / "ca.pem"))
        with pytest.raises(errors.Unreachable, match="TLS"):
            pe.list_plans()
    finally:
        server.stop()
