"""Strict parsers for settings read from environment variables.

Every parser raises ImproperlyConfigured with a message that names the variable, so a
malformed value stops start-up instead of turning into a surprise at request time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from orchestrator_web.pe.client import check_base_url
from orchestrator_web.pe.errors import NotConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def fail(name: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Setting {name}: {problem}")


def string(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise fail(name, f"expected true or false, got {value!r}")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise fail(name, f"expected a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise fail(name, f"must be at least {minimum}, got {number}")
    return number


def positive_float(name: str, default: float) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise fail(name, f"expected a number of seconds, got {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise fail(name, f"must be a positive number of seconds, got {value!r}")
    return number


def csv(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise fail(name, f"empty item in comma-separated list {value!r}")
    return items


def environments(name: str, default: list[str]) -> list[str]:
    names = csv(name, default)
    for env_name in names:
        if not ENVIRONMENT_NAME.match(env_name):
            raise fail(name, f"{env_name!r} is not a Puppet environment name (letters, digits, _)")
    if len(set(names)) != len(names):
        raise fail(name, "lists an environment twice")
    return names


def readable_file(name: str) -> str | None:
    value = _raw(name)
    if value is None:
        return None
    path = Path(value)
    if not path.is_file():
        raise fail(name, f"file {value!r} does not exist")
    try:
        path.read_bytes()
    except OSError as exc:
        raise fail(name, f"file {value!r} cannot be read ({exc.strerror})") from None
    return str(path)


def service_url(name: str, default: str = "") -> str:
    """A base URL for a PE service: https, or plain http to a loopback host only."""
    value = _raw(name)
    if value is None:
        return default
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
        url = check_base_url(value)
    except ValueError:
        raise fail(name, f"{value!r} is not a valid URL") from None
    except NotConfigured as exc:
        raise fail(name, exc.message) from None
    if parts.query or parts.fragment or parts.username:
        raise fail(name, "expected a base URL without query, fragment or credentials")
    return url


def database(name: str, default: str) -> dict[str, object]:
    import dj_database_url

    value = _raw(name) or default
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        # The URL may hold a password: name the problem, never echo the value.
        raise fail(name, f"cannot parse the database URL ({exc})") from None
    if not config.get("ENGINE"):
        raise fail(name, "unsupported database URL scheme")
    return dict(config)


def cache(name: str) -> dict[str, object]:
    """A Django cache from a URL: empty for per-process memory, `redis://host:port/db` (or
    `rediss://`) for a cache shared by every process and host."""
    value = _raw(name)
    if value is None:
        # Room for the metadata of thousands of plans (the default, 300 entries, is not).
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 20_000}}
    parts = urlsplit(value)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise fail(name, "expected redis://host:port/db, rediss://... or unix:///path (or nothing for memory)")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": value,
        # A cache that is down must not hang or break pages: short timeouts, errors logged.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
