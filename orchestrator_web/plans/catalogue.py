"""The plan catalogue and plan metadata, cached for PLAN_CACHE_SECONDS (section 3)."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache

from orchestrator_web.connection import orchestrator
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.pe.errors import PEError
from orchestrator_web.pe.types import Plan, PlanList
from orchestrator_web.plans import aliases


def _key(*parts: str) -> str:
    # One cache per orchestrator: pointing the app elsewhere must not show the old catalogue.
    scope = hashlib.sha256(settings.ORCHESTRATOR_URL.encode()).hexdigest()[:12]
    return ":".join(("catalogue:v2", scope, *parts))


def plan_list(environment: str, *, refresh: bool = False) -> PlanList:
    """GET /plans for `environment`, cached. Raises PEError."""
    key = _key("list", environment)
    plans = None if refresh else cache.get(key)
    if plans is None:
        plans = orchestrator().list_plans(environment)
        cache.set(key, plans, settings.PLAN_CACHE_SECONDS)
    return plans


def plan_detail(plan_name: str, environment: str, *, refresh: bool = False) -> Plan:
    """GET /plans/<module>/<plan> for `environment`, cached. Raises PEError."""
    key = _key("plan", environment, plan_name)
    plan = None if refresh else cache.get(key)
    if plan is None:
        plan = orchestrator().get_plan(plan_name, environment)
        cache.set(key, plan, settings.PLAN_CACHE_SECONDS)
    return plan


def plan_details(plan_names: list[str], environment: str, *, refresh: bool = False) -> dict[str, Plan | PEError]:
    """Metadata of several plans; cache misses are fetched concurrently.

    A plan whose metadata cannot be had maps to its error, so one bad plan does not hide
    the others.
    """
    found: dict[str, Plan | PEError] = {}
    if not refresh:
        cached = cache.get_many([_key("plan", environment, name) for name in plan_names])
        for name in plan_names:
            plan = cached.get(_key("plan", environment, name))
            if plan is not None:
                found[name] = plan
    missing = [name for name in plan_names if name not in found]

    def fetch(name: str) -> Plan | PEError:
        try:
            return plan_detail(name, environment, refresh=True)
        except PEError as exc:
            return exc

    if missing:
        with ThreadPoolExecutor(max_workers=min(8, len(missing))) as pool:
            found.update(zip(missing, pool.map(fetch, missing), strict=True))
    return {name: found[name] for name in plan_names}


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
