"""Form fields for plan parameters: one factory, `form_field(parameter)`, picks a Django field
class from the parameter's Puppet type, and every field checks its value with the same
validator, which asks Puppet's rules (`PuppetValidator`).

Each field turns what a person typed into the JSON value PE will receive (`to_python`), or
EMPTY for an empty field (the form then applies the plan-call rule: leave it out, send null,
or say it is required), and shows a value as text again (`to_text`), so values survive a trip
between the form and JSON.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString

from orchestrator_web.pe import puppet_types as pt

EMPTY: Any = type("Empty", (), {"__repr__": lambda self: "EMPTY"})()
MAX_JSON = 256 * 1024

HINTS = {
    "lines": "One per line (a JSON array also works).",
    "json": 'JSON: text in double quotes, lists in [ ], objects in { }, like {"port": 8080}.',
}


def shape(t: pt.PType) -> pt.PType:
    """The type a value is typed in as: aliases looked through, Optional and NotUndef
    removed (emptiness is the form's business), a nested Sensitive typed as what it holds (the
    check then says why PE cannot pass it), and the members of a Variant that no typed value
    can be left out: Undef, and object types such as Target that PE never passes
    (`Variant[Pattern[...], Target]`, peadm's SingleTargetSpec, is typed as its Pattern)."""
    t = t.resolve()
    while isinstance(t, (pt.OptionalType, pt.NotUndefType, pt.SensitiveType)):
        t = t.inner.resolve()
    if isinstance(t, pt.VariantType):
        members = [m for m in (shape(inner) for inner in t.types) if not _never_typed(m)]
        if len(members) == 1:
            return members[0]
    return t


def _never_typed(t: pt.PType) -> bool:
    return isinstance(t, (pt.UndefType, pt.RichType))


SCALARS = (pt.StringType, pt.PatternType, pt.EnumType, pt.IntegerType, pt.FloatType, pt.BooleanType)


def _is_scalar(t: pt.PType) -> bool:
    t = shape(t)
    if isinstance(t, pt.VariantType):
        return all(_is_scalar(inner) or _never_typed(shape(inner)) for inner in t.types)
    return isinstance(t, (*SCALARS, pt.UnresolvedType))


def kind_of(parameter: pt.PlanParameter) -> str:
    """How the parameter is typed in: checkbox, tristate, choice, integer, number, text,
    scalar, lines or json (a secret is one of these behind a password box)."""
    t = shape(parameter.value_type)
    if isinstance(t, pt.BooleanType):
        literal = parameter.default.kind is pt.DefaultKind.LITERAL
        return "checkbox" if literal or parameter.required else "tristate"
    if isinstance(t, pt.EnumType):
        return "choice"
    if isinstance(t, pt.IntegerType):
        return "integer"
    if isinstance(t, pt.FloatType):
        return "number"
    if isinstance(t, (pt.StringType, pt.PatternType, pt.UnresolvedType)):
        return "text"
    if isinstance(t, pt.TargetSpecType) or (isinstance(t, pt.ArrayType) and _is_scalar(t.element)):
        return "lines"
    if isinstance(t, pt.VariantType) and _is_scalar(t):
        return "scalar"
    return "json"


# -- text <-> value ---------------------------------------------------------------------------


def _number_candidates(text: str) -> list[Any]:
    """What a typed word could mean besides a string, most specific first."""
    out: list[Any] = []
    lowered = text.lower()
    if lowered in ("true", "false"):
        out.append(lowered == "true")
    if re.fullmatch(r"[-+]?\d+", text):
        out.append(int(text))
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        number = float(text)
        if number == number and abs(number) != float("inf"):
            out.append(number)
    return out


def scalar_from_text(t: pt.PType, text: str) -> Any:
    """A typed word as the value the type wants: `30` is the Integer 30 for
    Variant[Integer, Enum['forever']], `forever` the String."""
    target = shape(t)
    if isinstance(target, pt.IntegerType):
        if not re.fullmatch(r"[-+]?\d+", text):
            raise ValidationError(f"This parameter expects a whole number, got {text!r}.")
        return int(text)
    if isinstance(target, pt.FloatType):
        candidates = [c for c in _number_candidates(text) if not isinstance(c, bool)]
        if not candidates:
            raise ValidationError(f"This parameter expects a number, got {text!r}.")
        number = candidates[-1]  # the float reading
        if target.numeric and isinstance(candidates[0], int):
            return candidates[0]
        return float(number)
    if isinstance(target, pt.BooleanType):
        if text.lower() not in ("true", "false"):
            raise ValidationError(f"This parameter expects true or false, got {text!r}.")
        return text.lower() == "true"
    if isinstance(target, pt.VariantType):
        candidates = [*_number_candidates(text), text]
        for candidate in candidates:
            if target.fits(candidate):
                return candidate
        return candidates[0]  # the closest reading, for the message
    return text


def scalar_to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value) if not isinstance(value, float) else repr(value)
    return json.dumps(value)


def read_json(text: str) -> Any:
    if len(text) > MAX_JSON:
        raise ValidationError(f"This is too long (at most {MAX_JSON // 1024} KB of JSON).")
    try:
        return pt.read_json(text)
    except pt.JSONProblem as exc:
        raise ValidationError(str(exc)) from None


def json_to_text(value: Any) -> str:
    return (
        json.dumps(value, indent=2, ensure_ascii=False)
        if isinstance(value, (list, dict)) and value
        else json.dumps(value)
    )


class PuppetValidator:
    """The one check every parameter field runs: would Puppet take this value?"""

    def __init__(self, parameter: pt.PlanParameter) -> None:
        self.parameter = parameter

    def __call__(self, value: Any) -> None:
        if value is EMPTY:
            return
        problem = self.parameter.problem(value)
        if problem:
            raise ValidationError(problem)


# -- the fields ---------------------------------------------------------------------------------


class ParameterField:
    """What every parameter field adds to its Django field class."""

    parameter: pt.PlanParameter
    kind: str
    secret = False
    keeps_spaces = False
    skip = False  # in JSON mode the params object carries the values

    def clean(self, value: Any) -> Any:
        if self.skip:
            return EMPTY
        try:
            return super().clean(value)  # type: ignore[misc]
        except ValidationError as exc:
            if not self.secret:
                raise
            raise ValidationError([pt.without_value(message) for message in exc.messages]) from None

    def setup(self, parameter: pt.PlanParameter, kind: str) -> None:
        self.parameter, self.kind = parameter, kind
        self.validators.append(PuppetValidator(parameter))  # type: ignore[attr-defined]

    def convert(self, text: str) -> Any:
        """Typed text (stripped, not empty) to a value."""
        return text

    def to_python(self, value: Any) -> Any:
        text = "" if value is None else str(value)
        if not (self.secret or self.keeps_spaces):
            text = text.strip()  # around a number, a list or JSON, spaces mean nothing
        if not text:
            return EMPTY
        default = self.parameter.default
        literal = default.kind is pt.DefaultKind.LITERAL and self.parameter.default_fits
        if literal and text == str(self.to_text(default.value)).strip():
            # The default as shown, untouched: send the default itself. Its text may read back
            # as another value ('8140' for Variant[Integer, String] reads as 8140).
            return copy.deepcopy(default.value)
        return self.convert(text)

    def to_text(self, value: Any) -> Any:
        """A value as this field shows it (its initial value)."""
        return scalar_to_text(value)

    def validate(self, value: Any) -> None:  # required-ness is the form's (Puppet's) rule
        return None


class TextField(ParameterField, forms.CharField):
    keeps_spaces = True  # a String is sent exactly as typed, spaces and all


class IntegerField(ParameterField, forms.IntegerField):
    def convert(self, text: str) -> Any:
        return scalar_from_text(pt.IntegerType(), text)


class NumberField(ParameterField, forms.FloatField):
    def convert(self, text: str) -> Any:
        return scalar_from_text(self.parameter.value_type, text)


class ScalarField(ParameterField, forms.CharField):
    def convert(self, text: str) -> Any:
        return scalar_from_text(self.parameter.value_type, text)


class ChoiceField(ParameterField, forms.TypedChoiceField):
    def to_python(self, value: Any) -> Any:
        return EMPTY if value in (None, "") else str(value)

    def validate(self, value: Any) -> None:
        return None  # a value outside the choices gets Puppet's own message from the validator

    def to_text(self, value: Any) -> Any:
        return value if isinstance(value, str) else json.dumps(value)


class CheckboxField(ParameterField, forms.BooleanField):
    def to_python(self, value: Any) -> Any:
        return forms.BooleanField.to_python(self, value)

    def to_text(self, value: Any) -> Any:
        return value if isinstance(value, bool) else json.dumps(value)


class TristateField(ParameterField, forms.NullBooleanField):
    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return EMPTY
        if str(value).lower() not in ("true", "false"):
            raise ValidationError(f"This parameter expects true or false, got {value!r}.")
        return str(value).lower() == "true"

    def to_text(self, value: Any) -> Any:
        return (
            {True: "true", False: "false"}.get(value, json.dumps(value))
            if isinstance(value, bool)
            else json.dumps(value)
        )


class LinesField(ParameterField, forms.CharField):
    def convert(self, text: str) -> Any:
        if text.startswith("["):
            try:
                value = pt.read_json(text)
            except pt.JSONProblem:
                value = None  # `[legacy]`, `[fe80::1]`: a line, not JSON
            if isinstance(value, list):
                return value
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        target = shape(self.parameter.value_type)
        if isinstance(target, pt.TargetSpecType):
            return lines[0] if len(lines) == 1 else lines
        element = target.element  # type: ignore[attr-defined]
        return [scalar_from_text(element, line) for line in lines]

    def to_text(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        # One line reads back as a string for a TargetSpec, so a list of one stays JSON there.
        fewest = 2 if isinstance(shape(self.parameter.value_type), pt.TargetSpecType) else 1
        if isinstance(value, list) and len(value) >= fewest and all(isinstance(v, (str, int, float)) for v in value):
            texts = [scalar_to_text(v) for v in value]
            if all(t and "\n" not in t and t == t.strip() for t in texts) and not texts[0].startswith("["):
                return "\n".join(texts)
        return json.dumps(value)


class JSONValueField(ParameterField, forms.JSONField):
    def convert(self, text: str) -> Any:
        return read_json(text)

    def to_text(self, value: Any) -> Any:
        return json_to_text(value)

    def prepare_value(self, value: Any) -> Any:
        return value  # initial values are already text

    def bound_data(self, data: Any, initial: Any) -> Any:
        return data

    def has_changed(self, initial: Any, data: Any) -> bool:
        return initial != data


class PresentCheckbox(forms.CheckboxInput):
    """A checkbox that says "false" when unchecked (a hidden input before it), so an
    unchecked box is a choice that survives every round trip, not a missing value."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({**(attrs or {}), "value": "true"})

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        hidden = format_html('<input type="hidden" name="{}" value="false">', name)
        return hidden + super().render(name, value, attrs, renderer)


def form_field(parameter: pt.PlanParameter, description: str = "") -> forms.Field:
    """The Django form field for one plan parameter (`description`: the plan's own words)."""
    kind = kind_of(parameter)
    t = shape(parameter.value_type)
    empty_label = parameter.empty_meaning() or "Choose…"
    common: dict[str, Any] = {"required": False, "label": parameter.name}
    field: Any
    if parameter.secret:
        # Any type behind a password box (one line: a list is typed as JSON), typed text
        # converted as the type wants, so the check speaks of what was meant.
        password = forms.PasswordInput(attrs={"autocomplete": "off"})
        if kind in ("json", "lines"):
            field = JSONValueField(widget=password, **common)
        else:
            field = ScalarField(widget=password, **common)
        field.secret = True
    elif kind == "checkbox":
        field = CheckboxField(widget=PresentCheckbox(), **common)
    elif kind == "tristate":
        choices = [("", empty_label), ("true", "true"), ("false", "false")]
        field = TristateField(widget=forms.Select(choices=choices), **common)
    elif kind == "choice":
        choices = [(v, v) for v in t.values]  # type: ignore[attr-defined]
        if parameter.default.kind is not pt.DefaultKind.LITERAL:
            choices.insert(0, ("", empty_label))
        field = ChoiceField(choices=choices, coerce=str, empty_value=EMPTY, **common)
    elif kind == "integer":
        field = IntegerField(widget=forms.NumberInput(attrs=_bounds(t, "1")), **common)
    elif kind == "number":
        field = NumberField(widget=forms.NumberInput(attrs=_bounds(t, "any")), **common)
    elif kind == "text":
        attrs = {"maxlength": int(t.max)} if isinstance(t, pt.StringType) and t.max != float("inf") else {}
        field = TextField(widget=forms.TextInput(attrs=attrs), **common)
    elif kind == "scalar":
        field = ScalarField(**common)
    elif kind == "lines":
        field = LinesField(widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}), **common)
    else:
        field = JSONValueField(widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}), **common)
    field.setup(parameter, kind)
    field.help_text = " ".join(part for part in (description_sentence(description), help_text(parameter, kind)) if part)
    return field


def _bounds(t: Any, step: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {"step": step}
    if t.min != float("-inf"):
        attrs["min"] = t.min
    if t.max != float("inf"):
        attrs["max"] = t.max
    return attrs


def help_text(parameter: pt.PlanParameter, kind: str) -> str:
    """The parameter's own description, then what the app knows about it, as sentences."""
    parts: list[str] = []
    default = parameter.default
    if parameter.secret:
        if not parameter.wrapped and not _takes_plain(parameter.value_type):
            parts.append(
                "Sensitive inside another type: PE would pass a plain value, which the plan refuses, "
                "so it can only be left empty."
            )
        elif not parameter.wrapped:
            parts.append(
                "Sensitive inside another type: PE passes a plain value, so only a value its type "
                "takes without Sensitive works, and PE keeps it in plain text in its job record "
                "(it masks only a parameter whose type starts with Sensitive)."
            )
        if default.present and not parameter.default_fits:
            parts.append("Its default does not fit its type, so Puppet refuses the plan without a value.")
        elif default.present:
            parts.append("Has a default (not shown: sensitive).")
    else:
        if kind in HINTS:
            parts.append(HINTS[kind])
        if default.present and not parameter.default_fits:
            # Puppet checks a default against the type too (call.py).
            parts.append(
                f"Its default ({default.text}) does not fit its type, so Puppet refuses the plan without a value."
            )
        elif default.kind is pt.DefaultKind.COMPUTED:
            parts.append(f"Default: worked out by PE when the plan starts ({default.text}).")
        elif default.kind is pt.DefaultKind.UNDEF:
            parts.append("Default: not set (undef).")
        elif default.kind is pt.DefaultKind.LITERAL:
            parts.append(f"Default: {default.text}.")
    if not parameter.readable:
        parts.append("Its type cannot be read here; PE checks the value when the plan starts.")
    elif parameter.checked_by_pe:
        parts.append(f"{parameter.type_text} is not known here; PE checks the value when the plan starts.")
    elif pt.walk(parameter.value_type, lambda t: isinstance(t, pt.PatternType) and not t.readable):
        parts.append("Its pattern cannot be read here; PE checks the value when the plan starts.")
    return " ".join(parts)


def _takes_plain(t: pt.PType, depth: int = 0) -> bool:
    """Whether some plain value other than undef fits `t`, which has a Sensitive inside it
    (`Variant[String, Sensitive[String]]` takes a String; `Optional[Sensitive[String]]` none)."""
    t = t.resolve()
    if depth > pt.MAX_DEPTH:
        return True  # a recursive alias: say nothing rather than something wrong
    if isinstance(t, pt.SensitiveType):
        return False
    if isinstance(t, (pt.OptionalType, pt.NotUndefType)):
        return _takes_plain(t.inner, depth + 1)
    if isinstance(t, pt.VariantType):
        return any(_takes_plain(inner, depth + 1) for inner in t.types)
    if isinstance(t, pt.ArrayType):
        return t.min == 0 or _takes_plain(t.element, depth + 1)
    if isinstance(t, pt.HashType):
        return t.min == 0 or _takes_plain(t.value, depth + 1)
    if isinstance(t, pt.TupleType):
        return all(_takes_plain(inner, depth + 1) for inner in t.types[: t.min])
    if isinstance(t, pt.StructType):
        return all(optional or _takes_plain(inner, depth + 1) for _, inner, optional in t.fields)
    return not _never_typed(t)


def description_sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", ":")) else text + "."
