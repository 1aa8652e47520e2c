"""Puppet type strings (plan parameter metadata, orchestrator-api.md section 6.1).

`parse_type("Optional[Array[String[1], 1, 3]]")` gives a small tree of dataclasses;
`check(t, value)` validates a JSON value against it (raising TypeMismatch with a path and a
plain message); `parse_default("'graceful'")` reads the Puppet source text PE gives as
`default_value` into a JSON value, when it is a literal.

Types this module does not know (type aliases such as `Stdlib::Port`, `Timespan`, objects)
become `Unknown`, which accepts any JSON value: PE itself checks them when the plan starts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any


class TypeSyntaxError(ValueError):
    """The type string could not be parsed."""


class TypeMismatch(ValueError):
    """A value does not fit a type. `path` locates the part at fault, like `targets[2]`."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


# -- the types -------------------------------------------------------------------------


@dataclass(frozen=True)
class PType:
    def __str__(self) -> str:  # the canonical Puppet spelling, for messages
        return self.name()

    def name(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Any_(PType):
    def name(self) -> str:
        return "Any"


@dataclass(frozen=True)
class Unknown(PType):
    text: str

    def name(self) -> str:
        return self.text


@dataclass(frozen=True)
class Undef(PType):
    def name(self) -> str:
        return "Undef"


@dataclass(frozen=True)
class Boolean(PType):
    def name(self) -> str:
        return "Boolean"


@dataclass(frozen=True)
class String(PType):
    min: int = 0
    max: float = math.inf

    def name(self) -> str:
        return "String" + _bounds(self.min, self.max, 0)


@dataclass(frozen=True)
class Pattern(PType):
    sources: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...] = field(compare=False, repr=False)

    def name(self) -> str:
        return "Pattern[" + ", ".join(f"/{s}/" for s in self.sources) + "]"


@dataclass(frozen=True)
class Enum(PType):
    values: tuple[str, ...]

    def name(self) -> str:
        return "Enum[" + ", ".join(_quote(v) for v in self.values) + "]"


@dataclass(frozen=True)
class Integer(PType):
    min: float = -math.inf
    max: float = math.inf

    def name(self) -> str:
        return "Integer" + _bounds(self.min, self.max, -math.inf)


@dataclass(frozen=True)
class Float(PType):
    min: float = -math.inf
    max: float = math.inf
    # Numeric accepts whole numbers as well; Float wants a decimal value.
    numeric: bool = False

    def name(self) -> str:
        return ("Numeric" if self.numeric else "Float") + _bounds(self.min, self.max, -math.inf)


@dataclass(frozen=True)
class Optional(PType):
    inner: PType

    def name(self) -> str:
        return f"Optional[{self.inner}]"


@dataclass(frozen=True)
class NotUndef(PType):
    inner: PType

    def name(self) -> str:
        return f"NotUndef[{self.inner}]"


@dataclass(frozen=True)
class Sensitive(PType):
    inner: PType

    def name(self) -> str:
        return f"Sensitive[{self.inner}]"


@dataclass(frozen=True)
class Array(PType):
    element: PType = Any_()
    min: int = 0
    max: float = math.inf

    def name(self) -> str:
        if self.element == Any_() and self.min == 0 and self.max == math.inf:
            return "Array"
        return f"Array[{self.element}" + _bounds(self.min, self.max, 0, inner=True) + "]"


@dataclass(frozen=True)
class Tuple(PType):
    types: tuple[PType, ...]
    min: int
    max: float

    def name(self) -> str:
        return "Tuple[" + ", ".join(str(t) for t in self.types) + "]"


@dataclass(frozen=True)
class Hash(PType):
    key: PType = Any_()
    value: PType = Any_()
    min: int = 0
    max: float = math.inf

    def name(self) -> str:
        if self.key == Any_() and self.value == Any_():
            return "Hash"
        return f"Hash[{self.key}, {self.value}" + _bounds(self.min, self.max, 0, inner=True) + "]"


@dataclass(frozen=True)
class Struct(PType):
    # key -> (type, key may be left out)
    fields: tuple[tuple[str, PType, bool], ...]

    def name(self) -> str:
        parts = [f"{_quote(k) if not optional else f'Optional[{_quote(k)}]'} => {t}" for k, t, optional in self.fields]
        return "Struct[{" + ", ".join(parts) + "}]"


@dataclass(frozen=True)
class Variant(PType):
    types: tuple[PType, ...]

    def name(self) -> str:
        return "Variant[" + ", ".join(str(t) for t in self.types) + "]"


@dataclass(frozen=True)
class TargetSpec(PType):
    """Boltlib::TargetSpec: a target name (or comma-separated names, a group, a pattern)
    or an array of them (section 6.1)."""

    def name(self) -> str:
        return "TargetSpec"


def _bounds(low: float, high: float, default_low: float, inner: bool = False) -> str:
    if low == default_low and high == math.inf:
        return ""
    text = _num(low) + ("" if high == math.inf else f", {_num(high)}")
    return f", {text}" if inner else f"[{text}]"


def _num(value: float) -> str:
    if value in (math.inf, -math.inf):
        return "default"
    return str(int(value)) if float(value).is_integer() and not isinstance(value, float) else str(value)


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# -- parsing type strings ---------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<name>[A-Z][A-Za-z0-9_]*(?:::[A-Z][A-Za-z0-9_]*)*)
    | (?P<word>[a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<regex>/(?:[^/\\]|\\.)*/)
    | (?P<arrow>=>)
    | (?P<punct>[\[\]{},])
    )""",
    re.VERBOSE,
)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise TypeSyntaxError(f"unexpected {text[pos : pos + 10]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise TypeSyntaxError(f"expected {value or 'more'}")
        self.pos += 1
        return token

    def done(self) -> None:
        if self.peek() is not None:
            raise TypeSyntaxError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]

    def args(self) -> list[tuple[str, Any]]:
        """`[a, b, ...]` after a type name: each argument as (kind, parsed value)."""
        if self.peek() != ("punct", "["):
            return []
        self.take("[")
        items: list[tuple[str, Any]] = []
        while self.peek() != ("punct", "]"):
            items.append(self.arg())
            if self.peek() == ("punct", ","):
                self.take(",")
            elif self.peek() != ("punct", "]"):
                raise TypeSyntaxError("expected , or ]")
        self.take("]")
        return items

    def arg(self) -> tuple[str, Any]:
        kind, value = self.take()
        if kind == "number":
            return "number", float(value) if any(c in value for c in ".eE") else int(value)
        if kind == "string":
            return "string", _unquote(value)
        if kind == "regex":
            return "regex", value[1:-1]
        if kind == "word":
            return ("default", None) if value == "default" else ("string", value)
        if kind == "name":
            self.pos -= 1
            return "type", self.type()
        if (kind, value) == ("punct", "{"):
            return "hash", self.hash_body()
        raise TypeSyntaxError(f"unexpected {value!r}")

    def hash_body(self) -> list[tuple[tuple[str, Any], tuple[str, Any]]]:
        pairs = []
        while self.peek() != ("punct", "}"):
            key = self.arg()
            self.take("=>")
            pairs.append((key, self.arg()))
            if self.peek() == ("punct", ","):
                self.take(",")
            elif self.peek() != ("punct", "}"):
                raise TypeSyntaxError("expected , or }")
        self.take("}")
        return pairs

    def type(self) -> PType:
        kind, name = self.take()
        if kind != "name":
            raise TypeSyntaxError(f"expected a type name, got {name!r}")
        start = self.pos
        args = self.args()
        text = name + _source(self.tokens[start : self.pos])
        return _build(name, args, text)


def _source(tokens: list[tuple[str, str]]) -> str:
    out = ""
    for _, value in tokens:
        out += f"{value} " if value in (",", "=>") else value
    return out.replace(" ]", "]").replace(" }", "}")


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        return re.sub(r"\\([\\'])", r"\1", body)
    escapes = {"n": "\n", "t": "\t", "r": "\r", "s": " ", "\\": "\\", '"': '"', "$": "$"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), "\\" + m.group(1)), body)


def _bound(arg: tuple[str, Any], default: float) -> float:
    kind, value = arg
    if kind == "default":
        return default
    if kind != "number":
        raise TypeSyntaxError("expected a number")
    return value


def _types(args: list[tuple[str, Any]]) -> list[PType]:
    out = []
    for kind, value in args:
        if kind != "type":
            raise TypeSyntaxError("expected a type")
        out.append(value)
    return out


def _range(args: list[tuple[str, Any]], default_low: float) -> tuple[float, float]:
    if len(args) > 2:
        raise TypeSyntaxError("too many arguments")
    low = _bound(args[0], default_low) if args else default_low
    high = _bound(args[1], math.inf) if len(args) > 1 else math.inf
    if low > high:
        raise TypeSyntaxError("minimum above maximum")
    return low, high


def _build(name: str, args: list[tuple[str, Any]], text: str) -> PType:
    simple: dict[str, PType] = {"Any": Any_(), "Boolean": Boolean(), "Undef": Undef()}
    if name in simple and not args:
        return simple[name]
    if name in ("Data", "ScalarData", "Scalar", "RichData") and not args:
        return Any_()
    if name in ("TargetSpec", "Boltlib::TargetSpec") and not args:
        return TargetSpec()
    if name == "String":
        low, high = _range(args, 0)
        return String(int(low), high)
    if name == "Integer":
        low, high = _range(args, -math.inf)
        return Integer(low, high)
    if name in ("Float", "Numeric"):
        low, high = _range(args, -math.inf)
        return Float(low, high, numeric=name == "Numeric")
    if name == "Enum":
        values = [value for kind, value in args if kind == "string"]
        if not values or len(values) != len(args):
            raise TypeSyntaxError("Enum takes strings")
        return Enum(tuple(values))
    if name == "Pattern":
        sources = [value for kind, value in args if kind in ("regex", "string")]
        if not sources or len(sources) != len(args):
            raise TypeSyntaxError("Pattern takes regular expressions")
        try:
            regexes = tuple(re.compile(_python_regex(s)) for s in sources)
        except re.error as exc:
            raise TypeSyntaxError(f"bad regular expression: {exc}") from None
        return Pattern(tuple(sources), regexes)
    if name in ("Optional", "NotUndef", "Sensitive"):
        if len(args) > 1:
            raise TypeSyntaxError(f"{name} takes one type")
        inner: PType = Any_()
        if args:
            kind, value = args[0]
            inner = value if kind == "type" else Enum((value,)) if kind == "string" else None  # type: ignore[assignment]
            if inner is None:
                raise TypeSyntaxError(f"{name} takes a type")
        return {"Optional": Optional, "NotUndef": NotUndef, "Sensitive": Sensitive}[name](inner)
    if name == "Array":
        if not args:
            return Array()
        (element,) = _types(args[:1])
        low, high = _range(args[1:], 0)
        return Array(element, int(low), high)
    if name == "Tuple":
        types = [value for kind, value in args if kind == "type"]
        rest = args[len(types) :]
        if not types:
            raise TypeSyntaxError("Tuple takes types")
        low, high = _range(rest, len(types)) if rest else (len(types), len(types))
        return Tuple(tuple(types), int(low), high)
    if name == "Hash":
        if not args:
            return Hash()
        if len(args) < 2:
            raise TypeSyntaxError("Hash takes a key and a value type")
        key, value = _types(args[:2])
        low, high = _range(args[2:], 0)
        return Hash(key, value, int(low), high)
    if name == "Struct":
        if len(args) != 1 or args[0][0] != "hash":
            raise TypeSyntaxError("Struct takes a hash of keys to types")
        fields = []
        for (key_kind, key), (value_kind, value) in args[0][1]:
            optional = False
            if key_kind == "type" and isinstance(key, Optional) and isinstance(key.inner, Enum):
                optional, key_kind, key = True, "string", key.inner.values[0]
            if key_kind != "string" or value_kind != "type":
                raise TypeSyntaxError("Struct keys are strings, values are types")
            fields.append((key, value, optional or _accepts_undef(value)))
        return Struct(tuple(fields))
    if name == "Variant":
        if not args:
            raise TypeSyntaxError("Variant takes types")
        return Variant(tuple(_types(args)))
    return Unknown(text)


def _python_regex(source: str) -> str:
    # Ruby regex escapes that Python spells differently.
    return source.replace(r"\A", "^").replace(r"\z", r"\Z").replace(r"\h", "[0-9a-fA-F]")


def parse_type(text: str) -> PType:
    """Parse a Puppet type string; raises TypeSyntaxError when it cannot."""
    parser = _Parser(text)
    result = parser.type()
    parser.done()
    return result


def parse_type_or_unknown(text: str) -> PType:
    """Like parse_type, but a string that does not parse is an Unknown type (any JSON)."""
    try:
        return parse_type(text)
    except TypeSyntaxError:
        return Unknown(text.strip() or "Any")


# -- checking values --------------------------------------------------------------------


def _accepts_undef(t: PType) -> bool:
    if isinstance(t, (Any_, Undef, Optional, Unknown)):
        return True
    if isinstance(t, Variant):
        return any(_accepts_undef(inner) for inner in t.types)
    return False


def accepts_undef(t: PType) -> bool:
    """True when the parameter may be left out (Optional, Undef, Any, ...)."""
    return _accepts_undef(t)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a Boolean"
    if isinstance(value, int):
        return f"the Integer {value}"
    if isinstance(value, float):
        return f"the Float {value}"
    if isinstance(value, str):
        return f"the String {_quote(value[:40])}" + ("…" if len(value) > 40 else "")
    if isinstance(value, list):
        return f"an Array of {len(value)}"
    if isinstance(value, dict):
        return "a Hash"
    return type(value).__name__


def _size(count: int, low: float, high: float, what: str) -> str | None:
    if count < low or count > high:
        if high == math.inf:
            return f"needs at least {_num(low)} {what}, got {count}"
        if low == high:
            return f"needs exactly {_num(low)} {what}, got {count}"
        return f"needs {_num(low)} to {_num(high)} {what}, got {count}"
    return None


def check(t: PType, value: Any, path: str = "") -> Any:
    """Validate a JSON value against a type and return it; raise TypeMismatch if it does not fit."""

    def fail(message: str) -> TypeMismatch:
        return TypeMismatch(message, path)

    if isinstance(t, (Any_, Unknown)):
        return value
    if isinstance(t, Sensitive):
        return check(t.inner, value, path)
    if isinstance(t, Optional):
        return None if value is None else check(t.inner, value, path)
    if isinstance(t, Undef):
        if value is not None:
            raise fail(f"expects nothing (undef), got {_kind(value)}")
        return value
    if value is None:
        raise fail(f"expects {t}, got nothing")
    if isinstance(t, NotUndef):
        return check(t.inner, value, path)
    if isinstance(t, Boolean):
        if not isinstance(value, bool):
            raise fail(f"expects a Boolean (true or false), got {_kind(value)}")
        return value
    if isinstance(t, String):
        if not isinstance(value, str):
            raise fail(f"expects a String, got {_kind(value)}")
        problem = _size(len(value), t.min, t.max, "characters")
        if problem:
            raise fail(f"{problem} ({t})")
        return value
    if isinstance(t, Pattern):
        if not isinstance(value, str):
            raise fail(f"expects a String matching {t}, got {_kind(value)}")
        if not any(regex.search(value) for regex in t.regexes):
            raise fail("must match " + " or ".join(f"/{s}/" for s in t.sources) + f", got {_quote(value)}")
        return value
    if isinstance(t, Enum):
        if not isinstance(value, str) or value not in t.values:
            raise fail(f"expects one of {', '.join(_quote(v) for v in t.values)}, got {_kind(value)}")
        return value
    if isinstance(t, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise fail(f"expects a whole number, got {_kind(value)}")
        if not t.min <= value <= t.max:
            raise fail(f"expects {t}: {_range_words(t.min, t.max)}, got {value}")
        return value
    if isinstance(t, Float):
        ok = isinstance(value, float) or (t.numeric and isinstance(value, int))
        if not ok or isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
            raise fail(f"expects a {'number' if t.numeric else 'decimal number like 2.5'}, got {_kind(value)}")
        if not t.min <= value <= t.max:
            raise fail(f"expects {t}: {_range_words(t.min, t.max)}, got {value}")
        return value
    if isinstance(t, TargetSpec):
        if isinstance(value, str):
            if not value.strip():
                raise fail("expects a target name, got an empty String")
            return value
        if isinstance(value, list):
            if not value:
                raise fail("expects at least one target")
            return [check(TargetSpec(), item, f"{path}[{i}]") for i, item in enumerate(value)]
        raise fail(f"expects a target name or a list of them, got {_kind(value)}")
    if isinstance(t, Array):
        if not isinstance(value, list):
            raise fail(f"expects an Array, got {_kind(value)}")
        problem = _size(len(value), t.min, t.max, "items")
        if problem:
            raise fail(f"{problem} ({t})")
        return [check(t.element, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(t, Tuple):
        if not isinstance(value, list):
            raise fail(f"expects an Array ({t}), got {_kind(value)}")
        problem = _size(len(value), t.min, t.max, "items")
        if problem:
            raise fail(f"{problem} ({t})")
        return [check(t.types[min(i, len(t.types) - 1)], item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(t, Hash):
        if not isinstance(value, dict):
            raise fail(f"expects a Hash (JSON object), got {_kind(value)}")
        problem = _size(len(value), t.min, t.max, "entries")
        if problem:
            raise fail(f"{problem} ({t})")
        return {check(t.key, k, f"{path}.{k}"): check(t.value, v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(t, Struct):
        if not isinstance(value, dict):
            raise fail(
                f"expects a Hash (JSON object) with keys {', '.join(k for k, _, _ in t.fields)}, got {_kind(value)}"
            )
        known = {k for k, _, _ in t.fields}
        unknown = sorted(set(value) - known)
        if unknown:
            raise fail(f"has no key {_quote(unknown[0])} (keys: {', '.join(sorted(known))})")
        out = {}
        for key, inner, optional in t.fields:
            if key in value:
                out[key] = check(inner, value[key], f"{path}.{key}" if path else key)
            elif not optional:
                raise fail(f"needs the key {_quote(key)}")
        return out
    if isinstance(t, Variant):
        for inner in t.types:
            try:
                return check(inner, value, path)
            except TypeMismatch:
                continue
        raise fail(f"expects {' or '.join(str(inner) for inner in t.types)}, got {_kind(value)}")
    raise fail(f"cannot check {t}")  # pragma: no cover - every type is handled above


def _range_words(low: float, high: float) -> str:
    if high == math.inf:
        return f"at least {_num(low)}"
    if low == -math.inf:
        return f"at most {_num(high)}"
    return f"between {_num(low)} and {_num(high)}"


# -- default values (Puppet source text) ------------------------------------------------

NO_DEFAULT = object()  # parse_default's answer when the text is not a plain literal


def parse_default(text: str) -> Any:
    """Read a default_value given as Puppet source text (`'x'`, `5`, `[1, 2]`, `{a => 1}`,
    `undef`) into a JSON value. Anything else (expressions, variables, interpolation) gives
    NO_DEFAULT: show the text, pre-fill nothing."""
    try:
        tokens = _tokenize(text)
    except TypeSyntaxError:
        return NO_DEFAULT
    reader = _LiteralReader(tokens)
    try:
        value = reader.value()
        if reader.pos != len(tokens):
            return NO_DEFAULT
    except (TypeSyntaxError, IndexError):
        return NO_DEFAULT
    return value


class _LiteralReader:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "string":
            if text.startswith('"') and "$" in text.replace("\\$", ""):
                raise TypeSyntaxError("interpolation")
            return _unquote(text)
        if kind == "word":
            literals = {"true": True, "false": False, "undef": None}
            # A bare word is a string in Puppet (common for hash keys and enum values).
            return literals.get(text, text)
        if (kind, text) == ("punct", "["):
            items = []
            while self.tokens[self.pos] != ("punct", "]"):
                items.append(self.value())
                if self.tokens[self.pos] == ("punct", ","):
                    self.pos += 1
            self.pos += 1
            return items
        if (kind, text) == ("punct", "{"):
            result = {}
            while self.tokens[self.pos] != ("punct", "}"):
                key = self.value()
                if not isinstance(key, str) or self.take() != ("arrow", "=>"):
                    raise TypeSyntaxError("hash")
                result[key] = self.value()
                if self.tokens[self.pos] == ("punct", ","):
                    self.pos += 1
            self.pos += 1
            return result
        raise TypeSyntaxError(text)
