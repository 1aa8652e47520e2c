"""Puppet's type system, as far as a plan call made of JSON values needs it.

PE hands a plan's JSON parameters to Bolt, which calls the plan the way Puppet calls any
closure: each value must be an instance of its parameter's type, a parameter without a
default must be given, unknown names are refused (orchestrator-api.md sections 6.1 and 8.10).
This module reads Puppet type expressions as plan metadata spells them, resolves type names
case-insensitively through type aliases (Puppet's own, Bolt's, puppetlabs-stdlib's and a
module's), checks JSON values against the result, and describes a mismatch in the words of
Puppet's TypeMismatchDescriber (`parameter 'port' expects an Integer value, got String`).

It is an independent implementation, standard library plus onigurumacffi (Puppet's regexes
are Ruby's), so that it can catch orchestrator_web.pe being wrong.

Public API:

* `TypeSystem.standard()`: Puppet's core types and aliases, Bolt's, and stdlib's
  (`stdlib_types.pp`); `system.with_aliases({"Mymod::Version": "Pattern[/.../]"})` adds a
  module's own; `system.parse(text)` gives a `PuppetType` or raises `PuppetTypeError`.
* `PuppetType.matches(value)`: is the JSON value an instance of the type.
* `Param` and `plan_call_problem(plan, params, args)`: Bolt's check of a plan call, the
  error text Bolt gives or None.
* `is_sensitive_text(text)` (the `sensitive` flag of plan metadata) and
  `wraps_sensitive(text)` (whether Bolt wraps the value in Sensitive before the call).
* `Sensitive`: a value wrapped the way Bolt wraps a top-level Sensitive parameter.
* `parse_alias_declarations(source)`: `type Name = Expression` statements, as in a module's
  `types/` directory.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import onigurumacffi

HERE = Path(__file__).resolve().parent
STDLIB_TYPES = HERE / "stdlib_types.pp"

INFINITY = math.inf


class PuppetTypeError(ValueError):
    """A type expression Puppet would not accept: bad syntax, bad parameters, unknown name."""


# -- values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sensitive:
    """A value Bolt has wrapped because its parameter's type is a top-level Sensitive."""

    value: Any

    def __repr__(self) -> str:
        return "Sensitive [value redacted]"


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_float(value: Any) -> bool:
    return isinstance(value, float)


def _is_number(value: Any) -> bool:
    return _is_integer(value) or _is_float(value)


# -- reading type expressions ---------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # TYPE NAME STRING INT FLOAT REGEX DEFAULT UNDEF BOOL, punctuation, EOF
    value: Any
    pos: int


_PUNCTUATION = ("=>", "[", "]", "{", "}", ",", "=", "-")
_KEYWORDS = {"default": "DEFAULT", "undef": "UNDEF", "true": "BOOL", "false": "BOOL"}
_DOUBLE_QUOTE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "s": " ", "\\": "\\", '"': '"', "'": "'", "$": "$"}


def _tokens(text: str) -> list[_Token]:
    """Puppet's lexer, for the part of the language a type expression uses."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise PuppetTypeError(f"unterminated comment at {i}")
            i = end + 2
        elif c == "/":
            source, i = _regex(text, i)
            tokens.append(_Token("REGEX", source, i))
        elif c in "'\"":
            value, j = (_single_quoted if c == "'" else _double_quoted)(text, i)
            tokens.append(_Token("STRING", value, i))
            i = j
        elif c.isdigit():
            kind, value, j = _number(text, i)
            tokens.append(_Token(kind, value, i))
            i = j
        elif c == ":" or c.isalpha() or c == "_":
            name, j = _qualified_name(text, i)
            bare = name.removeprefix("::")
            first = bare[:1]
            if first.isupper():
                if any(not part[:1].isupper() for part in bare.split("::")):
                    raise PuppetTypeError(f"{name!r} is neither a type name nor a bare word")
                tokens.append(_Token("TYPE", bare, i))
            elif bare in _KEYWORDS:
                kind = _KEYWORDS[bare]
                tokens.append(_Token(kind, {"true": True, "false": False}.get(bare), i))
            else:
                tokens.append(_Token("NAME", bare, i))
            i = j
        else:
            for punct in _PUNCTUATION:
                if text.startswith(punct, i):
                    tokens.append(_Token(punct, punct, i))
                    i += len(punct)
                    break
            else:
                raise PuppetTypeError(f"unexpected {c!r} at {i} in {text!r}")
    tokens.append(_Token("EOF", None, n))
    return tokens


def _qualified_name(text: str, i: int) -> tuple[str, int]:
    j = i
    n = len(text)
    while j < n:
        if text.startswith("::", j):
            j += 2
        elif text[j].isalnum() or text[j] == "_":
            j += 1
        else:
            break
    name = text[i:j]
    if not name.strip(":") or name.endswith(":") or ":::" in name:
        raise PuppetTypeError(f"bad name {name!r} at {i}")
    return name, j


def _regex(text: str, i: int) -> tuple[str, int]:
    """`/.../` as Puppet's lexer reads it: ends at the first `/` not escaped by a backslash,
    and `\\/` stands for `/` in the regex handed to Ruby."""
    j = i + 1
    while True:
        end = text.find("/", j)
        if end < 0 or ("\n" in text[j:end] and j == i + 1):
            raise PuppetTypeError(f"unterminated regular expression at {i}")
        backslashes = 0
        k = end - 1
        while k > i and text[k] == "\\":
            backslashes += 1
            k -= 1
        if backslashes % 2 == 0:
            return text[i + 1 : end].replace("\\/", "/"), end + 1
        j = end + 1


def _single_quoted(text: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text) and text[j + 1] in "\\'":
            out.append(text[j + 1])
            j += 2
        elif c == "'":
            return "".join(out), j + 1
        else:
            out.append(c)
            j += 1
    raise PuppetTypeError(f"unterminated string at {i}")


def _double_quoted(text: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text):
            nxt = text[j + 1]
            if nxt in _DOUBLE_QUOTE_ESCAPES:
                out.append(_DOUBLE_QUOTE_ESCAPES[nxt])
                j += 2
            elif nxt == "u":
                code, j = _unicode_escape(text, j + 2)
                out.append(chr(code))
            else:  # Puppet keeps an unknown escape as it is (and warns)
                out.append(c)
                j += 1
        elif c == "$" and j + 1 < len(text) and (text[j + 1] == "{" or text[j + 1].isalpha() or text[j + 1] == ":"):
            raise PuppetTypeError(f"interpolation in a type expression at {j}")
        elif c == '"':
            return "".join(out), j + 1
        else:
            out.append(c)
            j += 1
    raise PuppetTypeError(f"unterminated string at {i}")


def _unicode_escape(text: str, j: int) -> tuple[int, int]:
    if text.startswith("{", j):
        end = text.find("}", j)
        digits = text[j + 1 : end] if end > 0 else ""
        nxt = end + 1
    else:
        digits = text[j : j + 4]
        nxt = j + 4
    try:
        return int(digits, 16), nxt
    except ValueError:
        raise PuppetTypeError(f"bad unicode escape at {j}") from None


def _number(text: str, i: int) -> tuple[str, Any, int]:
    j = i
    n = len(text)
    if text.startswith(("0x", "0X"), i):
        j = i + 2
        while j < n and text[j] in "0123456789abcdefABCDEF":
            j += 1
        return "INT", int(text[i:j], 16), j
    while j < n and text[j].isdigit():
        j += 1
    is_float = False
    if j + 1 < n and text[j] == "." and text[j + 1].isdigit():
        is_float = True
        j += 1
        while j < n and text[j].isdigit():
            j += 1
    if j < n and text[j] in "eE":
        k = j + 1
        if k < n and text[k] in "+-":
            k += 1
        if k < n and text[k].isdigit():
            is_float = True
            j = k
            while j < n and text[j].isdigit():
                j += 1
    if j < n and (text[j].isalpha() or text[j] == "_"):
        raise PuppetTypeError(f"bad number {text[i : j + 1]!r} at {i}")
    literal = text[i:j]
    if is_float:
        return "FLOAT", float(literal), j
    if len(literal) > 1 and literal.startswith("0"):
        if any(d in "89" for d in literal):
            raise PuppetTypeError(f"bad octal number {literal!r} at {i}")
        return "INT", int(literal, 8), j
    return "INT", int(literal), j


@dataclass(frozen=True)
class _Ref:
    """A type name as written (`Stdlib::Port`, `Array[String, 1]`), not yet resolved."""

    name: str
    args: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class _Regex:
    source: str


@dataclass(frozen=True)
class _HashLit:
    entries: tuple[tuple[Any, Any], ...]


@dataclass(frozen=True)
class _ArrayLit:
    items: tuple[Any, ...]


class _DefaultLit:
    def __repr__(self) -> str:
        return "default"


DEFAULT = _DefaultLit()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def take(self, kind: str | None = None) -> _Token:
        token = self.peek()
        if kind is not None and token.kind != kind:
            raise PuppetTypeError(f"expected {kind} at {token.pos} in {self.text!r}, found {token.kind}")
        self.at += 1
        return token

    def type_expression(self, signature: bool = False) -> _Ref:
        token = self.peek()
        if token.kind != "TYPE":
            raise PuppetTypeError(f"the expression <{self.text.strip()}> is not a valid type specification")
        return self.reference(signature)

    def reference(self, signature: bool = False) -> _Ref:
        name = self.take("TYPE").value
        if self.peek().kind != "[":
            return _Ref(name)
        items = self.items("[", "]", trailing_comma=not signature)
        if not items:
            raise PuppetTypeError(f"empty type parameters in {self.text!r}")
        return _Ref(name, tuple(items))

    def items(self, opening: str, closing: str, trailing_comma: bool = True) -> list[Any]:
        self.take(opening)
        items: list[Any] = []
        while self.peek().kind != closing:
            items.append(self.value())
            if self.peek().kind == ",":
                comma = self.take(",")
                if self.peek().kind == closing and not trailing_comma:
                    raise PuppetTypeError(f"Syntax error at '{closing}': no comma may end it ({comma.pos})")
            elif self.peek().kind != closing:
                raise PuppetTypeError(f"expected ',' or '{closing}' at {self.peek().pos} in {self.text!r}")
        self.take(closing)
        return items

    def value(self) -> Any:
        token = self.peek()
        kind = token.kind
        if kind == "TYPE":
            return self.reference()
        if kind in ("STRING", "NAME"):
            return self.take().value
        if kind in ("INT", "FLOAT", "BOOL"):
            return self.take().value
        if kind == "UNDEF":
            self.take()
            return None
        if kind == "DEFAULT":
            self.take()
            return DEFAULT
        if kind == "REGEX":
            return _Regex(self.take().value)
        if kind == "-":
            self.take()
            number = self.take()
            if number.kind not in ("INT", "FLOAT"):
                raise PuppetTypeError(f"'-' must be followed by a number at {token.pos} in {self.text!r}")
            return -number.value
        if kind == "[":
            return _ArrayLit(tuple(self.items("[", "]")))
        if kind == "{":
            return self.hash_literal()
        raise PuppetTypeError(f"unexpected {kind} at {token.pos} in {self.text!r}")

    def hash_literal(self) -> _HashLit:
        self.take("{")
        entries: list[tuple[Any, Any]] = []
        while self.peek().kind != "}":
            key = self.value()
            self.take("=>")
            entries.append((key, self.value()))
            if self.peek().kind == ",":
                self.take(",")
            elif self.peek().kind != "}":
                raise PuppetTypeError(f"expected ',' or '}}' at {self.peek().pos} in {self.text!r}")
        self.take("}")
        return _HashLit(tuple(entries))


def _parse_expression(text: str, signature: bool = False) -> _Ref:
    """A type expression; in a plan signature (`signature`), Puppet's grammar allows no
    comma before the outermost `]` (it does inside, and in an alias declaration)."""
    parser = _Parser(text)
    ref = parser.type_expression(signature)
    if parser.peek().kind != "EOF":
        raise PuppetTypeError(f"the expression <{text.strip()}> is not a valid type specification")
    return ref


def parse_alias_declarations(source: str) -> dict[str, str]:
    """`type Name = Expression` statements, one after another, as Puppet reads a module's
    `types/*.pp`: the alias name mapped to its expression's text."""
    parser = _Parser(source)
    aliases: dict[str, str] = {}
    while parser.peek().kind != "EOF":
        keyword = parser.take("NAME")
        if keyword.value != "type":
            raise PuppetTypeError(f"expected 'type' at {keyword.pos}")
        name = parser.take("TYPE").value
        parser.take("=")
        start = parser.peek().pos
        parser.type_expression()
        end = parser.peek().pos
        text = source[start:end].rstrip()
        if name.lower() in {key.lower() for key in aliases}:
            raise PuppetTypeError(f"type alias {name} is declared twice")
        aliases[name] = _strip_trailing_comments(text)
    return aliases


def _strip_trailing_comments(text: str) -> str:
    # The expression's text ends where the next statement's first token starts, so comment
    # lines between two statements trail it; they are dropped, as no token follows them.
    lines = text.split("\n")
    while lines and lines[-1].lstrip().startswith("#"):
        lines.pop()
    return "\n".join(lines).rstrip()


# -- types ----------------------------------------------------------------------------------


class _Format:
    """How a type prints: Puppet's TypeFormatter, with aliases expanded or not."""

    def __init__(self, expanded: bool) -> None:
        self.expanded = expanded
        self.expanding: set[str] = set()


class PuppetType:
    """A resolved Puppet type. Subclasses name themselves like Puppet's (`Integer`)."""

    simple_name = "Any"

    @property
    def name(self) -> str:
        return self.simple_name

    def matches(self, value: Any) -> bool:
        raise NotImplementedError

    def fmt(self, out: _Format) -> str:
        return self.simple_name

    def __str__(self) -> str:
        return self.fmt(_Format(expanded=False))

    def expanded(self) -> str:
        """Puppet's `to_alias_expanded_s`: aliases print as `Name = Definition`."""
        return self.fmt(_Format(expanded=True))

    def normalize(self) -> PuppetType:
        return self

    def resolved(self) -> PuppetType:
        return self

    def default_matches(self, value: Any) -> bool:
        """Whether the unparameterized type of this kind (Puppet's `DEFAULT`) takes the value."""
        return self.matches(value)

    def children(self) -> Iterator[PuppetType]:
        return iter(())

    def generalize(self) -> PuppetType:
        """Puppet's generalize: the type without its ranges, sizes and values."""
        return self


def _fmt(value: Any, out: _Format) -> str:
    if isinstance(value, PuppetType):
        return value.fmt(out)
    if isinstance(value, str):
        return _puppet_quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _ruby_float(value)
    return str(value)


def _ruby_float(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return f"{value:.1f}"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}e{sign}{exponent.lstrip('+-').zfill(2)}"
    return text


def _puppet_quote(text: str) -> str:
    """Puppet's StringConverter#puppet_quote: single quotes unless a control character needs
    double quotes."""
    if any(ord(c) < 0x20 for c in text):
        escaped = []
        for c in text:
            escaped.append(
                {"\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\", "$": "\\$"}.get(c)
                or (f"\\u{{{ord(c):X}}}" if ord(c) < 0x20 else c)
            )
        return '"' + "".join(escaped) + '"'
    out: list[str] = []
    escaped_backslash = False
    for c in text:
        if escaped_backslash:
            out.append("\\" + c)
            escaped_backslash = False
        elif c == "'":
            out.append("\\'")
        elif c == "\\":
            escaped_backslash = True
        else:
            out.append(c)
    if escaped_backslash:
        out.append("\\\\")
    return "'" + "".join(out) + "'"


def _range_part(lo: float | None, hi: float | None, fmt: Callable[[Any], str] = str) -> list[str]:
    """Puppet's range_array_part: nothing when unbounded, else `from[, to]`."""
    unbounded = lo in (None, -INFINITY) and hi in (None, INFINITY)
    if unbounded:
        return []
    parts = ["default" if lo in (None, -INFINITY) else fmt(lo)]
    if hi not in (None, INFINITY):
        parts.append(fmt(hi))
    return parts


def _bracket(name: str, parts: Sequence[str]) -> str:
    return f"{name}[{', '.join(parts)}]" if parts else name


@dataclass(frozen=True, eq=True)
class AnyType(PuppetType):
    simple_name = "Any"

    def matches(self, value: Any) -> bool:
        return True


@dataclass(frozen=True, eq=True)
class UnitType(PuppetType):
    simple_name = "Unit"

    def matches(self, value: Any) -> bool:
        return True


@dataclass(frozen=True, eq=True)
class UndefType(PuppetType):
    simple_name = "Undef"

    def matches(self, value: Any) -> bool:
        return value is None


@dataclass(frozen=True, eq=True)
class BooleanType(PuppetType):
    value: bool | None = None
    simple_name = "Boolean"

    def matches(self, value: Any) -> bool:
        return isinstance(value, bool) and (self.value is None or value is self.value)

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, bool)

    def fmt(self, out: _Format) -> str:
        return "Boolean" if self.value is None else f"Boolean[{_fmt(self.value, out)}]"

    def generalize(self) -> PuppetType:
        return BooleanType()


@dataclass(frozen=True, eq=True)
class IntegerType(PuppetType):
    lo: float = -INFINITY
    hi: float = INFINITY
    simple_name = "Integer"

    def matches(self, value: Any) -> bool:
        return _is_integer(value) and self.lo <= value <= self.hi

    def default_matches(self, value: Any) -> bool:
        return _is_integer(value)

    def fmt(self, out: _Format) -> str:
        return _bracket("Integer", _range_part(self.lo, self.hi))

    def generalize(self) -> PuppetType:
        return IntegerType()

    def merge(self, other: IntegerType) -> IntegerType | None:
        # Puppet merges ranges that overlap or touch
        if self.hi + 1 < other.lo or other.hi + 1 < self.lo:
            return None
        return IntegerType(min(self.lo, other.lo), max(self.hi, other.hi))


@dataclass(frozen=True, eq=True)
class FloatType(PuppetType):
    lo: float = -INFINITY
    hi: float = INFINITY
    simple_name = "Float"

    def matches(self, value: Any) -> bool:
        return _is_float(value) and self.lo <= value <= self.hi

    def default_matches(self, value: Any) -> bool:
        return _is_float(value)

    def fmt(self, out: _Format) -> str:
        return _bracket("Float", _range_part(self.lo, self.hi, _ruby_float))

    def generalize(self) -> PuppetType:
        return FloatType()

    def merge(self, other: FloatType) -> FloatType | None:
        if self.hi < other.lo or other.hi < self.lo:
            return None
        return FloatType(min(self.lo, other.lo), max(self.hi, other.hi))


@dataclass(frozen=True, eq=True)
class NumericType(PuppetType):
    simple_name = "Numeric"

    def matches(self, value: Any) -> bool:
        return _is_number(value)


@dataclass(frozen=True, eq=True)
class StringType(PuppetType):
    """`String[min, max]`, or the type of one string value (what Puppet infers for it)."""

    lo: float = 0
    hi: float = INFINITY
    value: str | None = None
    simple_name = "String"

    def matches(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if self.value is not None:
            return value == self.value
        return self.lo <= len(value) <= self.hi

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, str)

    def fmt(self, out: _Format) -> str:
        if self.value is not None:
            return "String"
        return _bracket("String", _range_part(self.lo if self.lo else None, self.hi))

    def generalize(self) -> PuppetType:
        return StringType()


@dataclass(frozen=True, eq=True)
class EnumType(PuppetType):
    values: tuple[str, ...] = ()
    case_insensitive: bool = False
    simple_name = "Enum"

    def matches(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if not self.values:
            return True
        if self.case_insensitive:
            return value.lower() in {v.lower() for v in self.values}
        return value in self.values

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, str)

    def fmt(self, out: _Format) -> str:
        parts = [_puppet_quote(v) for v in self.values]
        if self.case_insensitive:
            parts.append("true")
        return _bracket("Enum", parts)

    def generalize(self) -> PuppetType:
        # Puppet: the general form of an Enum is a String as long as its values
        if not self.values:
            return StringType()
        lengths = [len(v) for v in self.values]
        return StringType(min(lengths), max(lengths))


@dataclass(frozen=True)
class _Regexp:
    source: str
    compiled: Any = field(compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, source: str) -> _Regexp:
        return cls(source, _compile_ruby_regex(source))

    def search(self, text: str) -> bool:
        return self.compiled.search(text) is not None

    def fmt(self) -> str:
        # Ruby's Regexp#inspect: the source between slashes, a bare slash escaped
        out: list[str] = []
        escaped = False
        for c in self.source:
            if escaped:
                out.append(c)
                escaped = False
            elif c == "\\":
                out.append(c)
                escaped = True
            elif c == "/":
                out.append("\\/")
            else:
                out.append(c)
        return "/" + "".join(out) + "/"


@cache
def _compile_ruby_regex(source: str) -> Any:
    try:
        return onigurumacffi.compile(_oniguruma_source(source))
    except onigurumacffi.OnigError as error:
        raise PuppetTypeError(f"bad regular expression /{source}/: {error}") from None


# Where Oniguruma reads a regex differently from Ruby's Onigmo: in Ruby, \w, \d and \s are
# ASCII unless (?u) says otherwise, and (?a) makes POSIX brackets and \b ASCII too; Oniguruma's
# are Unicode and it knows no (?a), (?d) or (?u). \p{...} is Unicode in both.
_ASCII_ESCAPES = {
    "w": "a-zA-Z0-9_",
    "d": "0-9",
    "s": "\\t\\n\\v\\f\\r ",
}
_ASCII_POSIX = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "ascii": "\\x00-\\x7F",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "a-zA-Z0-9_",
    "xdigit": "0-9a-fA-F",
}


def _oniguruma_source(source: str) -> str:
    """The Ruby regex, rewritten so that Oniguruma reads it as Ruby does (see above)."""
    out: list[str] = []
    modes = ["d"]  # the character-set mode of each open group: d(efault), a(scii), u(nicode)
    depth = 0  # inside a bracket expression
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        mode = modes[-1]
        if c == "\\" and i + 1 < n:
            letter = source[i + 1]
            if letter.lower() in _ASCII_ESCAPES and mode != "u":
                chars = _ASCII_ESCAPES[letter.lower()]
                negate = letter.isupper()
                if depth:
                    out.append(f"[^{chars}]" if negate else chars)
                else:
                    out.append(f"[^{chars}]" if negate else f"[{chars}]")
            elif letter in "bB" and mode == "a" and not depth:
                out.append(f"(?W:\\{letter})")  # (?a) makes word boundaries ASCII too
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if depth and source.startswith("[:", i):
            end = source.find(":]", i + 2)
            name = source[i + 2 : end] if end > 0 else ""
            negate = name.startswith("^")
            if mode == "a" and name.lstrip("^") in _ASCII_POSIX:
                chars = _ASCII_POSIX[name.lstrip("^")]
                out.append(f"[^{chars}]" if negate else f"[{chars}]")
                i = end + 2
                continue
        if c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
        elif c == "(" and not depth:
            options, length, scoped = _group_options(source, i)
            if options is not None:
                charset = next((m for m in "adu" if m in options), None)
                kept = "".join(ch for ch in options if ch not in "adu")
                if scoped:
                    modes.append(charset or mode)
                    out.append(f"(?{kept}:")
                else:
                    if charset:
                        modes[-1] = charset
                    if kept.strip("-"):
                        out.append(f"(?{kept})")
                i += length
                continue
            modes.append(mode)
        elif c == ")" and not depth and len(modes) > 1:
            modes.pop()
        out.append(c)
        i += 1
    return "".join(out)


def _group_options(source: str, i: int) -> tuple[str | None, int, bool]:
    """`(?ia)` or `(?a-m:` at i: its option letters, its length, and whether it opens a group."""
    j = i + 2
    if not source.startswith("(?", i):
        return None, 0, False
    while j < len(source) and source[j] in "imxadu-":
        j += 1
    if j == i + 2 or j >= len(source) or source[j] not in "):":
        return None, 0, False
    return source[i + 2 : j], j - i + 1, source[j] == ":"


@dataclass(frozen=True, eq=True)
class PatternType(PuppetType):
    """Ruby regexes, any of which may match anywhere in the string (Ruby's `=~`)."""

    patterns: tuple[_Regexp, ...] = ()
    simple_name = "Pattern"

    def matches(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        return not self.patterns or any(p.search(value) for p in self.patterns)

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, str)

    def fmt(self, out: _Format) -> str:
        return _bracket("Pattern", [p.fmt() for p in self.patterns])


@dataclass(frozen=True, eq=True)
class ScalarType(PuppetType):
    simple_name = "Scalar"

    def matches(self, value: Any) -> bool:
        return isinstance(value, (str, bool)) or _is_number(value)


@dataclass(frozen=True, eq=True)
class ScalarDataType(PuppetType):
    simple_name = "ScalarData"

    def matches(self, value: Any) -> bool:
        return isinstance(value, (str, bool)) or _is_number(value)


def _size_ok(size: int, lo: float, hi: float) -> bool:
    return lo <= size <= hi


@dataclass(frozen=True, eq=True)
class ArrayType(PuppetType):
    element: PuppetType = AnyType()
    lo: float = 0
    hi: float = INFINITY
    sized: bool = False  # whether a size was given (Puppet keeps size_type nil otherwise)
    simple_name = "Array"

    def matches(self, value: Any) -> bool:
        return (
            isinstance(value, list)
            and _size_ok(len(value), self.lo, self.hi)
            and all(self.element.matches(item) for item in value)
        )

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, list)

    def fmt(self, out: _Format) -> str:
        if self.hi == 0:
            return "Array[0, 0]"
        parts = [] if isinstance(self.element, AnyType) else [self.element.fmt(out)]
        size = _range_part(self.lo if self.lo else None, self.hi)
        if size and not parts:
            parts = ["Any"]
        return _bracket("Array", parts + size)

    def children(self) -> Iterator[PuppetType]:
        yield self.element

    def generalize(self) -> PuppetType:
        return ArrayType(self.element.generalize())


@dataclass(frozen=True, eq=True)
class TupleType(PuppetType):
    types: tuple[PuppetType, ...] = ()
    lo: float | None = None  # None: exactly as many elements as types
    hi: float | None = None
    simple_name = "Tuple"

    def size_range(self) -> tuple[float, float]:
        if self.lo is None:
            return len(self.types), len(self.types)
        return self.lo, self.hi if self.hi is not None else INFINITY

    def matches(self, value: Any) -> bool:
        if not isinstance(value, list):
            return False
        if not self.types:
            return self.lo is None or _size_ok(len(value), *self.size_range())
        if not _size_ok(len(value), *self.size_range()):
            return False
        last = len(self.types) - 1
        return all(self.types[min(i, last)].matches(item) for i, item in enumerate(value))

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, list)

    def fmt(self, out: _Format) -> str:
        parts = [t.fmt(out) for t in self.types]
        if self.lo is not None:
            parts += _range_part(self.lo, self.hi)
        return _bracket("Tuple", parts)

    def children(self) -> Iterator[PuppetType]:
        yield from self.types

    def generalize(self) -> PuppetType:
        return TupleType(tuple(t.generalize() for t in self.types), self.lo, self.hi)


@dataclass(frozen=True, eq=True)
class HashType(PuppetType):
    key: PuppetType = AnyType()
    value: PuppetType = AnyType()
    lo: float = 0
    hi: float = INFINITY
    sized: bool = False
    simple_name = "Hash"

    def matches(self, value: Any) -> bool:
        return (
            isinstance(value, dict)
            and _size_ok(len(value), self.lo, self.hi)
            and all(self.key.matches(k) and self.value.matches(v) for k, v in value.items())
        )

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, dict)

    def fmt(self, out: _Format) -> str:
        if self.hi == 0:
            return "Hash[0, 0]"
        parts = (
            []
            if isinstance(self.key, AnyType) and isinstance(self.value, AnyType)
            else [
                self.key.fmt(out),
                self.value.fmt(out),
            ]
        )
        size = _range_part(self.lo if self.lo else None, self.hi)
        if size and not parts:
            parts = ["Any", "Any"]
        return _bracket("Hash", parts + size)

    def children(self) -> Iterator[PuppetType]:
        yield self.key
        yield self.value

    def generalize(self) -> PuppetType:
        return HashType(self.key.generalize(), self.value.generalize())


@dataclass(frozen=True, eq=True)
class StructElement:
    name: str
    value: PuppetType
    optional: bool  # may the key be left out (Puppet: the key type is Optional)

    def fmt(self, out: _Format) -> str:
        value_takes_undef = self.value.matches(None)
        if self.optional:
            key = _puppet_quote(self.name) if value_takes_undef else f"Optional[{_puppet_quote(self.name)}]"
        else:
            key = f"NotUndef[{_puppet_quote(self.name)}]" if value_takes_undef else _puppet_quote(self.name)
        return f"{key} => {self.value.fmt(out)}"


@dataclass(frozen=True, eq=True)
class StructType(PuppetType):
    elements: tuple[StructElement, ...] = ()
    simple_name = "Struct"

    def matches(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        seen = 0
        for element in self.elements:
            if element.name in value:
                seen += 1
                if not element.value.matches(value[element.name]):
                    return False
            elif not element.optional:
                return False
        return seen == len(value)

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, dict)

    def fmt(self, out: _Format) -> str:
        if not self.elements:
            return "Struct"
        return "Struct[{" + ", ".join(e.fmt(out) for e in self.elements) + "}]"

    def children(self) -> Iterator[PuppetType]:
        return (e.value for e in self.elements)

    def generalize(self) -> PuppetType:
        return StructType(tuple(StructElement(e.name, e.value.generalize(), e.optional) for e in self.elements))


@dataclass(frozen=True, eq=True)
class CollectionType(PuppetType):
    lo: float = 0
    hi: float = INFINITY
    simple_name = "Collection"

    def matches(self, value: Any) -> bool:
        return isinstance(value, (list, dict)) and _size_ok(len(value), self.lo, self.hi)

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, (list, dict))

    def fmt(self, out: _Format) -> str:
        return _bracket("Collection", _range_part(self.lo if self.lo else None, self.hi))

    def generalize(self) -> PuppetType:
        return CollectionType()


@dataclass(frozen=True, eq=True)
class OptionalType(PuppetType):
    type: PuppetType | None = None
    simple_name = "Optional"

    def matches(self, value: Any) -> bool:
        return value is None or self.type is None or self.type.matches(value)

    def default_matches(self, value: Any) -> bool:
        return True

    def fmt(self, out: _Format) -> str:
        if self.type is None:
            return "Optional"
        if isinstance(self.type, StringType) and self.type.value is not None:
            return f"Optional[{_puppet_quote(self.type.value)}]"
        return f"Optional[{self.type.fmt(out)}]"

    def normalize(self) -> PuppetType:
        if self.type is None:
            return self
        inner = self.type.normalize()
        if isinstance(inner, NotUndefType):
            return OptionalType(inner.type).normalize()
        if inner.matches(None):
            return inner
        return OptionalType(inner)

    def children(self) -> Iterator[PuppetType]:
        if self.type is not None:
            yield self.type

    def generalize(self) -> PuppetType:
        return self if self.type is None else OptionalType(self.type.generalize())


@dataclass(frozen=True, eq=True)
class NotUndefType(PuppetType):
    type: PuppetType | None = None
    simple_name = "NotUndef"

    def matches(self, value: Any) -> bool:
        return value is not None and (self.type is None or self.type.matches(value))

    def default_matches(self, value: Any) -> bool:
        return value is not None

    def fmt(self, out: _Format) -> str:
        if self.type is None or isinstance(self.type, AnyType):
            return "NotUndef"
        if isinstance(self.type, StringType) and self.type.value is not None:
            return f"NotUndef[{_puppet_quote(self.type.value)}]"
        return f"NotUndef[{self.type.fmt(out)}]"

    def normalize(self) -> PuppetType:
        if self.type is None:
            return self
        inner = self.type.normalize()
        if isinstance(inner, OptionalType):
            inner = inner.type or AnyType()
        if not inner.matches(None):
            return inner
        return NotUndefType(inner)

    def children(self) -> Iterator[PuppetType]:
        if self.type is not None:
            yield self.type

    def generalize(self) -> PuppetType:
        return self if self.type is None else NotUndefType(self.type.generalize())


@dataclass(frozen=True, eq=True)
class SensitiveType(PuppetType):
    type: PuppetType = AnyType()
    simple_name = "Sensitive"

    def matches(self, value: Any) -> bool:
        return isinstance(value, Sensitive) and self.type.matches(value.value)

    def default_matches(self, value: Any) -> bool:
        return isinstance(value, Sensitive)

    def fmt(self, out: _Format) -> str:
        return "Sensitive" if isinstance(self.type, AnyType) else f"Sensitive[{self.type.fmt(out)}]"

    def children(self) -> Iterator[PuppetType]:
        yield self.type

    def generalize(self) -> PuppetType:
        return SensitiveType(self.type.generalize())


@dataclass(frozen=True, eq=True)
class VariantType(PuppetType):
    types: tuple[PuppetType, ...] = ()
    simple_name = "Variant"

    def matches(self, value: Any) -> bool:
        return any(t.matches(value) for t in self.types)

    def default_matches(self, value: Any) -> bool:
        return True

    def fmt(self, out: _Format) -> str:
        return _bracket("Variant", [t.fmt(out) for t in self.types])

    def normalize(self) -> PuppetType:
        if not self.types:
            return self
        types = [t.normalize() for t in self.types]
        modified = types != list(self.types)
        if len(types) == 1:
            return types[0]
        if any(isinstance(t, (UndefType, OptionalType)) for t in types):
            inner = [t.type if isinstance(t, OptionalType) else t for t in types if not isinstance(t, UndefType)]
            rest = [t for t in inner if t is not None]
            return OptionalType(_variant_of(rest) if rest else None).normalize()
        types = _flatten_variants(types)
        before = len(types)
        types = _merge_not_undefs(types)
        types = _merge_enums(types)
        types = _merge_patterns(types)
        types = _merge_ranges(types, IntegerType)
        types = _merge_ranges(types, FloatType)
        if len(types) == 1:
            return types[0]
        if modified or len(types) != before:
            return _variant_of(types)
        return self

    def generalize(self) -> PuppetType:
        return _variant_of([t.generalize() for t in self.types]) if self.types else self

    def children(self) -> Iterator[PuppetType]:
        yield from self.types


def _uniq(items: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _flatten_variants(types: Sequence[PuppetType]) -> list[PuppetType]:
    out: list[PuppetType] = []
    for t in types:
        out.extend(t.types if isinstance(t, VariantType) else [t])
    return out


def _variant_of(types: Sequence[PuppetType]) -> PuppetType:
    """Puppet's PVariantType.maybe_create: one type stays itself."""
    unique = _uniq(_flatten_variants(types))
    return unique[0] if len(unique) == 1 else VariantType(tuple(unique))


def _merge_not_undefs(types: list[PuppetType]) -> list[PuppetType]:
    not_undefs = [t for t in types if isinstance(t, NotUndefType)]
    if len(types) < 2 or len(not_undefs) < 2:
        return types
    inner = _variant_of([t.type or AnyType() for t in not_undefs]).normalize()
    return [t for t in types if not isinstance(t, NotUndefType)] + [NotUndefType(inner)]


def _merge_enums(types: list[PuppetType]) -> list[PuppetType]:
    if len(types) > 1:

        def sensitive_enum(t: PuppetType) -> bool:
            return (isinstance(t, EnumType) and bool(t.values) and not t.case_insensitive) or (
                isinstance(t, StringType) and t.value is not None
            )

        enums = [t for t in types if sensitive_enum(t)]
        if len(enums) > 1:
            values: list[str] = []
            for t in enums:
                values.extend([t.value] if isinstance(t, StringType) else t.values)  # type: ignore[list-item,attr-defined]  # sensitive_enum: a String with a value, or an Enum
            types = [t for t in types if not sensitive_enum(t)] + [EnumType(tuple(sorted(set(values))))]
    if len(types) > 1:
        insensitive = [t for t in types if isinstance(t, EnumType) and t.values and t.case_insensitive]
        if len(insensitive) > 1:
            lowered = _uniq([v.lower() for t in insensitive for v in t.values])
            types = [t for t in types if t not in insensitive] + [EnumType(tuple(sorted(lowered)), True)]
    return types


def _merge_patterns(types: list[PuppetType]) -> list[PuppetType]:
    patterns = [t for t in types if isinstance(t, PatternType)]
    if len(types) < 2 or len(patterns) < 2:
        return types
    merged = PatternType(tuple(_uniq([p for t in patterns for p in t.patterns])))
    return [t for t in types if not isinstance(t, PatternType)] + [merged]


def _merge_ranges(types: list[PuppetType], kind: type[IntegerType] | type[FloatType]) -> list[PuppetType]:
    ranges: list[Any] = [t for t in types if isinstance(t, kind)]
    if len(types) < 2 or len(ranges) < 2:
        return types
    merged: list[Any] = []
    while ranges:
        current = ranges.pop()
        unmerged = []
        for other in ranges:
            joined = current.merge(other)
            if joined is None:
                unmerged.append(other)
            else:
                current = joined
        merged.append(current)
        ranges = unmerged
    return merged + [t for t in types if not isinstance(t, kind)]


@dataclass(frozen=True, eq=True)
class IterableType(PuppetType):
    element: PuppetType | None = None
    simple_name = "Iterable"

    def matches(self, value: Any) -> bool:
        # Puppet compares the element type it infers, so an integer n iterates Integer[0, n-1]
        # and a hash iterates [key, value] pairs even when it is empty.
        if isinstance(value, str):
            items: list[Any] = list(value) or [""]
        elif isinstance(value, list):
            items = value
        elif isinstance(value, dict):
            items = [[k, v] for k, v in value.items()] or [["", None]]
        elif _is_integer(value) and value >= 0:
            items = [0, max(value - 1, 0)]
        else:
            return False
        return self.element is None or all(self.element.matches(item) for item in items)

    def default_matches(self, value: Any) -> bool:
        return IterableType().matches(value)

    def fmt(self, out: _Format) -> str:
        return "Iterable" if self.element is None else f"Iterable[{self.element.fmt(out)}]"

    def children(self) -> Iterator[PuppetType]:
        if self.element is not None:
            yield self.element


@dataclass(frozen=True, eq=True)
class OpaqueType(PuppetType):
    """A Puppet or Bolt type whose instances are objects (Target, Timestamp, Type, ...):
    no JSON value is one, and PE does not convert a JSON value into one."""

    type_name: str = "Object"
    args: tuple[str, ...] = ()

    @property
    def simple_name(self) -> str:  # type: ignore[override]
        return self.type_name

    def matches(self, value: Any) -> bool:
        return False

    def fmt(self, out: _Format) -> str:
        return _bracket(self.type_name, list(self.args))


_RESOLVING = threading.RLock()  # the standard aliases are shared by every stand-in in the process


class AliasType(PuppetType):
    """`type Name = Expression`: resolved on first use, so aliases may refer to each other
    and to themselves (through a collection, as Data does)."""

    simple_name = "TypeAlias"

    def __init__(self, alias_name: str, text: str, system: TypeSystem, builtin: bool = False) -> None:
        self.alias_name = alias_name
        self.text = text
        self.system = system
        self.builtin = builtin
        self._resolved: PuppetType | None = None
        self._resolving = False

    @property
    def name(self) -> str:
        return self.alias_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AliasType) and other.alias_name.lower() == self.alias_name.lower()

    def __hash__(self) -> int:
        return hash(("alias", self.alias_name.lower()))

    def __repr__(self) -> str:
        return f"AliasType({self.alias_name!r})"

    def resolved(self) -> PuppetType:
        if self._resolved is None:
            with _RESOLVING:
                return self._resolve()
        return self._resolved

    def _resolve(self) -> PuppetType:
        if self._resolved is None:
            if self._resolving:
                raise PuppetTypeError(f"type alias {self.alias_name} refers to itself without a collection between")
            self._resolving = True
            try:
                self._resolved = self.system.build(_parse_expression(self.text))
            except PuppetTypeError as error:
                raise PuppetTypeError(f"type alias {self.alias_name}: {error}") from None
            finally:
                self._resolving = False
        return self._resolved

    def matches(self, value: Any) -> bool:
        return self.resolved().matches(value)

    def default_matches(self, value: Any) -> bool:
        return self.resolved().default_matches(value)

    def fmt(self, out: _Format) -> str:
        key = self.alias_name.lower()
        if not out.expanded or self.builtin or key in out.expanding:
            return self.alias_name
        out.expanding.add(key)
        try:
            return f"{self.alias_name} = {self.resolved().fmt(out)}"
        finally:
            out.expanding.discard(key)

    def children(self) -> Iterator[PuppetType]:
        yield self.resolved()


# -- resolving names -------------------------------------------------------------------------

# Puppet's own aliases (its static loader) and Bolt's (boltlib, and the two top-level names
# Bolt declares); Puppet prints the former unexpanded.
PUPPET_ALIASES = """
type Data = Variant[ScalarData, Undef, Hash[String, Data], Array[Data]]
type RichDataKey = Variant[String, Numeric]
type RichData = Variant[Scalar, SemVerRange, Binary, Sensitive, Type, TypeSet, URI, Object, Undef, Default,
                        Hash[RichDataKey, RichData], Array[RichData]]
type Puppet::LookupKey = RichDataKey
type Puppet::LookupValue = RichData
"""
BOLT_ALIASES = """
type Boltlib::TargetSpec = Variant[String[1], Target, Array[Boltlib::TargetSpec]]
type Boltlib::PlanResult = Variant[Boolean, Numeric, String, Undef, Error, Result, ApplyResult, ResultSet, Target,
                                   ResourceInstance, ContainerResult, Future, Array[Boltlib::PlanResult],
                                   Hash[String, Boltlib::PlanResult]]
type TargetSpec = Boltlib::TargetSpec
type PlanResult = Boltlib::PlanResult
"""

# Types whose instances are runtime objects, never a JSON value.
OPAQUE_TYPES = {
    name.lower(): name
    for name in (
        # Puppet
        "Default",
        "Regexp",
        "Timestamp",
        "Timespan",
        "SemVer",
        "SemVerRange",
        "Binary",
        "URI",
        "Type",
        "TypeSet",
        "TypeAlias",
        "TypeReference",
        "Object",
        "Init",
        "Iterator",
        "Callable",
        "Runtime",
        "Class",
        "Resource",
        "CatalogEntry",
        "Error",
        "Deferred",
        # Bolt
        "Target",
        "Result",
        "ResultSet",
        "ApplyResult",
        "ContainerResult",
        "Future",
        "ResourceInstance",
    )
}


class TypeSystem:
    """Type names and aliases, as one environment's modules see them."""

    def __init__(self, parent: TypeSystem | None = None) -> None:
        self.parent = parent
        self.aliases: dict[str, AliasType] = {}

    @classmethod
    @cache
    def standard(cls) -> TypeSystem:
        """Puppet's and Bolt's aliases plus every alias of puppetlabs-stdlib."""
        system = cls()
        system.declare(parse_alias_declarations(PUPPET_ALIASES), builtin=True)
        system.declare(parse_alias_declarations(BOLT_ALIASES))
        system.declare(parse_alias_declarations(STDLIB_TYPES.read_text()))
        return system

    def with_aliases(self, aliases: Mapping[str, str]) -> TypeSystem:
        """A system that also knows a module's aliases (`{"Mymod::Version": "Pattern[...]"}`)."""
        child = TypeSystem(parent=self)
        child.declare(aliases)
        return child

    def declare(self, aliases: Mapping[str, str], builtin: bool = False) -> None:
        for name, text in aliases.items():
            _check_alias_name(name)
            key = name.lower()
            if key in _CORE or key in OPAQUE_TYPES:
                raise PuppetTypeError(f"type alias {name}: {name} is a core type and cannot be redefined")
            if key in self.aliases:
                raise PuppetTypeError(f"type alias {name} is declared twice")
            self.aliases[key] = AliasType(name, text, self, builtin)

    def lookup_alias(self, name: str) -> AliasType | None:
        system: TypeSystem | None = self
        while system is not None:
            found = system.aliases.get(name.lower())
            if found is not None:
                return found
            system = system.parent
        return None

    def all_aliases(self) -> dict[str, AliasType]:
        found = dict(self.parent.all_aliases()) if self.parent else {}
        found.update(self.aliases)
        return found

    def parse(self, text: str) -> PuppetType:
        """The type a plan parameter's `type` text names; every name it reaches must resolve,
        as PE cannot load a plan whose signature names an unknown type."""
        if not isinstance(text, str) or not text.strip():
            raise PuppetTypeError("a type must be a non-empty string")
        result = self.build(_parse_expression(text, signature=True))
        check_resolvable(result)
        return result

    def build(self, ref: _Ref) -> PuppetType:
        key = ref.name.lower()
        if key in _CORE:
            return _CORE[key](self, ref)
        if key in OPAQUE_TYPES:
            args = tuple(_literal_text(a) for a in ref.args) if ref.args else ()
            return OpaqueType(OPAQUE_TYPES[key], args)
        alias = self.lookup_alias(ref.name)
        if alias is None:
            raise PuppetTypeError(f"references an unresolved type '{ref.name}'")
        if ref.args is not None:
            raise PuppetTypeError(f"Not a parameterized type <{ref.name}>")
        return alias


def _check_alias_name(name: str) -> None:
    parts = name.split("::")
    if not all(p[:1].isupper() and p.replace("_", "a").isalnum() for p in parts):
        raise PuppetTypeError(f"{name!r} is not a valid type alias name")


def check_resolvable(root: PuppetType) -> None:
    """Resolve every alias the type reaches, so a bad or unknown name fails now."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(t, AliasType):
            _check_productive(t)
        stack.extend(t.children())


def _check_productive(alias: AliasType) -> None:
    """An alias that comes back to itself through Variant/Optional/NotUndef/aliases only is no
    type at all (Puppet: "cannot be resolved to a real type")."""
    path: list[str] = []

    def visit(t: PuppetType) -> None:
        if isinstance(t, AliasType):
            if t.alias_name.lower() in path:
                raise PuppetTypeError(f"type alias {alias.alias_name} cannot be resolved to a real type")
            path.append(t.alias_name.lower())
            visit(t.resolved())
            path.pop()
        elif isinstance(t, (VariantType, OptionalType, NotUndefType)):
            for child in t.children():
                visit(child)

    visit(alias)


def _literal_text(arg: Any) -> str:
    if isinstance(arg, _Ref):
        return arg.name if arg.args is None else f"{arg.name}[{', '.join(_literal_text(a) for a in arg.args)}]"
    if isinstance(arg, _Regex):
        return _Regexp(arg.source, None).fmt()
    if isinstance(arg, _DefaultLit):
        return "default"
    if isinstance(arg, _HashLit):
        return "{" + ", ".join(f"{_literal_text(k)} => {_literal_text(v)}" for k, v in arg.entries) + "}"
    if isinstance(arg, _ArrayLit):
        return "[" + ", ".join(_literal_text(a) for a in arg.items) + "]"
    if arg is None:
        return "undef"
    return _fmt(arg, _Format(expanded=False))


def _bad_count(name: str, required: str, given: int) -> PuppetTypeError:
    return PuppetTypeError(f"Invalid number of type parameters specified: {name} requires {required}, {given} provided")


def _is_range_param(value: Any) -> bool:
    return (_is_integer(value)) or value is DEFAULT or value == "default"


def _bound(value: Any, default: float) -> float:
    if value is DEFAULT or value == "default":
        return default
    if not _is_integer(value):
        raise PuppetTypeError(f"a range bound must be an integer or default, not {_literal_text(value)}")
    return value


def _range(lo: Any, hi: Any) -> tuple[float, float]:
    low, high = _bound(lo, -INFINITY), _bound(hi, INFINITY)
    if low > high:
        raise PuppetTypeError(f"'from' must be less or equal to 'to'. Got ({_literal_text(lo)}, {_literal_text(hi)})")
    return low, high


def _size_range(lo: Any, hi: Any) -> tuple[float, float]:
    low, high = _range(lo, hi)
    return max(low, 0), high


def _type_arg(system: TypeSystem, arg: Any, where: str) -> PuppetType:
    if not isinstance(arg, _Ref):
        raise PuppetTypeError(f"{where} expects a type, not {_literal_text(arg)}")
    return system.build(arg)


def _args(ref: _Ref) -> tuple[Any, ...]:
    return ref.args or ()


def _build_integer(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if ref.args is None:
        return IntegerType()
    if len(args) == 1:
        if args[0] is DEFAULT:
            return IntegerType()
        lo, hi = _range(args[0], DEFAULT)
        return IntegerType(lo, hi)
    if len(args) != 2:
        raise _bad_count("Integer", "1 or 2", len(args))
    return IntegerType(*_range(args[0], args[1]))


def _float_bound(value: Any, default: float) -> float:
    if value is DEFAULT:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PuppetTypeError(f"a Float bound must be a number or default, not {_literal_text(value)}")
    return float(value)


def _build_float(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if ref.args is None:
        return FloatType()
    if len(args) == 1:
        return FloatType(_float_bound(args[0], -INFINITY), INFINITY)
    if len(args) != 2:
        raise _bad_count("Float", "1 or 2", len(args))
    lo, hi = _float_bound(args[0], -INFINITY), _float_bound(args[1], INFINITY)
    if lo > hi:
        raise PuppetTypeError(f"'from' must be less or equal to 'to'. Got ({lo}, {hi})")
    return FloatType(lo, hi)


def _build_string(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if ref.args is None:
        return StringType()
    if len(args) == 1:
        return StringType(*_size_range(args[0], DEFAULT))
    if len(args) == 2:
        return StringType(*_size_range(args[0], args[1]))
    raise _bad_count("String", "1 to 2", len(args))


def _build_enum(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = list(_args(ref))
    if ref.args is None:
        return EnumType()
    case_insensitive = False
    if args and isinstance(args[-1], bool):
        case_insensitive = args.pop()
    if not args:
        raise _bad_count("Enum", "1 or more", 0)
    if not all(isinstance(a, str) for a in args):
        raise PuppetTypeError("Enum parameters must be identifiers or strings")
    # Puppet keeps an Enum's values sorted and unique
    return EnumType(tuple(sorted(set(args))), case_insensitive)


def _build_pattern(system: TypeSystem, ref: _Ref) -> PuppetType:
    if ref.args is None:
        return PatternType()
    if not ref.args:
        raise _bad_count("Pattern", "1 or more", 0)
    patterns: list[_Regexp] = []
    for arg in ref.args:
        if isinstance(arg, str):
            patterns.append(_Regexp.of(arg))
        elif isinstance(arg, _Regex):
            patterns.append(_Regexp.of(arg.source))
        elif isinstance(arg, _Ref):
            built = system.build(arg).resolved()
            if not isinstance(built, PatternType):
                raise PuppetTypeError(f"Pattern expects strings, regexes or patterns, not {arg.name}")
            patterns.extend(built.patterns)
        else:
            raise PuppetTypeError(f"Pattern expects strings or regexes, not {_literal_text(arg)}")
    return PatternType(tuple(patterns))


def _build_variant(system: TypeSystem, ref: _Ref) -> PuppetType:
    if ref.args is None:
        return VariantType()
    if not ref.args:
        raise _bad_count("Variant", "1 or more", 0)
    return VariantType(tuple(_type_arg(system, a, "Variant") for a in ref.args))


def _build_optional(system: TypeSystem, ref: _Ref) -> PuppetType:
    if ref.args is None:
        return OptionalType()
    if len(ref.args) != 1:
        raise _bad_count("Optional", "1", len(ref.args))
    arg = ref.args[0]
    if isinstance(arg, str):
        return OptionalType(StringType(value=arg))
    return OptionalType(_type_arg(system, arg, "Optional"))


def _build_not_undef(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if not args:
        return NotUndefType()
    if len(args) != 1:
        raise _bad_count("NotUndef", "0 to 1", len(args))
    if isinstance(args[0], str):
        return NotUndefType(StringType(value=args[0]))
    return NotUndefType(_type_arg(system, args[0], "NotUndef"))


def _build_sensitive(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if not args:
        return SensitiveType()
    if len(args) != 1:
        raise _bad_count("Sensitive", "0 to 1", len(args))
    # Puppet keeps only the general form of what a Sensitive holds: Sensitive[String[12]]
    # is Sensitive[String]
    return SensitiveType(_type_arg(system, args[0], "Sensitive").generalize())


def _build_array(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if ref.args is None:
        return ArrayType()
    if len(args) == 1:
        return ArrayType(_type_arg(system, args[0], "Array"))
    if len(args) == 2:
        if isinstance(args[0], _Ref):
            return ArrayType(system.build(args[0]), *_size_range(args[1], DEFAULT), sized=True)
        return ArrayType(AnyType(), *_size_range(args[0], args[1]), sized=True)
    if len(args) == 3:
        return ArrayType(_type_arg(system, args[0], "Array"), *_size_range(args[1], args[2]), sized=True)
    raise _bad_count("Array", "1 to 3", len(args))


def _build_hash(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if ref.args is None:
        return HashType()
    if len(args) == 2:
        if isinstance(args[0], _Ref) and isinstance(args[1], _Ref):
            return HashType(system.build(args[0]), system.build(args[1]))
        return HashType(AnyType(), AnyType(), *_size_range(args[0], args[1]), sized=True)
    if len(args) == 3:
        key, value = _type_arg(system, args[0], "Hash"), _type_arg(system, args[1], "Hash")
        return HashType(key, value, *_size_range(args[2], DEFAULT), sized=True)
    if len(args) == 4:
        key, value = _type_arg(system, args[0], "Hash"), _type_arg(system, args[1], "Hash")
        return HashType(key, value, *_size_range(args[2], args[3]), sized=True)
    raise _bad_count("Hash", "2 to 4", len(args))


def _build_collection(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if ref.args is None:
        return CollectionType()
    if len(args) == 1:
        return CollectionType(*_size_range(args[0], DEFAULT))
    if len(args) == 2:
        return CollectionType(*_size_range(args[0], args[1]))
    raise _bad_count("Collection", "1 to 2", len(args))


def _build_tuple(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = list(_args(ref))
    if ref.args is None:
        return TupleType()
    if not args:
        raise _bad_count("Tuple", "1 or more", 0)
    lo: float | None = None
    hi: float | None = None
    if len(args) >= 2 and _is_range_param(args[-2]):
        lo = _bound(args[-2], 0)
        hi = _bound(args[-1], INFINITY)
        args = args[:-2]
    elif _is_range_param(args[-1]):
        lo, hi = _bound(args[-1], 0), INFINITY
        args = args[:-1]
    if lo is not None and hi is not None and lo > hi:
        raise PuppetTypeError(f"'from' must be less or equal to 'to' in {ref.name}")
    return TupleType(tuple(_type_arg(system, a, "Tuple") for a in args), lo, hi)


def _build_struct(system: TypeSystem, ref: _Ref) -> PuppetType:
    args = _args(ref)
    if ref.args is None:
        return StructType()
    if len(args) != 1 or not isinstance(args[0], _HashLit):
        raise PuppetTypeError("Struct expects one hash of key => type")
    elements: list[StructElement] = []
    for key, value in args[0].entries:
        value_type = _type_arg(system, value, "Struct")
        name, optional = _struct_key(system, key, value_type)
        if any(e.name == name for e in elements):
            raise PuppetTypeError(f"Struct key '{name}' is given twice")
        elements.append(StructElement(name, value_type, optional))
    return StructType(tuple(elements))


def _struct_key(system: TypeSystem, key: Any, value_type: PuppetType) -> tuple[str, bool]:
    """Puppet's rule: a plain key may be left out when its value type accepts undef;
    `Optional[key]` always may, `NotUndef[key]` never."""
    if isinstance(key, str):
        if not key:
            raise PuppetTypeError("Struct element key cannot be an empty String")
        return key, value_type.matches(None)
    if isinstance(key, _Ref) and key.name.lower() in ("optional", "notundef", "enum") and key.args:
        inner = key.args[0]
        if len(key.args) == 1 and isinstance(inner, str) and inner:
            return inner, key.name.lower() == "optional"
        if key.name.lower() != "enum" and isinstance(inner, _Ref) and inner.name.lower() in ("enum", "string"):
            built = system.build(inner)
            if isinstance(built, EnumType) and len(built.values) == 1:
                return built.values[0], key.name.lower() == "optional"
    raise PuppetTypeError(f"Unable to extract a non-empty literal string from Struct member key {_literal_text(key)}")


def _unparameterized(kind: Callable[[], PuppetType]) -> Callable[[TypeSystem, _Ref], PuppetType]:
    def build(system: TypeSystem, ref: _Ref) -> PuppetType:
        if ref.args is not None:
            raise PuppetTypeError(f"Not a parameterized type <{ref.name}>")
        return kind()

    return build


def _build_boolean(system: TypeSystem, ref: _Ref) -> PuppetType:
    if ref.args is None:
        return BooleanType()
    if len(ref.args) != 1 or not isinstance(ref.args[0], bool):
        raise PuppetTypeError("Boolean parameter must be true or false")
    return BooleanType(ref.args[0])


def _build_iterable(system: TypeSystem, ref: _Ref) -> PuppetType:
    # A JSON string, array or hash can be iterated; with a parameter, its elements are checked.
    if ref.args is None:
        return IterableType()
    if len(ref.args) != 1:
        raise _bad_count("Iterable", "1", len(ref.args))
    return IterableType(_type_arg(system, ref.args[0], "Iterable"))


_CORE: dict[str, Callable[[TypeSystem, _Ref], PuppetType]] = {
    "any": _unparameterized(AnyType),
    "unit": _unparameterized(UnitType),
    "undef": _unparameterized(UndefType),
    "numeric": _unparameterized(NumericType),
    "scalar": _unparameterized(ScalarType),
    "scalardata": _unparameterized(ScalarDataType),
    "boolean": _build_boolean,
    "integer": _build_integer,
    "float": _build_float,
    "string": _build_string,
    "enum": _build_enum,
    "pattern": _build_pattern,
    "variant": _build_variant,
    "optional": _build_optional,
    "notundef": _build_not_undef,
    "sensitive": _build_sensitive,
    "array": _build_array,
    "hash": _build_hash,
    "collection": _build_collection,
    "tuple": _build_tuple,
    "struct": _build_struct,
    "iterable": _build_iterable,
}


# -- what Puppet infers for a value ------------------------------------------------------------


def infer(value: Any) -> PuppetType:
    """Puppet's TypeCalculator#infer_set for a JSON value (or a Sensitive-wrapped one)."""
    if value is None:
        return UndefType()
    if isinstance(value, bool):
        return BooleanType(value)
    if _is_integer(value):
        return IntegerType(value, value)
    if isinstance(value, float):
        return FloatType(value, value)
    if isinstance(value, str):
        return StringType(len(value), len(value), value)
    if isinstance(value, Sensitive):
        return SensitiveType(_infer_plain(value.value))
    if isinstance(value, list):
        if not value:
            return ArrayType(UnitType(), 0, 0, sized=True)
        return TupleType(tuple(infer(item) for item in value))
    if isinstance(value, dict):
        if not value:
            return HashType(UnitType(), UnitType(), 0, 0, sized=True)
        if all(isinstance(k, str) and k for k in value):
            return StructType(tuple(StructElement(k, infer(v), False) for k, v in value.items()))
        keys = _variant_of([infer(k) for k in value])
        values = _variant_of([infer(v) for v in value.values()])
        return HashType(keys, values, len(value), len(value), sized=True)
    return OpaqueType(type(value).__name__)


def _infer_plain(value: Any) -> PuppetType:
    """What Puppet shows inside a Sensitive: its infer (not infer_set), generalized, so a
    collection becomes an Array or Hash of the common type of its elements."""
    if isinstance(value, list):
        if not value:
            return ArrayType(UnitType())
        return ArrayType(_general(_common([_infer_plain(v) for v in value])))
    if isinstance(value, dict):
        if not value:
            return HashType(UnitType(), UnitType(), 0, 0, sized=True)
        keys = _common([infer(k) for k in value])
        return HashType(keys, _general(_common([_infer_plain(v) for v in value.values()])))
    return _general(infer(value))


def _common(types: list[PuppetType]) -> PuppetType:
    """Puppet's common type of several, as far as JSON values need it."""
    defined = [t for t in types if not isinstance(t, UndefType)]
    types = defined or types
    first = types[0]
    if all(t == first for t in types):
        return first
    if all(isinstance(t, StringType) for t in types):
        lengths = [len(t.value) if t.value is not None else t.lo for t in types]  # type: ignore[attr-defined]
        return StringType(min(lengths), max(lengths))
    if all(isinstance(t, IntegerType) for t in types):
        return IntegerType(min(t.lo for t in types), max(t.hi for t in types))  # type: ignore[attr-defined]
    if all(isinstance(t, FloatType) for t in types):
        return FloatType(min(t.lo for t in types), max(t.hi for t in types))  # type: ignore[attr-defined]
    if all(isinstance(t, (IntegerType, FloatType, NumericType)) for t in types):
        return NumericType()
    if all(isinstance(t, BooleanType) for t in types):
        return BooleanType()
    if all(
        isinstance(t, (IntegerType, FloatType, NumericType, StringType, BooleanType, ScalarDataType)) for t in types
    ):
        return ScalarDataType()
    if all(isinstance(t, ArrayType) for t in types):
        return ArrayType(_common([t.element for t in types]))  # type: ignore[attr-defined]
    if all(isinstance(t, HashType) for t in types):
        return HashType(
            _common([t.key for t in types]),  # type: ignore[attr-defined]
            _common([t.value for t in types]),  # type: ignore[attr-defined]
        )
    return AnyType()


def _general(t: PuppetType) -> PuppetType:
    """Puppet's generalize: no ranges, no values (a Hash keeps its key type)."""
    if isinstance(t, (IntegerType, FloatType, StringType, BooleanType)):
        return type(t)()
    if isinstance(t, ArrayType):
        return ArrayType(_general(t.element))
    if isinstance(t, HashType):
        return HashType(t.key, _general(t.value))
    return t


# -- describing a mismatch, in TypeMismatchDescriber's words -------------------------------------


@dataclass(frozen=True)
class _Step:
    kind: str  # parameter, entry, key, index, variant
    key: Any

    def __str__(self) -> str:
        if self.kind == "parameter":
            return f"parameter '{self.key}'"
        if self.kind == "entry":
            return f"entry '{self.key}'"
        if self.kind == "key":
            return f"key of entry '{self.key}'"
        if self.kind == "index":
            return f"index {self.key}"
        return f"variant {self.key}"


TypePath = tuple[_Step, ...]


@dataclass(frozen=True)
class Mismatch:
    path: TypePath

    @property
    def canonical_path(self) -> TypePath:
        return tuple(step for step in self.path if step.kind != "variant")

    def _identity(self) -> tuple[Any, ...]:
        return (type(self), self.canonical_path)

    def same_as(self, other: Mismatch) -> bool:
        return self._identity() == other._identity()

    def chop(self, index: int) -> Mismatch:
        if index >= len(self.path):
            return self
        return _replace_path(self, self.path[:index] + self.path[index + 1 :])

    def format(self) -> str:
        position = " " + " ".join(str(step) for step in self.path) if self.path else ""
        return self.message(position)

    def message(self, position: str) -> str:
        raise NotImplementedError

    def merge(self, path: TypePath, other: Mismatch) -> Mismatch:
        return _replace_path(self, path)


def _replace_path(mismatch: Mismatch, path: TypePath) -> Mismatch:
    copy = object.__new__(type(mismatch))
    copy.__dict__.update(mismatch.__dict__)
    object.__setattr__(copy, "path", path)
    return copy


@dataclass(frozen=True)
class _KeyMismatch(Mismatch):
    key: str

    def _identity(self) -> tuple[Any, ...]:
        return (*super()._identity(), self.key)


class MissingKey(_KeyMismatch):
    def message(self, position: str) -> str:
        return f"{position} expects a value for key '{self.key}'"


class MissingParameter(_KeyMismatch):
    def message(self, position: str) -> str:
        return f"{position} expects a value for parameter '{self.key}'"


class ExtraneousKey(_KeyMismatch):
    def message(self, position: str) -> str:
        return f"{position} unrecognized key '{self.key}'"


class InvalidParameter(ExtraneousKey):
    def message(self, position: str) -> str:
        return f"{position} has no parameter named '{self.key}'"


@dataclass(frozen=True)
class TypeMismatch(Mismatch):
    expected: PuppetType
    actual: PuppetType
    value: Any = None

    def _identity(self) -> tuple[Any, ...]:
        return (*super()._identity(), self.expected, self.actual)

    def merge(self, path: TypePath, other: Mismatch) -> Mismatch:
        assert isinstance(other, TypeMismatch)
        expected = _variant_of(_uniq([*_as_list(self.expected), *_as_list(other.expected)])).normalize()
        return type(self)(path, expected, self.actual, self.value)

    def message(self, position: str) -> str:
        e: PuppetType = self.expected
        a = self.actual
        optional = False
        multi = False
        if isinstance(e, OptionalType):
            e = e.type or AnyType()
            optional = True
        if isinstance(e, VariantType):
            expected = list(e.types)
            if _report_detailed(expected, a, self.value):
                actual = _detailed_actual(expected, a, self.value)
                names = [t.expanded() for t in expected]
            else:
                names = _uniq([_short_name(t) for t in expected])
                actual = _short_name(a)
            if optional:
                names.insert(0, "Undef")
            if len(names) == 1:
                text = names[0]
            elif len(names) == 2:
                text = f"{names[0]} or {names[1]}"
                multi = True
            else:
                text = f"{', '.join(names[:-1])}, or {names[-1]}"
                multi = True
        else:
            if _report_detailed([e], a, self.value):
                actual = _detailed_actual([e], a, self.value)
                text = e.expanded()
            else:
                text = _short_name(e)
                actual = _short_name(a)
            if optional:
                text = f"Undef or {text}"
                multi = True
        if multi:
            return f"{position} expects a value of type {text}, got {actual}"
        return f"{position} expects {_a_an(text)} value, got {actual}"


class PatternMismatch(TypeMismatch):
    def message(self, position: str) -> str:
        e: PuppetType = self.expected
        prefix = ""
        if isinstance(e, OptionalType):
            e = e.type or AnyType()
            prefix = "an undef value or "
        a = self.actual
        # Puppet shows the string as it is, between single quotes
        got = f"'{a.value}'" if isinstance(a, StringType) and a.value is not None else _short_name(a)
        return f"{position} expects {prefix}a match for {e.expanded()}, got {got}"


@dataclass(frozen=True)
class SizeMismatch(Mismatch):
    lo: float
    hi: float
    actual_lo: float
    actual_hi: float

    def _identity(self) -> tuple[Any, ...]:
        return (*super()._identity(), self.lo, self.hi, self.actual_lo, self.actual_hi)

    def merge(self, path: TypePath, other: Mismatch) -> Mismatch:
        assert isinstance(other, SizeMismatch)
        return SizeMismatch(path, min(self.lo, other.lo), max(self.hi, other.hi), self.actual_lo, self.actual_hi)

    def message(self, position: str) -> str:
        expected = _range_words(self.lo, self.hi)
        actual = _range_words(self.actual_lo, self.actual_hi)
        return f"{position} expects size to be {expected}, got {actual}"


def _range_words(lo: float, hi: float) -> str:
    low = 0 if lo in (None, -INFINITY) else int(lo)
    if hi == low:
        return "0" if low == 0 else str(low)
    if low == 0:
        return "unlimited" if hi == INFINITY else f"at most {int(hi)}"
    if hi == INFINITY:
        return f"at least {low}"
    return f"between {low} and {int(hi)}"


def _as_list(t: PuppetType) -> list[PuppetType]:
    return list(t.types) if isinstance(t, VariantType) else [t]


def _short_name(t: PuppetType) -> str:
    # Optional, NotUndef and Sensitive show what they contain
    if isinstance(t, (OptionalType, NotUndefType, SensitiveType, IterableType)):
        inner = t.element if isinstance(t, IterableType) else t.type
        if inner is not None and not isinstance(inner, AnyType):
            return f"{t.simple_name}[{inner.name}]"
    return t.name


def _a_an(text: str) -> str:
    first = text.lstrip("'\"")[:1].lower()
    return f"{'an' if first in 'aeiouy' and first else 'a'} {text}"


def _resolved_all(t: PuppetType) -> PuppetType:
    while isinstance(t, AliasType):
        t = t.resolved()
    return t


def _specialization(e: PuppetType, a: PuppetType) -> bool:
    return (isinstance(e, StructType) and isinstance(a, HashType)) or (
        isinstance(e, TupleType) and isinstance(a, ArrayType)
    )


def _always_detailed(expected: list[PuppetType], a: PuppetType) -> bool:
    return any(type(e) is type(a) or isinstance(e, AliasType) or _specialization(e, a) for e in expected)


def _report_detailed(expected: list[PuppetType], a: PuppetType, value: Any) -> bool:
    if _always_detailed(expected, a):
        return True
    return any(_resolved_all(e).default_matches(value) for e in expected)


def _detailed_actual(expected: list[PuppetType], a: PuppetType, value: Any) -> str:
    if _always_detailed([_resolved_all(e) for e in expected], a):
        return a.expanded()
    return a.simple_name


def describe(expected: PuppetType, value: Any, path: TypePath) -> list[Mismatch]:
    """Why the value is not an instance of the type (empty when it is, mostly)."""
    return _internal(expected.normalize(), expected, value, infer(value), path)


def _internal(e: PuppetType, original: PuppetType, value: Any, a: PuppetType, path: TypePath) -> list[Mismatch]:
    if isinstance(e, VariantType):
        return _describe_variant(e, original, value, a, path)
    if isinstance(e, StructType):
        return _describe_struct(e, original, value, a, path)
    if isinstance(e, HashType):
        return _describe_hash(e, original, value, a, path)
    if isinstance(e, TupleType):
        return _describe_tuple(e, original, value, a, path)
    if isinstance(e, ArrayType):
        return _describe_array(e, original, value, a, path)
    if isinstance(e, OptionalType):
        if isinstance(a, UndefType) or e.type is None:
            return []
        return _internal(e.type, original if isinstance(original, AliasType) else e, value, a, path)
    if isinstance(e, (PatternType, EnumType)):
        # Puppet reports these even for a matching value (seen inside a Tuple)
        return [PatternMismatch(path, original.normalize(), a, value)]
    if isinstance(e, AliasType):
        return _internal(e.resolved().normalize(), e, value, a, path)
    if e.matches(value):
        return []
    return [TypeMismatch(path, original.normalize(), a, value)]


def _describe_variant(
    e: VariantType, original: PuppetType, value: Any, a: PuppetType, path: TypePath
) -> list[Mismatch]:
    types = list(e.types)
    if isinstance(original, OptionalType):
        types = [UndefType(), *types]
    found: list[list[Mismatch]] = []
    for index, member in enumerate(types):
        described = describe(member, value, (*path, _Step("variant", index)))
        if not described:
            return []
        found.append(described)
    merged = _merge_descriptions(len(path), found)
    if isinstance(original, AliasType) and len(merged) == 1:
        return [TypeMismatch(path, original, a, value)]
    return merged


def _merge_descriptions(position: int, found: list[list[Mismatch]]) -> list[Mismatch]:
    flat = [m for group in found for m in group]
    for kind in (SizeMismatch, TypeMismatch):
        same_kind = [m for m in flat if isinstance(m, kind)]
        if len(same_kind) != len(found):
            continue
        generic: Mismatch | None = same_kind[0]
        for other in same_kind[1:]:
            assert generic is not None
            if generic.canonical_path != other.canonical_path:
                generic = None
                break
            generic = generic.merge(generic.path, other)
        if generic is not None:
            flat = [generic]
            break
    unique: list[Mismatch] = []
    for m in flat:
        if not any(m.same_as(u) for u in unique):
            unique.append(m)
    return [unique[0].chop(position)] if len(unique) == 1 else unique


def _describe_array(e: ArrayType, original: PuppetType, value: Any, a: PuppetType, path: TypePath) -> list[Mismatch]:
    if isinstance(a, TupleType):
        lo, hi = e.lo, e.hi
        if not _size_ok(len(value), lo, hi):
            return [SizeMismatch(path, lo, hi, len(value), len(value))]
        found: list[Mismatch] = []
        for index, item in enumerate(value):
            if not e.element.matches(item):
                found.extend(describe(e.element, item, (*path, _Step("index", index))))
        return found
    if isinstance(a, ArrayType):  # the empty array
        if e.sized and not _size_ok(0, e.lo, e.hi):
            return [SizeMismatch(path, e.lo, e.hi, 0, 0)]
        return [] if e.matches(value) else [TypeMismatch(path, original.normalize(), a, value)]
    return [TypeMismatch(path, original.normalize(), a, value)]


def _describe_hash(e: HashType, original: PuppetType, value: Any, a: PuppetType, path: TypePath) -> list[Mismatch]:
    if isinstance(a, StructType):
        if not _size_ok(len(value), e.lo, e.hi):
            return [SizeMismatch(path, e.lo, e.hi, len(value), len(value))]
        found: list[Mismatch] = []
        for key, item in value.items():
            if not e.key.matches(key):
                found.extend(describe(e.key, key, (*path, _Step("key", key))))
            if not e.value.matches(item):
                found.extend(describe(e.value, item, (*path, _Step("entry", key))))
        return found
    if isinstance(a, HashType):
        if e.sized and not _size_ok(len(value), e.lo, e.hi):
            return [SizeMismatch(path, e.lo, e.hi, len(value), len(value))]
        return [] if e.matches(value) else [TypeMismatch(path, original.normalize(), _unsized(a), value)]
    return [TypeMismatch(path, original.normalize(), a, value)]


def _unsized(a: HashType) -> HashType:
    return HashType(a.key, a.value)


def _describe_struct(e: StructType, original: PuppetType, value: Any, a: PuppetType, path: TypePath) -> list[Mismatch]:
    if isinstance(a, StructType):
        found: list[Mismatch] = []
        for element in e.elements:
            if element.name not in value:
                if not element.optional:
                    found.append(MissingKey(path, element.name))
            elif not element.value.matches(value[element.name]):
                found.extend(describe(element.value, value[element.name], (*path, _Step("entry", element.name))))
        known = {element.name for element in e.elements}
        found.extend(ExtraneousKey(path, key) for key in value if key not in known)
        return found
    if isinstance(a, HashType):
        required = sum(1 for element in e.elements if not element.optional)
        if not _size_ok(len(value), required, len(e.elements)):
            return [SizeMismatch(path, required, len(e.elements), len(value), len(value))]
        return [TypeMismatch(path, original.normalize(), _unsized(a), value)]
    return [TypeMismatch(path, original.normalize(), a, value)]


def _describe_tuple(e: TupleType, original: PuppetType, value: Any, a: PuppetType, path: TypePath) -> list[Mismatch]:
    if not e.types and isinstance(a, ArrayType):
        return []
    lo, hi = e.size_range()
    if isinstance(a, (TupleType, ArrayType)):
        if not _size_ok(len(value), lo, hi):
            return [SizeMismatch(path, lo, hi, len(value), len(value))]
        found: list[Mismatch] = []
        if e.types:
            last = len(e.types) - 1
            for index, item in enumerate(value):
                at = min(index, last)
                found.extend(describe(e.types[at], item, (*path, _Step("index", at))))
        return found
    return [TypeMismatch(path, original.normalize(), a, value)]


# -- the plan call ------------------------------------------------------------------------------

_SENSITIVE_TEXT = onigurumacffi.compile(r"\ASensitive(\[.*\])?\z")


def is_sensitive_text(type_text: str) -> bool:
    """Bolt's `sensitive` flag in plan metadata: its regex on the type's source text."""
    return _SENSITIVE_TEXT.search(type_text) is not None


def wraps_sensitive(type_text: str) -> bool:
    """Whether Bolt wraps a parameter's plain value in Sensitive before calling the plan:
    only when the type expression itself is `Sensitive` or `Sensitive[...]`, spelled so
    (its run_plan looks at the parsed expression's outermost name)."""
    try:
        return _parse_expression(type_text).name == "Sensitive"
    except PuppetTypeError:
        return False


@dataclass(frozen=True)
class Param:
    """A plan parameter as the call check needs it."""

    name: str
    type: PuppetType
    has_default: bool
    wrap_sensitive: bool = False


_DEFAULTED = object()  # stands for a default value we do not evaluate


def plan_call_problem(plan_name: str, params: Sequence[Param], args: Mapping[str, Any]) -> str | None:
    """Bolt's check of a plan call (run_plan, then Puppet's closure call): the error text a
    failing call gives, or None. Defaults are taken to fit their types; they are not evaluated."""
    by_name = {p.name: p for p in params}
    given = {
        name: Sensitive(value) if name in by_name and by_name[name].wrap_sensitive else value
        for name, value in args.items()
    }
    # Puppet drops undef arguments, lets a default stand in for a missing or undef one, and
    # keeps an explicit undef for a parameter without a default.
    scope: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
    for p in params:
        if given.get(p.name) is None:
            if p.has_default:
                scope[p.name] = _DEFAULTED
            elif p.name in given:
                scope[p.name] = None
    problems: list[Mismatch] = [InvalidParameter((), name) for name in scope if name not in by_name]
    for p in params:
        if p.name in scope:
            value = scope[p.name]
            if value is not _DEFAULTED and not p.type.matches(value):
                problems.extend(describe(p.type, value, (_Step("parameter", p.name),)))
        elif not p.has_default:
            problems.append(MissingParameter((), p.name))
    if not problems:
        return None
    if len(problems) == 1:
        return f"{plan_name}:{problems[0].format()}"
    return f"{plan_name}:\n " + "\n ".join(m.format() for m in problems)
