"""Puppet's types as they apply to the JSON values PE hands a plan (orchestrator-api.md 6.1).

Each type checks a value with `check(value, path)`, raising TypeMismatch that names the part
at fault (`targets[2]`, `config.port`) and says why in plain words. Values are JSON values as
Python reads them: None, bool, int, float, str, list, dict.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class TypeSyntaxError(ValueError):
    """A type string could not be read."""


class TypeMismatch(ValueError):
    """A value does not fit a type. `path` locates the part at fault, like `targets[2]`."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


def child_path(path: str, key: str | int) -> str:
    """`targets[2]`, `config.port`, `labels["team name"]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{path}.{key}" if path else key
    return f"{path}[{quote(key)}]"


def quote(text: str) -> str:
    """A string as Puppet writes it: single quotes, backslash escapes."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def describe(value: Any) -> str:
    """A value in a message: the String 'x', the Integer 5, an Array of 3 ..."""
    if value is None:
        return "nothing (undef)"
    if isinstance(value, bool):
        return f"the Boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the Integer {value}"
    if isinstance(value, float):
        return f"the Float {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f"the String {quote(shown)}"
    if isinstance(value, list):
        return f"an Array of {len(value)}"
    if isinstance(value, dict):
        return f"a Hash of {len(value)}"
    return type(value).__name__


def _num(value: float) -> str:
    if value in (math.inf, -math.inf):
        return "default"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return repr(value)
    return str(value)


def _bounds(low: float, high: float, default_low: float) -> list[str]:
    if low == default_low and high == math.inf:
        return []
    return [_num(low)] if high == math.inf else [_num(low), _num(high)]


def _size_problem(count: int, low: float, high: float, what: str) -> str | None:
    if low <= count <= high:
        return None
    if high == math.inf:
        return f"needs at least {_num(low)} {what}, got {count}"
    if low == high:
        return f"needs exactly {_num(low)} {what}, got {count}"
    if low == 0:
        return f"takes at most {_num(high)} {what}, got {count}"
    return f"needs {_num(low)} to {_num(high)} {what}, got {count}"


def _range_words(low: float, high: float) -> str:
    if high == math.inf:
        return f"at least {_num(low)}"
    if low == -math.inf:
        return f"at most {_num(high)}"
    return f"between {_num(low)} and {_num(high)}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class PType:
    """A Puppet type. `str(t)` is its Puppet spelling."""

    def check(self, value: Any, path: str = "") -> None:
        raise NotImplementedError

    def accepts_undef(self) -> bool:
        return False

    def resolve(self) -> PType:
        """This type with aliases looked through (itself when it is not an alias)."""
        return self

    def fits(self, value: Any) -> bool:
        try:
            self.check(value)
        except TypeMismatch:
            return False
        return True


@dataclass(frozen=True)
class AnyType(PType):
    def check(self, value: Any, path: str = "") -> None:
        return None

    def accepts_undef(self) -> bool:
        return True

    def __str__(self) -> str:
        return "Any"


@dataclass(frozen=True)
class UndefType(PType):
    def check(self, value: Any, path: str = "") -> None:
        if value is not None:
            raise TypeMismatch(f"expects nothing (undef), got {describe(value)}", path)

    def accepts_undef(self) -> bool:
        return True

    def __str__(self) -> str:
        return "Undef"


@dataclass(frozen=True)
class BooleanType(PType):
    def check(self, value: Any, path: str = "") -> None:
        if not isinstance(value, bool):
            raise TypeMismatch(f"expects true or false (a Boolean), got {describe(value)}", path)

    def __str__(self) -> str:
        return "Boolean"


@dataclass(frozen=True)
class StringType(PType):
    min: int = 0
    max: float = math.inf

    def check(self, value: Any, path: str = "") -> None:
        if not isinstance(value, str):
            raise TypeMismatch(f"expects a String, got {describe(value)}", path)
        problem = _size_problem(len(value), self.min, self.max, "characters")
        if problem:
            raise TypeMismatch(f"{problem} ({self})", path)

    def __str__(self) -> str:
        bounds = _bounds(self.min, self.max, 0)
        return "String" + (f"[{', '.join(bounds)}]" if bounds else "")


@dataclass(frozen=True)
class Regex:
    """One regular expression of a Pattern, read as Ruby reads it. `search` is None when
    it could not be read here: PE checks it then."""

    source: str
    search: Callable[[str], bool] | None = field(compare=False, repr=False)

    def __str__(self) -> str:
        return f"/{self.source}/"


@dataclass(frozen=True)
class PatternType(PType):
    regexes: tuple[Regex, ...]

    @property
    def readable(self) -> bool:
        return all(r.search is not None for r in self.regexes)

    def check(self, value: Any, path: str = "") -> None:
        if not isinstance(value, str):
            raise TypeMismatch(f"expects a String matching {self.shown()}, got {describe(value)}", path)
        if not self.readable:
            return  # a regex we cannot read: PE checks it when the plan starts
        if not any(r.search(value) for r in self.regexes if r.search is not None):
            raise TypeMismatch(f"must match {self.shown()}, got {quote(value)}", path)

    def shown(self) -> str:
        return " or ".join(str(r) for r in self.regexes)

    def __str__(self) -> str:
        return "Pattern[" + ", ".join(str(r) for r in self.regexes) + "]"


@dataclass(frozen=True)
class EnumType(PType):
    values: tuple[str, ...]
    case_insensitive: bool = False

    def check(self, value: Any, path: str = "") -> None:
        if isinstance(value, str):
            if value in self.values:
                return
            if self.case_insensitive and value.casefold() in {v.casefold() for v in self.values}:
                return
        raise TypeMismatch(f"expects one of {', '.join(quote(v) for v in self.values)}, got {describe(value)}", path)

    def __str__(self) -> str:
        extra = ", true" if self.case_insensitive else ""
        return "Enum[" + ", ".join(quote(v) for v in self.values) + extra + "]"


@dataclass(frozen=True)
class IntegerType(PType):
    min: float = -math.inf
    max: float = math.inf

    def check(self, value: Any, path: str = "") -> None:
        if not _is_int(value):
            raise TypeMismatch(f"expects a whole number (Integer), got {describe(value)}", path)
        if not self.min <= value <= self.max:
            raise TypeMismatch(f"must be {_range_words(self.min, self.max)} ({self}), got {value}", path)

    def __str__(self) -> str:
        bounds = _bounds(self.min, self.max, -math.inf)
        return "Integer" + (f"[{', '.join(bounds)}]" if bounds else "")


@dataclass(frozen=True)
class FloatType(PType):
    """Float (a decimal: a JSON integer is not a Float in Puppet) or Numeric (either)."""

    min: float = -math.inf
    max: float = math.inf
    numeric: bool = False

    def check(self, value: Any, path: str = "") -> None:
        if self.numeric and _is_int(value):
            IntegerType().check(value, path)
        elif not isinstance(value, float):
            wanted = "a number (Numeric)" if self.numeric else "a decimal number like 2.5 (Float)"
            raise TypeMismatch(f"expects {wanted}, got {describe(value)}", path)
        elif not math.isfinite(value):
            raise TypeMismatch(f"expects a finite number, got {value!r}", path)
        if not self.min <= value <= self.max:
            raise TypeMismatch(f"must be {_range_words(self.min, self.max)} ({self}), got {value!r}", path)

    def __str__(self) -> str:
        bounds = _bounds(self.min, self.max, -math.inf)
        return ("Numeric" if self.numeric else "Float") + (f"[{', '.join(bounds)}]" if bounds else "")


@dataclass(frozen=True)
class OptionalType(PType):
    inner: PType

    def check(self, value: Any, path: str = "") -> None:
        if value is not None:
            self.inner.check(value, path)

    def accepts_undef(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"Optional[{self.inner}]"


@dataclass(frozen=True)
class NotUndefType(PType):
    inner: PType = AnyType()

    def check(self, value: Any, path: str = "") -> None:
        if value is None:
            raise TypeMismatch("expects a value, got nothing (undef)", path)
        self.inner.check(value, path)

    def __str__(self) -> str:
        return "NotUndef" if self.inner == AnyType() else f"NotUndef[{self.inner}]"


@dataclass(frozen=True)
class SensitiveType(PType):
    """Sensitive[T] below the top of a parameter's type. PE wraps only a parameter whose
    whole type is Sensitive (section 6.1), so a plain value never fits one anywhere else."""

    inner: PType = AnyType()

    def check(self, value: Any, path: str = "") -> None:
        raise TypeMismatch(
            "expects a Sensitive value, and PE passes this parameter as plain data: only a type that "
            "starts with Sensitive is wrapped, so Puppet would refuse it",
            path,
        )

    def __str__(self) -> str:
        return "Sensitive" if self.inner == AnyType() else f"Sensitive[{self.inner}]"


@dataclass(frozen=True)
class ArrayType(PType):
    element: PType = AnyType()
    min: int = 0
    max: float = math.inf

    def check(self, value: Any, path: str = "") -> None:
        if not isinstance(value, list):
            raise TypeMismatch(f"expects an Array (a JSON list), got {describe(value)}", path)
        problem = _size_problem(len(value), self.min, self.max, "items")
        if problem:
            raise TypeMismatch(f"{problem} ({self})", path)
        for i, item in enumerate(value):
            self.element.check(item, child_path(path, i))

    def __str__(self) -> str:
        bounds = _bounds(self.min, self.max, 0)
        if self.element == AnyType() and not bounds:
            return "Array"
        return f"Array[{', '.join([str(self.element), *bounds])}]"


@dataclass(frozen=True)
class TupleType(PType):
    types: tuple[PType, ...]
    min: int
    max: float

    def check(self, value: Any, path: str = "") -> None:
        if not isinstance(value, list):
            raise TypeMismatch(f"expects an Array ({self}), got {describe(value)}", path)
        problem = _size_problem(len(value), self.min, self.max, "items")
        if problem:
            raise TypeMismatch(f"{problem} ({self})", path)
        for i, item in enumerate(value):
            self.types[min(i, len(self.types) - 1)].check(item, child_path(path, i))

    def __str__(self) -> str:
        parts = [str(t) for t in self.types]
        if (self.min, self.max) != (len(self.types), len(self.types)):
            parts += [_num(self.min), _num(self.max)]
        return f"Tuple[{', '.join(parts)}]"


@dataclass(frozen=True)
class HashType(PType):
    key: PType = AnyType()
    value: PType = AnyType()
    min: int = 0
    max: float = math.inf

    def check(self, value: Any, path: str = "") -> None:
        if not isinstance(value, dict):
            raise TypeMismatch(f"expects a Hash (a JSON object), got {describe(value)}", path)
        problem = _size_problem(len(value), self.min, self.max, "entries")
        if problem:
            raise TypeMismatch(f"{problem} ({self})", path)
        for key, item in value.items():
            where = child_path(path, key)
            try:
                self.key.check(key, where)
            except TypeMismatch as exc:
                raise TypeMismatch(f"has a key that does not fit: {exc.message}", where) from None
            self.value.check(item, where)

    def __str__(self) -> str:
        bounds = _bounds(self.min, self.max, 0)
        if self.key == AnyType() and self.value == AnyType() and not bounds:
            return "Hash"
        return f"Hash[{', '.join([str(self.key), str(self.value), *bounds])}]"


@dataclass(frozen=True)
class StructType(PType):
    # (key, value type, whether the key may be left out)
    fields: tuple[tuple[str, PType, bool], ...]

    def check(self, value: Any, path: str = "") -> None:
        keys = [k for k, _, _ in self.fields]
        if not isinstance(value, dict):
            raise TypeMismatch(
                f"expects a Hash (a JSON object) with the keys {', '.join(keys)}, got {describe(value)}", path
            )
        unknown = [k for k in value if k not in keys]
        if unknown:
            raise TypeMismatch(f"has no key {quote(unknown[0])} (its keys: {', '.join(keys)})", path)
        for key, inner, optional in self.fields:
            if key in value:
                inner.check(value[key], child_path(path, key))
            elif not optional:
                raise TypeMismatch(f"needs the key {quote(key)}", path)

    def __str__(self) -> str:
        parts = []
        for key, inner, optional in self.fields:
            shown = quote(key)
            if optional and not inner.accepts_undef():
                shown = f"Optional[{shown}]"
            elif not optional and inner.accepts_undef():
                shown = f"NotUndef[{shown}]"
            parts.append(f"{shown} => {inner}")
        return "Struct[{" + ", ".join(parts) + "}]"


@dataclass(frozen=True)
class VariantType(PType):
    types: tuple[PType, ...]

    def check(self, value: Any, path: str = "") -> None:
        problems = []
        for inner in self.types:
            try:
                inner.check(value, path)
            except TypeMismatch as exc:
                problems.append(exc)
            else:
                return
        # When only one member could take this kind of value, its own reason says most.
        viable = [p for t, p in zip(self.types, problems, strict=True) if _same_kind(t, value)]
        if len(viable) == 1:
            raise viable[0]
        raise TypeMismatch(f"expects {' or '.join(str(t) for t in self.types)}, got {describe(value)}", path)

    def accepts_undef(self) -> bool:
        return any(t.accepts_undef() for t in self.types)

    def __str__(self) -> str:
        return "Variant[" + ", ".join(str(t) for t in self.types) + "]"


def _same_kind(t: PType, value: Any) -> bool:
    """Whether `t` takes values of the JSON kind of `value` at all (for choosing a message)."""
    t = t.resolve()
    if isinstance(t, (OptionalType, NotUndefType)):
        return _same_kind(t.inner, value)
    if isinstance(t, VariantType):
        return any(_same_kind(inner, value) for inner in t.types)
    kinds: dict[type, Callable[[Any], bool]] = {
        BooleanType: lambda v: isinstance(v, bool),
        StringType: lambda v: isinstance(v, str),
        PatternType: lambda v: isinstance(v, str),
        EnumType: lambda v: isinstance(v, str),
        IntegerType: _is_int,
        FloatType: lambda v: isinstance(v, float) or _is_int(v),
        ArrayType: lambda v: isinstance(v, list),
        TupleType: lambda v: isinstance(v, list),
        HashType: lambda v: isinstance(v, dict),
        StructType: lambda v: isinstance(v, dict),
        TargetSpecType: lambda v: isinstance(v, (str, list)),
        UndefType: lambda v: v is None,
    }
    test = kinds.get(type(t))
    return test(value) if test else False


@dataclass(frozen=True)
class TargetSpecType(PType):
    """Boltlib::TargetSpec: Variant[String[1], Target, Array[Boltlib::TargetSpec]]: a target
    name (or comma-separated names, a group, a pattern) or an array of them."""

    def check(self, value: Any, path: str = "") -> None:
        if isinstance(value, str):
            if not value:
                raise TypeMismatch("expects a target name, got an empty String", path)
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                self.check(item, child_path(path, i))
            return
        raise TypeMismatch(f"expects a target name or a list of them (TargetSpec), got {describe(value)}", path)

    def __str__(self) -> str:
        return "TargetSpec"


@dataclass(frozen=True)
class RichType(PType):
    """A type whose values are Puppet objects (Target, Timespan, SemVer, Type ...): PE hands a
    plan plain JSON, which is never one of them."""

    text: str

    def check(self, value: Any, path: str = "") -> None:
        raise TypeMismatch(
            f"expects a {self.text.split('[')[0]} value, which PE cannot pass: a plan receives plain JSON "
            f"values, never a {self.text.split('[')[0]}",
            path,
        )

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class UnresolvedType(PType):
    """A type name nobody defined here (a module's own alias, say): PE checks it when the
    plan starts, so any value is let through."""

    text: str

    def check(self, value: Any, path: str = "") -> None:
        return None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class AliasType(PType):
    """A type alias (`Stdlib::Port`), looked up when first needed, so aliases may refer to
    each other and to themselves (`Data`)."""

    name: str
    lookup: Callable[[str], PType] = field(repr=False)

    def resolve(self) -> PType:
        seen = {self.name.lower()}
        target = self.lookup(self.name)
        while isinstance(target, AliasType):
            if target.name.lower() in seen:
                return UnresolvedType(self.name)  # an alias that is only itself
            seen.add(target.name.lower())
            target = target.lookup(target.name)
        return target

    def check(self, value: Any, path: str = "") -> None:
        self.resolve().check(value, path)

    def accepts_undef(self) -> bool:
        return _accepts_undef_once(self, set())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AliasType) and other.name.lower() == self.name.lower()

    def __hash__(self) -> int:
        return hash(self.name.lower())

    def __str__(self) -> str:
        return self.name


def _accepts_undef_once(t: PType, seen: set[str]) -> bool:
    # A recursive alias (Data = Variant[..., Array[Data]]) must not loop.
    if isinstance(t, AliasType):
        if t.name.lower() in seen:
            return False
        return _accepts_undef_once(t.lookup(t.name), seen | {t.name.lower()})
    if isinstance(t, VariantType):
        return any(_accepts_undef_once(inner, seen) for inner in t.types)
    return t.accepts_undef()


def walk(t: PType, visit: Callable[[PType], bool]) -> bool:
    """True when `visit` is true for `t` or any type inside it (aliases looked through once)."""
    seen: set[str] = set()

    def go(node: PType) -> bool:
        if isinstance(node, AliasType):
            if node.name.lower() in seen:
                return False
            seen.add(node.name.lower())
            return go(node.lookup(node.name))
        if visit(node):
            return True
        children: tuple[PType, ...] = ()
        if isinstance(node, (OptionalType, NotUndefType, SensitiveType)):
            children = (node.inner,)
        elif isinstance(node, ArrayType):
            children = (node.element,)
        elif isinstance(node, HashType):
            children = (node.key, node.value)
        elif isinstance(node, (TupleType, VariantType)):
            children = node.types
        elif isinstance(node, StructType):
            children = tuple(t for _, t, _ in node.fields)
        return any(go(child) for child in children)

    return go(t)


def generalize(t: PType) -> PType:
    """Puppet's general form of a type: no ranges, sizes or values. Sensitive[T] keeps only
    this of T, so `Sensitive[String[12]]` takes a short string (Puppet 7 does). Aliases stay
    as they are, as in Puppet."""
    if isinstance(t, IntegerType):
        return IntegerType()
    if isinstance(t, FloatType):
        return FloatType(numeric=t.numeric)
    if isinstance(t, (StringType, PatternType)):
        return StringType()
    if isinstance(t, EnumType):
        lengths = [len(v) for v in t.values]
        return StringType(min(lengths), max(lengths))
    if isinstance(t, OptionalType):
        return OptionalType(generalize(t.inner))
    if isinstance(t, NotUndefType):
        return NotUndefType(generalize(t.inner))
    if isinstance(t, ArrayType):
        return ArrayType(generalize(t.element))
    if isinstance(t, HashType):
        return HashType(generalize(t.key), generalize(t.value))
    if isinstance(t, TupleType):
        return TupleType(tuple(generalize(inner) for inner in t.types), t.min, t.max)
    if isinstance(t, StructType):
        return StructType(tuple((key, generalize(inner), optional) for key, inner, optional in t.fields))
    if isinstance(t, VariantType):
        return VariantType(tuple(generalize(inner) for inner in t.types))
    return t
