"""Puppet's rules for a plan call: what each parameter needs, and what a call sends
(orchestrator-api.md 6.1, settled against real Puppet 7):

- A parameter is optional only when it has a default; a type accepting undef does not make it
  so. `Optional[String] $note` without a default must be sent, as `null` if nothing else.
- Left empty: a parameter with a default is left out (PE applies the default); one without a
  default whose type accepts undef is sent as `null`; any other is required.
- Puppet checks a default against the type like any value (its closure call evaluates the
  defaults, then validates every argument; read from Puppet's source, not tried on PE): a
  default that does not fit (`String $x = undef`, `Sensitive[String] $x = 'changeme'`, never
  wrapped) fails the plan, so such a parameter needs a value. A default PE works out is taken
  to fit.
- PE wraps a value in Sensitive only when the parameter's type starts with Sensitive (Bolt's
  test on the type expression). A Sensitive anywhere else gets a plain value, which Puppet
  refuses unless another part of the type takes it (`Variant[String, Sensitive[String]]`);
  most such parameters can only be left empty. Either way the value is a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import model as m
from .registry import Registry
from .values import Default, DefaultKind, read_default

OMIT: Any = type("Omit", (), {"__repr__": lambda self: "OMIT"})()  # leave the key out of params


class Required(ValueError):
    """An empty parameter that must have a value."""


@dataclass(frozen=True)
class PlanParameter:
    """One parameter of a plan, with Puppet's rules applied.

    `type` is the type as written; `value_type` the type a plain JSON value sent by PE must fit
    (for a wrapped Sensitive[T], T). `secret` parameters are never stored, shown or logged.
    """

    name: str
    type_text: str
    type: m.PType
    value_type: m.PType
    default: Default
    secret: bool
    wrapped: bool
    readable: bool = True  # False when the type text could not be parsed (PE checks it)

    @property
    def accepts_undef(self) -> bool:
        if isinstance(self.value_type, m.UnresolvedType):
            return False  # unknown: safer to ask for a value than to send null
        return self.value_type.accepts_undef()

    @property
    def default_fits(self) -> bool:
        """Whether the default, when there is one, passes Puppet's check of the declared type
        (a computed one is taken to)."""
        if self.default.kind not in (DefaultKind.LITERAL, DefaultKind.UNDEF):
            return True
        return self.type.fits(self.default.value)

    @property
    def required(self) -> bool:
        if self.default.present:
            return not self.default_fits
        return not self.accepts_undef

    @property
    def checked_by_pe(self) -> bool:
        """Whether only PE can check values (an alias nobody defined, an unreadable type)."""
        return isinstance(self.value_type.resolve(), m.UnresolvedType)

    def when_empty(self) -> Any:
        """What an empty field sends: OMIT (PE applies the default) or None (`null`).
        Raises Required."""
        if self.default.present:
            if self.default_fits:
                return OMIT
            raise Required(self.name)
        if self.accepts_undef:
            return None
        raise Required(self.name)

    def check(self, value: Any) -> None:
        """Raise TypeMismatch when `value` (not empty) would be refused by Puppet."""
        self.value_type.check(value)

    def problem(self, value: Any) -> str | None:
        """Why Puppet would refuse `value` (not empty), as a sentence, or None. A secret's
        value is never quoted back."""
        try:
            self.check(value)
        except m.TypeMismatch as exc:
            return without_value(sentence(exc)) if self.secret else sentence(exc)
        return None

    def empty_meaning(self) -> str:
        """What leaving it empty means, in words for the form."""
        if self.required:
            return ""
        kind = self.default.kind
        if kind is DefaultKind.COMPUTED:
            return "the plan's default (worked out by PE)"
        if kind is DefaultKind.UNDEF or (kind is DefaultKind.NONE and self.accepts_undef):
            return "(not set)"
        if kind is DefaultKind.LITERAL:
            return "the plan's default"
        return ""


def plan_parameter(
    name: str,
    type_text: str,
    default_value: Any = None,
    *,
    has_default: bool = False,
    sensitive: bool | None = None,
    registry: Registry,
) -> PlanParameter:
    """Apply Puppet's rules to one parameter as PE's metadata describes it (section 3.2):
    its type text, its `default_value` (Puppet source, or a YAML plan's value), and the
    `sensitive` flag when PE gives one."""
    readable = True
    try:
        written = registry.parse(type_text)
    except m.TypeSyntaxError:
        written, readable = m.UnresolvedType(type_text.strip() or "Any"), False
    # Bolt wraps when the outermost type is Sensitive itself (not an alias of it); Puppet then
    # checks the value against the general form of what Sensitive holds.
    wrapped = isinstance(written, m.SensitiveType)
    value_type = m.generalize(written.inner) if isinstance(written, m.SensitiveType) else written
    secret = bool(sensitive) or m.walk(written, lambda t: isinstance(t, m.SensitiveType))
    default = read_default(default_value, has_default)
    if (
        default.kind is DefaultKind.LITERAL
        and isinstance(default_value, str)
        and not value_type.fits(default.value)
        and value_type.fits(default_value)
    ):
        # `7` or `true` read as Puppet source does not fit a String: it is a YAML plan's string.
        default = Default(DefaultKind.LITERAL, default_value, default_value)
    return PlanParameter(
        name=name,
        type_text=type_text,
        type=written,
        value_type=value_type,
        default=default,
        secret=secret,
        wrapped=wrapped,
        readable=readable,
    )


@dataclass
class Call:
    """A plan call worked out: the params to send, and what is wrong (by parameter name;
    "" for the call as a whole). Only a call without problems may be sent."""

    params: dict[str, Any]
    problems: dict[str, str]
    defaulted: list[str]  # left out: PE applies the plan's default


def plan_call(plan_name: str, parameters: Mapping[str, PlanParameter], given: Mapping[str, Any]) -> Call:
    """Apply the rules to `given` (a JSON object of parameter values; a missing key is an
    empty field). Values are checked against their types; nothing is converted."""
    call = Call({}, {}, [])
    for name in given:
        if name not in parameters:
            known = ", ".join(parameters) or "none"
            call.problems[name] = f"{plan_name} has no parameter {name!r} (its parameters: {known})."
    for name, parameter in parameters.items():
        value = given.get(name, OMIT)
        if value is OMIT or (value is None and parameter.required):
            try:
                value = parameter.when_empty()
            except Required:
                call.problems[name] = "This parameter is required."
                continue
            if value is OMIT:
                call.defaulted.append(name)
                continue
        elif value is not None:
            problem = parameter.problem(value)
            if problem:
                call.problems[name] = problem
                continue
        call.params[name] = value
    return call


def sentence(exc: m.TypeMismatch, subject: str = "This parameter") -> str:
    """A TypeMismatch as a sentence: "This parameter expects ...", "Item [2] expects ...",
    "The key config.port must be ..."."""
    if exc.path:
        subject = f"Item {exc.path}" if exc.path.startswith("[") else f"The key {exc.path}"
    return f"{subject} {exc.message}."


def without_value(message: str) -> str:
    """A message without what it says about the value given (", got the String 'x'"), for a
    secret, whose value must not be shown or logged."""
    head, found, _ = message.partition(", got ")
    return head.rstrip(".") + "." if found else message
