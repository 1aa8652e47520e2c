"""Reading Puppet type expressions as PE gives them: the text of the plan signature, spelled
and spaced as in the source (`Optional[Enum['init', 'pair']]`, multi-line Structs, bare-word
Enums, Ruby regexes, comments). Type names are resolved case-insensitively, as Puppet does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import model as m
from .regex import ruby_search

_TOKEN = re.compile(
    r"""
      (?P<space>(?:\s+|\#[^\n]*|/\*.*?\*/)+)
    | (?P<name>(?:::)?[A-Z][A-Za-z0-9_]*(?:::[A-Z][A-Za-z0-9_]*)*)
    | (?P<word>(?:::)?[a-z_][A-Za-z0-9_]*(?:::[a-z_][A-Za-z0-9_]*)*)
    | (?P<number>-?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<regex>/(?:[^/\\\n]|\\.)*/)
    | (?P<arrow>=>)
    | (?P<punct>[\[\]{},])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokenize(text: str) -> list[Token]:
    """Puppet tokens of a type expression (or a literal default); raises TypeSyntaxError."""
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise m.TypeSyntaxError(f"cannot read {text[pos : pos + 12]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(kind)))
        pos = match.end()
    return tokens


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "s": " ", "\\": "\\", '"': '"', "'": "'", "$": "$"}


def unquote(literal: str) -> str:
    """The value of a Puppet string literal. Single quotes know only \\\\ and \\'."""
    body = literal[1:-1]
    if literal[0] == "'":
        return re.sub(r"\\([\\'])", r"\1", body)

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code:
            return chr(int(code, 16))
        return _ESCAPES.get(match.group(3), "\\" + match.group(3))

    return re.sub(r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\(.)", unescape, body, flags=re.DOTALL)


def number(text: str) -> int | float:
    """A Puppet number literal: decimal, 0x hex, 0-prefixed octal, or a float."""
    negative = text.startswith("-")
    digits = text.lstrip("-")
    if digits[:2].lower() == "0x":
        value: int | float = int(digits, 16)
    elif re.fullmatch(r"0[0-7]+", digits):
        value = int(digits, 8)
    elif re.fullmatch(r"\d+", digits):
        value = int(digits)
    else:
        value = float(digits)
    return -value if negative else value


# An argument inside [...]: ("type", PType), ("number", n), ("string", s), ("regex", src),
# ("word", w) for bare words, ("hash", [(key, value), ...]).
Arg = tuple[str, Any]


class Parser:
    """Builds model types from tokens; `named(name, args, text)` makes a type of a name."""

    def __init__(self, text: str, named: Callable[[str, list[Arg], str], m.PType]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.named = named

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.peek()
        return token is not None and token.kind == kind and (text is None or token.text == text)

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise m.TypeSyntaxError("the type ends too early")
        self.pos += 1
        return token

    def expect(self, kind: str, text: str) -> None:
        token = self.take()
        if token.kind != kind or token.text != text:
            raise m.TypeSyntaxError(f"expected {text!r}, found {token.text!r}")

    def whole_type(self) -> m.PType:
        result = self.type()
        if self.peek() is not None:
            raise m.TypeSyntaxError(f"unexpected {self.peek().text!r} after the type")  # type: ignore[union-attr]
        return result

    def type(self) -> m.PType:
        token = self.take()
        if token.kind != "name":
            raise m.TypeSyntaxError(f"expected a type name, found {token.text!r}")
        start = self.pos
        args = self.args() if self.at("punct", "[") else []
        text = token.text + _spell(self.tokens[start : self.pos])
        return self.named(token.text.lstrip(":"), args, text)

    def args(self) -> list[Arg]:
        self.expect("punct", "[")
        items: list[Arg] = []
        while not self.at("punct", "]"):
            items.append(self.arg())
            if self.at("punct", ","):
                self.take()
            elif not self.at("punct", "]"):
                raise m.TypeSyntaxError("expected ',' or ']'")
        self.take()
        return items

    def arg(self) -> Arg:
        token = self.peek()
        if token is None:
            raise m.TypeSyntaxError("the type ends too early")
        if token.kind == "name":
            return "type", self.type()
        self.take()
        if token.kind == "number":
            return "number", number(token.text)
        if token.kind == "string":
            if token.text.startswith('"') and re.search(r"(?<!\\)\$", token.text):
                raise m.TypeSyntaxError("interpolation is not allowed in a type")
            return "string", unquote(token.text)
        if token.kind == "regex":
            return "regex", token.text[1:-1]
        if token.kind == "word":
            return "word", token.text
        if token.kind == "punct" and token.text == "{":
            return "hash", self.hash_body()
        raise m.TypeSyntaxError(f"unexpected {token.text!r}")

    def hash_body(self) -> list[tuple[Arg, Arg]]:
        pairs = []
        while not self.at("punct", "}"):
            key = self.arg()
            self.expect("arrow", "=>")
            pairs.append((key, self.arg()))
            if self.at("punct", ","):
                self.take()
            elif not self.at("punct", "}"):
                raise m.TypeSyntaxError("expected ',' or '}'")
        self.take()
        return pairs


def _spell(tokens: list[Token]) -> str:
    """Tokens written back with Puppet's usual spacing: `[a, b]`, `{k => v}`."""
    out = ""
    for token in tokens:
        out += {",": ", ", "=>": " => "}.get(token.text, token.text)
    return out


# -- the core types -------------------------------------------------------------------------


def _bound(arg: Arg, default: float) -> float:
    kind, value = arg
    if kind == "word" and value == "default":
        return default
    if kind != "number":
        raise m.TypeSyntaxError(f"expected a number, found {value!r}")
    return value


def _range(args: list[Arg], default_low: float) -> tuple[float, float]:
    if len(args) > 2:
        raise m.TypeSyntaxError("too many arguments")
    low = _bound(args[0], default_low) if args else default_low
    high = _bound(args[1], math.inf) if len(args) > 1 else math.inf
    if low > high:
        raise m.TypeSyntaxError("the minimum is above the maximum")
    return low, high


def _types(args: list[Arg], name: str) -> list[m.PType]:
    out = []
    for kind, value in args:
        if kind != "type":
            raise m.TypeSyntaxError(f"{name} takes types")
        out.append(value)
    return out


def _single(args: list[Arg], name: str) -> m.PType:
    if not args:
        return m.AnyType()
    if len(args) > 1:
        raise m.TypeSyntaxError(f"{name} takes one type")
    kind, value = args[0]
    if kind == "type":
        return value
    if kind in ("string", "word"):  # Optional['x'] is Optional[Enum['x']]
        return m.EnumType((value,))
    raise m.TypeSyntaxError(f"{name} takes a type")


def _struct_key(arg: Arg) -> tuple[str, bool | None]:
    """(key, may be left out: True/False, or None to follow the value type)."""
    kind, value = arg
    if kind in ("string", "word"):
        return value, None
    wrapper = value if kind == "type" and isinstance(value, (m.OptionalType, m.NotUndefType)) else None
    if wrapper is not None and isinstance(wrapper.inner, m.EnumType) and len(wrapper.inner.values) == 1:
        return wrapper.inner.values[0], isinstance(wrapper, m.OptionalType)
    raise m.TypeSyntaxError("a Struct key is a string, Optional['key'] or NotUndef['key']")


# Puppet types whose values are objects: plain JSON never is one.
RICH = {
    "binary",
    "callable",
    "catalogentry",
    "class",
    "default",
    "error",
    "iterator",
    "object",
    "regexp",
    "resource",
    "runtime",
    "semver",
    "semverrange",
    "timespan",
    "timestamp",
    "type",
    "typeset",
    "uri",
    # Bolt's
    "applyresult",
    "containerresult",
    "future",
    "resourceinstance",
    "result",
    "resultset",
    "target",
}
# Puppet types we do not model: PE checks them.
UNCHECKED = {"init", "iterable", "collection"}


def core_type(name: str, args: list[Arg], text: str) -> m.PType | None:
    """The core Puppet type called `name` (any case), or None when it is not one."""
    key = name.lower()
    if key == "any" and not args:
        return m.AnyType()
    if key == "undef" and not args:
        return m.UndefType()
    if key == "boolean" and not args:
        return m.BooleanType()
    if key == "string":
        low, high = _range(args, 0)
        return m.StringType(int(low), high)
    if key == "integer":
        low, high = _range(args, -math.inf)
        return m.IntegerType(low, high)
    if key in ("float", "numeric"):
        low, high = _range(args, -math.inf)
        return m.FloatType(low, high, numeric=key == "numeric")
    if key == "enum":
        case_insensitive = bool(args) and args[-1] == ("word", "true")
        values = args[:-1] if case_insensitive else args
        if not values or any(kind not in ("string", "word") for kind, _ in values):
            raise m.TypeSyntaxError("Enum takes strings")
        return m.EnumType(tuple(v for _, v in values), case_insensitive)
    if key == "pattern":
        if not args:
            raise m.TypeSyntaxError("Pattern takes regular expressions")
        regexes = []
        for kind, value in args:
            if kind == "type" and isinstance(value, m.RichType) and value.text.lower().startswith("regexp["):
                kind, value = "regex", value.text[value.text.index("/") + 1 : value.text.rindex("/")]
            if kind not in ("regex", "string"):
                raise m.TypeSyntaxError("Pattern takes regular expressions")
            regexes.append(m.Regex(value, ruby_search(value)))
        return m.PatternType(tuple(regexes))
    if key == "optional":
        return m.OptionalType(_single(args, "Optional"))
    if key == "notundef":
        return m.NotUndefType(_single(args, "NotUndef"))
    if key == "sensitive":
        return m.SensitiveType(_single(args, "Sensitive"))
    if key == "array":
        if not args:
            return m.ArrayType()
        (element,) = _types(args[:1], "Array")
        low, high = _range(args[1:], 0)
        return m.ArrayType(element, int(low), high)
    if key == "tuple":
        types = [value for kind, value in args if kind == "type"]
        rest = args[len(types) :]
        if not types or any(kind == "type" for kind, _ in rest):
            raise m.TypeSyntaxError("Tuple takes types, then an optional size range")
        low, high = _range(rest, len(types)) if rest else (len(types), len(types))
        return m.TupleType(tuple(types), int(low), high)
    if key == "hash":
        if not args:
            return m.HashType()
        if len(args) < 2:
            raise m.TypeSyntaxError("Hash takes a key type and a value type")
        key_type, value_type = _types(args[:2], "Hash")
        low, high = _range(args[2:], 0)
        return m.HashType(key_type, value_type, int(low), high)
    if key == "struct":
        if len(args) != 1 or args[0][0] != "hash":
            raise m.TypeSyntaxError("Struct takes a hash of keys to types")
        fields = []
        for key_arg, (value_kind, value) in args[0][1]:
            struct_key, optional = _struct_key(key_arg)
            if value_kind != "type":
                raise m.TypeSyntaxError("Struct values are types")
            fields.append((struct_key, value, value.accepts_undef() if optional is None else optional))
        return m.StructType(tuple(fields))
    if key == "variant":
        if not args:
            raise m.TypeSyntaxError("Variant takes types")
        return m.VariantType(tuple(_types(args, "Variant")))
    if key in ("targetspec", "boltlib::targetspec") and not args:
        return m.TargetSpecType()
    if key in RICH:
        return m.RichType(text)
    if key in UNCHECKED:
        return m.UnresolvedType(text)
    return None
