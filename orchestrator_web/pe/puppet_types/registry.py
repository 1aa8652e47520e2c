"""Type aliases and the parsing of type expressions that may use them.

PE reports an alias by its name (`Stdlib::Absolutepath`), never its definition, and offers no
way to fetch one (orchestrator-api.md 6.1). So the app knows the aliases that come with Puppet
and Bolt, puppetlabs-stdlib's (`stdlib_aliases.json`, written from stdlib 9's `types/`), and
whatever an administrator adds for their own modules. Names are matched case-insensitively.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path

from . import model as m
from .syntax import Arg, Parser, core_type

STDLIB_FILE = Path(__file__).resolve().parent.parent / "stdlib_aliases.json"

# Aliases that Puppet and Bolt define themselves, as Puppet defines them; for the JSON values a
# plan receives, the object types among them (Regexp, Target, Result ...) never match.
PUPPET_ALIASES = {
    "ScalarData": "Variant[Integer, Float, String, Boolean]",
    "Scalar": "Variant[Integer, Float, String, Boolean, Regexp, Timespan, Timestamp, SemVer]",
    "Data": "Variant[ScalarData, Undef, Hash[String, Data], Array[Data]]",
    "RichData": "Variant[Scalar, SemVerRange, Binary, Sensitive, Type, TypeSet, URI, Object, Undef, Default, "
    "Hash[Variant[String, Scalar], RichData], Array[RichData]]",
    "Boltlib::PlanResult": "Variant[Boolean, Numeric, String, Undef, Error, Result, ApplyResult, ResultSet, "
    "Target, ResourceInstance, Array[Boltlib::PlanResult], Hash[String, Boltlib::PlanResult]]",
    "PlanResult": "Boltlib::PlanResult",
}

ALIAS_NAME = re.compile(r"[A-Z][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)*")


class Registry:
    """The aliases known here (name → Puppet type text) and the types parsed with them.

    `Registry(extra, parent=SHIPPED)` adds an administrator's aliases to the shipped ones;
    theirs win over a shipped alias of the same name (a site may run another stdlib).
    """

    def __init__(self, aliases: Mapping[str, str], parent: Registry | None = None) -> None:
        self.parent = parent
        self.definitions = {name.lower(): (name, text) for name, text in aliases.items()}
        self._types: dict[str, m.PType] = {}
        self._parsed: dict[str, m.PType] = {}
        self._lock = threading.Lock()

    def definition(self, name: str) -> tuple[str, str] | None:
        """(name as defined, Puppet type text) of an alias, or None."""
        found = self.definitions.get(name.lower())
        if found is None and self.parent is not None:
            return self.parent.definition(name)
        return found

    def names(self) -> dict[str, str]:
        """Every alias known here: name → definition."""
        known = self.parent.names() if self.parent else {}
        known.update(dict(self.definitions.values()))
        return known

    def parse(self, text: str) -> m.PType:
        """The type `text` denotes; raises TypeSyntaxError when it cannot be read."""
        with self._lock:
            cached = self._parsed.get(text)
        if cached is None:
            cached = Parser(text, self._named).whole_type()
            with self._lock:
                self._parsed[text] = cached
        return cached

    def lookup(self, name: str) -> m.PType:
        """The type an alias stands for; UnresolvedType when it is unknown or unreadable."""
        key = name.lower()
        with self._lock:
            cached = self._types.get(key)
        if cached is not None:
            return cached
        found = self.definition(name)
        if found is None:
            resolved: m.PType = m.UnresolvedType(name)
        else:
            try:
                resolved = self.parse(found[1])
            except m.TypeSyntaxError:
                resolved = m.UnresolvedType(name)
        with self._lock:
            self._types[key] = resolved
        return resolved

    def _named(self, name: str, args: list[Arg], text: str) -> m.PType:
        core = core_type(name, args, text)
        if core is not None:
            return core
        found = self.definition(name)
        if found is None:
            return m.UnresolvedType(text)
        if args:
            raise m.TypeSyntaxError(f"the alias {found[0]} takes no arguments")
        return m.AliasType(found[0], self.lookup)

    def problems(self, text: str) -> list[str]:
        """What is wrong with `text` as an alias definition here: unreadable, or using a type
        nobody defined. An empty list when it is fine."""
        try:
            parsed = self.parse(text)
        except m.TypeSyntaxError as exc:
            return [f"cannot be read as a Puppet type: {exc}"]
        found: list[str] = []

        def visit(node: m.PType) -> bool:
            if isinstance(node, m.UnresolvedType) and not is_core_name(node.text.split("[")[0]):
                found.append(f"uses {node.text.split('[')[0]}, which is not defined")
            if isinstance(node, m.PatternType):
                found.extend(f"has a regex that cannot be read: {r}" for r in node.regexes if r.search is None)
            return False

        m.walk(parsed, visit)
        return found


def is_core_name(name: str) -> bool:
    """Whether `name` is one of Puppet's own types (which an alias may not take)."""
    try:
        return core_type(name, [], name) is not None
    except m.TypeSyntaxError:
        return True  # a core type that needs arguments, like Enum


def _shipped() -> Registry:
    stdlib = json.loads(STDLIB_FILE.read_text())
    return Registry(stdlib, parent=Registry(PUPPET_ALIASES))


SHIPPED = _shipped()


def parse_type(text: str, registry: Registry | None = None) -> m.PType:
    """Parse a Puppet type expression with the shipped aliases (or `registry`'s).
    Raises TypeSyntaxError."""
    return (registry or SHIPPED).parse(text)
