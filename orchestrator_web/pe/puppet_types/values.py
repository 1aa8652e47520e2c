"""JSON values a plan can receive, and the defaults PE reports for plan parameters.

JSON as Python reads it is looser than what reaches a plan: `NaN` and `Infinity` are not JSON,
`1e400` is infinite, and NUL or a lone surrogate cannot be stored. `read_json` refuses all of
them with a message, and bounds nesting, so a value that passes here can be sent and stored.
(Integers beyond 64 bits are fine: Puppet 7 takes them in a plan call.)

A parameter's `default_value` is Puppet source text for Puppet-language plans (`'graceful'`,
`[1, 2]`, `undef`, or an expression such as `$facts['os']['family'] == 'windows'`) and the value
itself for YAML plans (section 3.2). `read_default` tells them apart.
"""

from __future__ import annotations

import enum
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from .model import TypeSyntaxError
from .syntax import Token, number, tokenize, unquote

MAX_DEPTH = 64  # nesting of lists and objects; Puppet has no such limit, but no plan needs more
# NUL cannot be stored (PostgreSQL refuses it) and a lone surrogate is not text at all.
_UNCARRIABLE = re.compile("[\x00\ud800-\udfff]")


class JSONProblem(ValueError):
    """Text that is not JSON a plan can receive; the message says why, for a person."""


def _no_constant(name: str) -> Any:
    raise JSONProblem(f"{name} is not a number JSON can carry; PE could not send it.")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # Python's limit on digits
        raise JSONProblem(f"A number of {len(text)} digits is more than this app reads.") from None


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONProblem(f"{text} is too large for a number PE can carry.")
    if value == 0 and re.search(r"[1-9]", text.lower().split("e")[0]):
        raise JSONProblem(f"{text} is too small for a number PE can carry: it would become 0.")
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise JSONProblem(f"The key {json.dumps(twice)} appears twice; only one of them would be kept.")
    return value


def read_json(text: str) -> Any:
    """Parse JSON text into a value a plan can receive; raises JSONProblem."""
    try:
        value = json.loads(
            text, parse_constant=_no_constant, parse_int=_int, parse_float=_float, object_pairs_hook=_object
        )
    except json.JSONDecodeError as exc:
        raise JSONProblem(f"This is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    except RecursionError:
        raise JSONProblem(f"This JSON is nested too deeply (at most {MAX_DEPTH} levels).") from None
    check_json_value(value)
    return value


def check_json_value(value: Any) -> None:
    """Refuse a value (already parsed, e.g. by an API layer) that JSON cannot carry to PE:
    non-finite or out-of-range numbers, non-string keys, nesting deeper than MAX_DEPTH."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JSONProblem(f"This JSON is nested too deeply (at most {MAX_DEPTH} levels).")
        if isinstance(item, str):
            _check_text(item)
        elif item is None or isinstance(item, (bool, int)):
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise JSONProblem(f"{item} is not a number JSON can carry; PE could not send it.")
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                raise JSONProblem("Object keys must be strings.")
            for key in item:
                _check_text(key)
            stack.extend((child, depth + 1) for child in item.values())
        else:
            raise JSONProblem(f"A {type(item).__name__} is not a JSON value.")


def _check_text(text: str) -> None:
    if _UNCARRIABLE.search(text):
        raise JSONProblem("This text has a character JSON cannot carry to PE here (a NUL or a lone surrogate).")


# -- defaults -----------------------------------------------------------------------------------


class DefaultKind(enum.Enum):
    NONE = "none"  # no default: the parameter must be given (or be null, if its type allows)
    LITERAL = "literal"  # a value this app can read and pre-fill
    UNDEF = "undef"  # `= undef`: leaving it out gives the plan undef
    COMPUTED = "computed"  # an expression PE works out when the plan starts


@dataclass(frozen=True)
class Default:
    kind: DefaultKind
    value: Any = None  # for LITERAL
    text: str = ""  # the source text, for COMPUTED (and shown in help)

    @property
    def present(self) -> bool:
        return self.kind is not DefaultKind.NONE


NO_DEFAULT = Default(DefaultKind.NONE)
_NOT_LITERAL = object()


def read_default(raw: Any, present: bool = True) -> Default:
    """What a parameter's `default_value` means: a literal, undef, or something PE computes."""
    if not present:
        return NO_DEFAULT
    if not isinstance(raw, str):  # a YAML plan's value
        return Default(DefaultKind.LITERAL, raw, json.dumps(raw))
    text = raw.strip()
    value = _puppet_literal(text)
    if value is None:
        return Default(DefaultKind.UNDEF, None, text)
    if value is not _NOT_LITERAL:
        return Default(DefaultKind.LITERAL, value[0], text)
    if _looks_like_puppet(text):
        return Default(DefaultKind.COMPUTED, None, text)
    # Not Puppet source at all (`hello world`): a YAML plan's string default.
    return Default(DefaultKind.LITERAL, raw, raw)


def _puppet_literal(text: str) -> Any:
    """(value,) for a Puppet literal, None for `undef`, _NOT_LITERAL otherwise."""
    try:
        tokens = tokenize(text)
    except TypeSyntaxError:
        return _NOT_LITERAL
    if tokens == [Token("word", "undef")]:
        return None
    reader = _LiteralReader(tokens)
    try:
        value = reader.value()
    except (TypeSyntaxError, IndexError):
        return _NOT_LITERAL
    return _NOT_LITERAL if reader.pos != len(tokens) else (value,)


class _LiteralReader:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, text: str) -> bool:
        return self.tokens[self.pos].text == text

    def value(self) -> Any:
        token = self.take()
        if token.kind == "number":
            return number(token.text)
        if token.kind == "string":
            if token.text.startswith('"') and re.search(r"(?<!\\)\$", token.text):
                raise TypeSyntaxError("interpolation")
            return unquote(token.text)
        if token.kind == "word":
            if token.text in ("default", "undef"):
                raise TypeSyntaxError("not a plain value")
            return {"true": True, "false": False}.get(token.text, token.text)  # a bare word is a string
        if token.text == "[":
            items = []
            while not self.at("]"):
                items.append(self.value())
                if self.at(","):
                    self.take()
                elif not self.at("]"):
                    raise TypeSyntaxError("array")
            self.take()
            return items
        if token.text == "{":
            result = {}
            while not self.at("}"):
                key = self.value()
                if not isinstance(key, str) or self.take().kind != "arrow":
                    raise TypeSyntaxError("hash")
                result[key] = self.value()
                if self.at(","):
                    self.take()
                elif not self.at("}"):
                    raise TypeSyntaxError("hash")
            self.take()
            return result
        raise TypeSyntaxError(token.text)


_EXPRESSION = re.compile(
    r"""\s+
    | (?P<operand>\$(?:::)?[a-z_]\w*(?:::[a-z_]\w*)*|\$\d+
        |(?:::)?[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*
        |-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?
        |'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"
        |/(?:[^/\\\n]|\\.)+/)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<dot>\.)
    | (?P<op>==|!=|=~|!~|<=|>=|<<|>>|=>|->|~>|[-+*/%<>!?:,|=])
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD_OPERATORS = {"and", "or", "in", "not", "if", "unless", "else", "elsif", "case", "default"}


def _looks_like_puppet(text: str) -> bool:
    """Whether `text` could be a Puppet expression (then PE computes the default). Text that
    Puppet could not read (`hello world`, `/var/tmp`) is a YAML plan's string. When in doubt,
    say yes: a computed default is sent as nothing, so PE still decides."""
    previous = "op"
    pos = 0
    while pos < len(text):
        match = _EXPRESSION.match(text, pos)
        if match is None:
            return False
        pos = match.end()
        kind = match.lastgroup
        if kind is None:
            continue
        token = match.group(kind)
        if kind == "operand" and token in _WORD_OPERATORS:
            kind = "op"
        if kind == "operand" and previous in ("operand", "close"):
            return False  # two values side by side: prose, not Puppet
        if previous == "dot" and not (kind == "operand" and token[0].isalpha()):
            return False  # `.` calls a function by name: `10.0.0.1` is not a call
        previous = kind
    return previous in ("operand", "close")
