"""Settings come from environment variables and a bad value stops start-up, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from orchestrator_web import env

ROOT = Path(__file__).resolve().parents[1]


OURS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "ORCHESTRATOR_",
    "SECURE_",
    "SESSION_",
    "CSRF_",
    "DJANGO_",
    "TOKEN_ENCRYPTION_",
    "TRUSTED_PROXIES",
    "LOGIN_",
    "FORWARDED_ALLOW_IPS",
)
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "x"}


def start(*arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `manage.py check` with the real settings, our variables set to these only."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    environ.update({"DEBUG": "true", "DATABASE_URL": "sqlite:///:memory:"}, **variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *arguments],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ORCHESTRATOR_URL": "http://pe.example.net:8143"}, "ORCHESTRATOR_URL"),
        ({"ORCHESTRATOR_TOKEN_FILE": "/nonexistent/token"}, "ORCHESTRATOR_TOKEN_FILE"),
        ({"ORCHESTRATOR_CA_CERT": "/nonexistent/ca.pem"}, "ORCHESTRATOR_CA_CERT"),
        ({"ORCHESTRATOR_TIMEOUT": "soon"}, "ORCHESTRATOR_TIMEOUT"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        (PRODUCTION, "TOKEN_ENCRYPTION_KEY"),
        ({**PRODUCTION, "TOKEN_ENCRYPTION_KEY": "s" * 50}, "TOKEN_ENCRYPTION_KEY"),
        ({**PRODUCTION, "TOKEN_ENCRYPTION_KEYS": "s" * 50 + ",older"}, "TOKEN_ENCRYPTION_KEY"),
        ({"TOKEN_ENCRYPTION_KEY": "a" * 40, "TOKEN_ENCRYPTION_KEYS": "b" * 40}, "TOKEN_ENCRYPTION_KEYS"),
        ({"TOKEN_ENCRYPTION_KEYS": "a,b,a"}, "TOKEN_ENCRYPTION_KEYS"),
        ({"TRUSTED_PROXIES": "10.0.0.1/24"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXIES": "proxy.example.net"}, "TRUSTED_PROXIES"),
        ({"LOGIN_ADDRESS_LIMIT": "0"}, "LOGIN_ADDRESS_LIMIT"),
    ],
)
def test_a_bad_variable_stops_start_up_naming_it(variables: dict[str, str], named: str) -> None:
    result = start(**variables)
    assert result.returncode == 2
    assert f"Setting {named}:" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_defaults_start() -> None:
    result = start()
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_check() -> None:
    result = start(
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-key-" * 3,
        TOKEN_ENCRYPTION_KEY="a-long-random-token-key-" * 3,
        ALLOWED_HOSTS="pe-web.example.net",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_takes_several_token_keys_the_older_one_may_be_the_secret_key() -> None:
    result = start(**PRODUCTION, TOKEN_ENCRYPTION_KEYS=f"{'t' * 50}, {'s' * 50}", TRUSTED_PROXIES="10.0.0.0/24, ::1")
    assert result.returncode == 0, result.stderr


def gunicorn_setting(name: str, **variables: str) -> str:
    """A setting as gunicorn reads gunicorn.conf.py, with our variables set to these only."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    environ |= {"DEBUG": "true", "DATABASE_URL": "sqlite:///:memory:"} | variables  # --print-config loads the app
    command = [sys.executable, "-m", "gunicorn", "--print-config", "-c", "gunicorn.conf.py", "orchestrator_web.wsgi"]
    result = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60, check=True)
    (line,) = [line for line in result.stdout.splitlines() if line.split(" ", 1)[0] == name]
    return line.split("=", 1)[1].strip()


def test_gunicorn_trusts_forwarded_headers_from_nobody_by_default() -> None:
    assert gunicorn_setting("forwarded_allow_ips") == "[]"
    assert gunicorn_setting("forwarded_allow_ips", FORWARDED_ALLOW_IPS="") == "[]"


def test_gunicorn_trusts_forwarded_headers_from_the_proxies_named() -> None:
    value = gunicorn_setting("forwarded_allow_ips", FORWARDED_ALLOW_IPS="10.0.0.0/24,192.0.2.7")
    assert value == "['10.0.0.0/24', '192.0.2.7']"


def test_a_database_url_password_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://user:hunter2@db/x")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.database("DATABASE_URL", "sqlite://")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("1", True), ("off", False), ("No", False), ("", False)])
def test_booleans_are_parsed_strictly(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("FLAG", raw)
    assert env.boolean("FLAG", False) is value


@pytest.mark.parametrize("raw", ["0", "-1", "inf", "nan", "ten"])
def test_timeouts_must_be_positive_numbers(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("T", raw)
    with pytest.raises(ImproperlyConfigured, match="Setting T:"):
        env.positive_float("T", 1.0)


@pytest.mark.parametrize("raw", ["production,", "prod-1", "production,production"])
def test_environment_lists_are_checked(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("ENVS", raw)
    with pytest.raises(ImproperlyConfigured, match="Setting ENVS:"):
        env.environments("ENVS", ["production"])


def test_environment_lists_are_split_and_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVS", " production , development ")
    assert env.environments("ENVS", []) == ["production", "development"]


def test_a_token_file_that_cannot_be_read_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path))  # a directory, not a file
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        env.readable_file("TOKEN_FILE")


@pytest.mark.parametrize("raw", ["https://pe.example.net:8143?x=1", "https://user:pw@pe:8143", "https://pe:port"])
def test_service_urls_must_be_plain_base_urls(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("URL", raw)
    with pytest.raises(ImproperlyConfigured, match="Setting URL:"):
        env.service_url("URL")
