"""The plan catalogue and plan metadata (section 3), served stale-while-revalidate.

What PE said is cached with the time it said it. Within PLAN_CACHE_SECONDS it is served as it
is; after that it is still served while a fresh copy is fetched in the background; when PE
cannot be asked, the last copy is served with its time ("this list is from 10:42"). A failure
is remembered for a few seconds, so each page view does not wait on PE again.

Metadata of many plans (for descriptions in the list) is fetched in the background, a bounded
number at a time: the list answers at once with what is known, and the rest follows.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache

from orchestrator_web.connection import orchestrator, orchestrator_background
from orchestrator_web.explain import explain
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.pe.errors import APIError, PEError, Unreachable, api_error
from orchestrator_web.pe.types import Plan
from orchestrator_web.plans import aliases

log = logging.getLogger(__name__)

KEEP_SECONDS = 7 * 24 * 3600  # how long a copy may still be shown when PE cannot be asked
ERROR_SECONDS = 10  # how long a failure to ask PE is remembered
FETCH_CONCURRENCY = 8  # metadata fetched at once, in the background, per process
DETAILS_WAIT = 0.3  # seconds a page waits for a few plans' metadata before answering
WAIT_FOR_AT_MOST = 4 * FETCH_CONCURRENCY  # more than this, and the page answers at once


@dataclass(frozen=True)
class Served:
    """What PE said, and when; `problem` says why it is not fresher (PE not answering)."""

    value: Any
    at: datetime
    problem: str = ""


def _remember(key: str, exc: PEError) -> None:
    """Keep a failure for ERROR_SECONDS: its words, and for PE's own answers what it was, so
    "no such plan" stays "no such plan" (not "unreachable") while it is remembered."""
    answer = {"status": exc.status, "kind": exc.kind, "msg": exc.msg} if isinstance(exc, APIError) else None
    cache.set(key + ":error", {"text": explain(exc), "answer": answer}, ERROR_SECONDS)


def _remembered(key: str) -> PEError | None:
    found = cache.get(key + ":error")
    if not isinstance(found, dict):
        return None
    if found.get("answer"):
        return api_error(found["answer"]["status"], found["answer"]["kind"], found["answer"]["msg"], {})
    return RememberedFailure(found["text"])


class RememberedFailure(Unreachable):
    """PE failed to answer just now; not asked again for ERROR_SECONDS. Its message is already
    the sentence explain() gave then."""

    def __init__(self, explained: str) -> None:
        super().__init__(explained)
        self.explained = explained


def _key(*parts: str) -> str:
    # One cache per orchestrator: pointing the app elsewhere must not show the old catalogue.
    scope = hashlib.sha256(settings.ORCHESTRATOR_URL.encode()).hexdigest()[:12]
    return ":".join(("catalogue:v3", scope, *parts))


def _now() -> float:
    return time.time()


def _served(entry: dict[str, Any], problem: str = "") -> Served:
    return Served(entry["value"], datetime.fromtimestamp(entry["at"], UTC), problem)


def _store(key: str, value: Any) -> None:
    cache.set(key, {"value": value, "at": _now()}, KEEP_SECONDS)
    cache.delete(key + ":error")


def _fresh(entry: dict[str, Any] | None) -> bool:
    return entry is not None and _now() - entry["at"] < settings.PLAN_CACHE_SECONDS


def _get(key: str, fetch: Any, *, refresh: bool) -> Served:
    """The cached copy (fresh, or stale while a new one is fetched), or a fetch now."""
    entry = cache.get(key)
    if entry is not None and not refresh:
        if _fresh(entry):
            return _served(entry)
        _in_background(key, fetch)
        stale_because = _remembered(key)
        return _served(entry, explain(stale_because) if stale_because else "")
    remembered = None if refresh else _remembered(key)
    if remembered is not None:
        if entry is not None:
            return _served(entry, explain(remembered))
        raise remembered
    try:
        value = fetch(orchestrator())
    except PEError as exc:
        _remember(key, exc)
        if entry is not None:
            return _served(entry, explain(exc))
        raise
    _store(key, value)
    return Served(value, datetime.now(UTC))


def plan_list(environment: str, *, refresh: bool = False) -> Served:
    """GET /plans for `environment` (a PlanList in `.value`). Raises PEError only when PE
    cannot be asked and no earlier answer is known."""
    return _get(_key("list", environment), lambda client: client.list_plans(environment), refresh=refresh)


def plan_detail(plan_name: str, environment: str, *, refresh: bool = False) -> Plan:
    """GET /plans/<module>/<plan> for `environment`, cached. Raises PEError."""
    served = _get(
        _key("plan", environment, plan_name), lambda client: client.get_plan(plan_name, environment), refresh=refresh
    )
    plan: Plan = served.value
    return plan


# -- many plans at once, in the background ------------------------------------------------------

_pool = ThreadPoolExecutor(max_workers=FETCH_CONCURRENCY, thread_name_prefix="catalogue")
_running: dict[str, Future[None]] = {}
_running_lock = threading.Lock()


def _in_background(key: str, fetch: Any) -> Future[None]:
    """Fetch `key` in the background unless that is already under way in this process."""
    with _running_lock:
        running = _running.get(key)
        if running is not None and not running.done():
            return running
        future = _pool.submit(_fetch_into_cache, key, fetch)
        _running[key] = future
        return future


def _fetch_into_cache(key: str, fetch: Any) -> None:
    try:
        _store(key, fetch(orchestrator_background()))
    except PEError as exc:
        _remember(key, exc)
    except Exception:  # a background thread has nobody to tell but the log
        log.exception("catalogue: fetching %s failed", key)
    finally:
        with _running_lock:
            _running.pop(key, None)


def plan_details(plan_names: list[str], environment: str, *, refresh: bool = False) -> dict[str, Plan | PEError | None]:
    """Metadata of several plans: a Plan, the error that kept it away, or None while it is
    still being fetched. Missing (or, with `refresh`, all) plans are fetched in the background;
    this waits at most DETAILS_WAIT for them when they are few, and not at all when there are
    many (a cold cache of a large catalogue), so a page answers quickly whatever PE does."""
    keys = {name: _key("plan", environment, name) for name in plan_names}
    cached = cache.get_many(list(keys.values()))
    futures = []
    for name, key in keys.items():
        entry = cached.get(key)
        if refresh or entry is None or not _fresh(entry):
            futures.append(_in_background(key, lambda client, name=name: client.get_plan(name, environment)))
    if futures and len(futures) <= WAIT_FOR_AT_MOST:
        wait(futures, timeout=DETAILS_WAIT)
        cached = cache.get_many(list(keys.values()))
    found: dict[str, Plan | PEError | None] = {}
    for name, key in keys.items():
        entry = cached.get(key)
        if entry is not None:
            found[name] = entry["value"]
        else:
            found[name] = _remembered(key)
    return found


def plan_parameters(plan: Plan) -> dict[str, pt.PlanParameter]:
    """The plan's parameters with Puppet's call rules applied, aliases resolved with the
    shipped and the administrators' definitions."""
    registry = aliases.registry()
    return {
        name: pt.plan_parameter(
            name, p.type, p.default_value, has_default=p.has_default, sensitive=p.sensitive, registry=registry
        )
        for name, p in plan.parameters.items()
    }
