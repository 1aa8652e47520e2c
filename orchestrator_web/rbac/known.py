"""Does PE know the plan and the environments a grant names? Asked when a grant is saved.

A grant for `maintenance::drain_nod` (one letter short) or for `prod` (not an environment here)
would be saved and silently never match anything. So the admin and apply_permissions ask PE's
catalogue (the cached `GET /plans` of each environment, orchestrator-api.md 3.1) and the
ORCHESTRATOR_ENVIRONMENTS setting first, and refuse what neither knows, naming the close names.
An administrator may still keep such a grant (a plan about to be deployed, PE not answering):
only by an explicit choice, the grant's `unknown_to_pe` flag.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from orchestrator_web.explain import explain
from orchestrator_web.pe.errors import PEError, UnknownEnvironment
from orchestrator_web.plans.catalogue import plan_list

# A cached catalogue older than this that lacks the plan is asked again: the plan may have
# been deployed a moment ago.
RECHECK_AFTER_SECONDS = 5


@dataclass(frozen=True)
class Doubt:
    """Why a grant may not mean what it says. `about` is the part at fault: "plan",
    "environments", or "pe" when PE could not be asked."""

    about: str
    message: str


def close_names(word: str, names: Iterable[str]) -> list[str]:
    """The names most like `word`, best first: a typo's likely meaning (difflib), or what a
    shortened name may stand for ("prod" for production)."""
    known = sorted(set(names))
    alike = difflib.get_close_matches(word, known, n=5, cutoff=0.6)
    longer = [name for name in known if name.startswith(word) and name not in alike]
    return (alike + longer)[:5]


def _close(word: str, names: Iterable[str]) -> str:
    found = close_names(word, names)
    return f" Close names: {', '.join(found)}." if found else " No known name is close."


class _NotKnown(Exception):
    """PE says there is no such environment."""


def _plans_in(environment: str, plan: str) -> set[str]:
    """The plan names of `environment` in PE's catalogue. Raises PEError, or _NotKnown."""
    try:
        served = plan_list(environment)
        names = {item.name for item in served.value.items}
        age = (datetime.now(UTC) - served.at).total_seconds()
        if plan not in names and age > RECHECK_AFTER_SECONDS and not served.problem:
            names = {item.name for item in plan_list(environment, refresh=True).value.items}
    except UnknownEnvironment:
        raise _NotKnown from None
    return names


def doubts(plan: str, environments: list[str]) -> list[Doubt]:
    """What is doubtful about a grant of `plan` (a name or "*") in `environments` (empty: all):
    an environment people may not choose here (ORCHESTRATOR_ENVIRONMENTS) or PE does not know,
    a plan PE's catalogue does not list there, or PE not answering. Empty when all is known."""
    choosable = list(settings.ORCHESTRATOR_ENVIRONMENTS)
    found: list[Doubt] = []
    for environment in environments:
        if environment not in choosable:
            found.append(
                Doubt(
                    "environments",
                    f"{environment!r} is not an environment people may choose here "
                    f"(ORCHESTRATOR_ENVIRONMENTS: {', '.join(choosable)}).{_close(environment, choosable)}",
                )
            )
    if plan == "*":
        return found
    # The plan must be in each environment named; with none named (or none known), in one.
    named = [e for e in environments if e in choosable]
    where = named or choosable
    catalogues: dict[str, set[str]] = {}
    unanswered: list[Doubt] = []
    for environment in where:
        try:
            catalogues[environment] = _plans_in(environment, plan)
        except _NotKnown:
            found.append(Doubt("environments", f"PE does not know the environment {environment!r}."))
        except PEError as exc:
            unanswered.append(Doubt("pe", f"PE could not be asked which plans {environment} has. {explain(exc)}"))
    if named:
        for environment, names in catalogues.items():
            if plan not in names:
                found.append(
                    Doubt("plan", f"PE does not know the plan {plan!r} in {environment}.{_close(plan, names)}")
                )
        return found + unanswered
    if any(plan in names for names in catalogues.values()):
        return found  # every environment: known in one is enough
    if catalogues:
        every = set().union(*catalogues.values())
        found.append(
            Doubt("plan", f"PE does not know the plan {plan!r} in {', '.join(catalogues)}.{_close(plan, every)}")
        )
    return found + unanswered
