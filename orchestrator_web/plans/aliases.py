"""Type aliases: the ones shipped with the app plus the administrators' (TypeAlias rows),
checked as a whole before anything is saved, and the registry the launch form parses with."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.plans.models import TypeAlias

CACHE_KEY = "type-aliases:v1"
CACHE_SECONDS = 60  # other processes see an admin's change within this

_lock = threading.Lock()
_registries: dict[tuple[tuple[str, str], ...], pt.Registry] = {}


def registry() -> pt.Registry:
    """The shipped aliases with the administrators' on top, for parsing plan parameter types."""
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = tuple(TypeAlias.objects.order_by("name").values_list("name", "definition"))
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    key = tuple(rows)
    with _lock:
        found = _registries.get(key)
        if found is None:
            found = pt.Registry(dict(key), parent=pt.SHIPPED)
            _registries.clear()  # only the current set is worth keeping
            _registries[key] = found
    return found


def forget(**_: Any) -> None:
    """Drop the cached aliases now and again once the change commits."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


class AliasProblems(ValueError):
    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{name}: {', '.join(p)}" for name, p in problems.items()))
        self.problems = problems


def check(aliases: Mapping[str, str], *, others: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """What is wrong with each alias, judged together with the others already defined
    (`others`, by default every saved alias not being replaced). Empty when all is well."""
    if others is None:
        replaced = {name.lower() for name in aliases}
        others = {n: d for n, d in TypeAlias.objects.values_list("name", "definition") if n.lower() not in replaced}
    together = pt.Registry({**others, **aliases}, parent=pt.SHIPPED)
    problems: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for name, definition in aliases.items():
        found: list[str] = []
        if not isinstance(name, str) or not pt.ALIAS_NAME.fullmatch(name):
            found.append("is not a Puppet type name (segments start with a capital letter, like Mymod::Version)")
        elif pt.is_core_name(name):
            found.append("is one of Puppet's own types and cannot be redefined")
        elif name.lower() in seen:
            found.append(f"is the same name as {seen[name.lower()]} (Puppet ignores case)")
        if not isinstance(definition, str) or not definition.strip():
            found.append("needs a definition: the Puppet type it stands for")
        else:
            found.extend(together.problems(definition))
            if not found and isinstance(together.lookup(name).resolve(), pt.UnresolvedType):
                found.append("only refers to itself")
        if found:
            problems[name] = found
        seen[str(name).lower()] = str(name)
    return problems


def load(aliases: Mapping[str, str], *, dry_run: bool = False, actor_name: str = "load_type_aliases") -> list[str]:
    """Create or change the aliases given (others are left alone); all or nothing. Returns a
    line per change; raises AliasProblems naming each entry at fault."""
    problems = check(aliases)
    if problems:
        raise AliasProblems(problems)
    existing = {alias.name.lower(): alias for alias in TypeAlias.objects.all()}
    changes = []
    with transaction.atomic():
        for name, definition in aliases.items():
            old = existing.get(name.lower())
            if old is not None and old.name == name and old.definition == definition:
                continue
            changes.append(f"{'~' if old else '+'} {name} = {definition}")
            if dry_run:
                continue
            if old is None:
                TypeAlias.objects.create(name=name, definition=definition)
            else:
                old.name, old.definition = name, definition
                old.save(update_fields=["name", "definition", "updated_at"])
            record(
                Action.ALIAS_CHANGED, name, actor_name=actor_name, definition=definition, before=old and old.definition
            )
    return changes


def export() -> dict[str, str]:
    """Every administrator-defined alias: name → definition (what `load` takes)."""
    return dict(TypeAlias.objects.order_by("name").values_list("name", "definition"))
