"""The site around the features: health check, login, the first page."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web import views


def test_healthz_answers_without_login(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_gone(client: Client, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import DatabaseError, connections

    class Gone:
        def cursor(self) -> None:
            raise DatabaseError("gone")

        def close(self) -> None:
            pass

    # The check runs in a thread of its own: its connection is the one that is gone.
    monkeypatch.setattr(views, "connection", Gone())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert connections["default"].cursor()  # this thread's connection was never touched


def test_healthz_answers_503_in_time_when_the_database_never_answers(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    never = threading.Event()
    started = threading.Semaphore(0)

    def hangs() -> bool:
        started.release()
        never.wait()
        return True

    monkeypatch.setattr(views, "_check_database", hangs)
    monkeypatch.setattr(views, "HEALTH_DEADLINE", 0.2)
    try:
        assert client.get("/healthz").status_code == 503
        assert client.get("/healthz").status_code == 503
        assert started.acquire(timeout=1) and not started.acquire(timeout=0.1)  # one stuck probe, not one per call
    finally:
        never.set()


def test_pages_need_a_login(client: Client, db: None) -> None:
    response = client.get("/plans/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_person_logs_in(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_is_refused_with_a_message(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_log_out_is_a_post(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_the_first_page_is_the_plan_catalogue(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/plans/"


def test_pages_carry_a_content_security_policy(client: Client, alice: User) -> None:
    client.force_login(alice)
    policy = client.get("/jobs/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
