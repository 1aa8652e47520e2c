"""The launch form: one field per plan parameter, built from its Puppet type."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.pe.types import Parameter, Plan

OMITTED: Any = object()  # a parameter left empty: the key is not sent, PE uses the plan's default
PARAM_PREFIX = "param__"
MAX_DESCRIPTION = 1000
MAX_JSON = 256 * 1024
RESERVED_USERDATA_KEY = "orchestrator_web"


def _unwrap(t: pt.PType) -> pt.PType:
    while isinstance(t, (pt.Sensitive, pt.Optional, pt.NotUndef)):
        t = t.inner
    return t


def _is_scalar(t: pt.PType) -> bool:
    return isinstance(_unwrap(t), (pt.String, pt.Pattern, pt.Enum, pt.Integer, pt.Float, pt.Boolean, pt.TargetSpec))


def widget_kind(t: pt.PType) -> str:
    """How a parameter of type `t` is typed in: text, password, integer, number, checkbox,
    tristate, select, lines or json."""
    if isinstance(t, pt.Sensitive):
        return "password"
    inner = _unwrap(t)
    optional = pt.accepts_undef(t)
    if isinstance(inner, pt.Boolean):
        return "tristate" if optional else "checkbox"
    if isinstance(inner, pt.Enum):
        return "select"
    if isinstance(inner, pt.Integer):
        return "integer"
    if isinstance(inner, pt.Float):
        return "number"
    if isinstance(inner, (pt.String, pt.Pattern)):
        return "text"
    if isinstance(inner, pt.TargetSpec) or (isinstance(inner, pt.Array) and _is_scalar(inner.element)):
        return "lines"
    return "json"


def _scalar_from_text(t: pt.PType, text: str) -> Any:
    """A value typed as text, converted to what the type wants (before checking it)."""
    inner = _unwrap(t)
    if isinstance(inner, pt.Integer):
        try:
            return int(text)
        except ValueError:
            raise pt.TypeMismatch(f"expects a whole number, got {text!r}") from None
    if isinstance(inner, pt.Float):
        try:
            number = float(text)
        except ValueError:
            raise pt.TypeMismatch(f"expects a number, got {text!r}") from None
        # Numeric keeps whole numbers whole; Float must be sent as a decimal (5 -> 5.0).
        return int(text) if inner.numeric and text.lstrip("-").isdigit() else number
    if isinstance(inner, pt.Boolean):
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise pt.TypeMismatch(f"expects true or false, got {text!r}")
        return lowered == "true"
    return text


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"This is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."


def text_to_value(kind: str, t: pt.PType, raw: Any) -> Any:
    """Turn what was typed into a JSON value, or OMITTED for an empty field."""
    if kind == "checkbox":
        return bool(raw)
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    if kind != "password":
        text = text.strip()
    if text == "":
        return OMITTED
    if kind == "tristate":
        return text == "true"
    if kind == "json":
        if len(text) > MAX_JSON:
            raise pt.TypeMismatch(f"is too long (at most {MAX_JSON // 1024} KB of JSON)")
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise pt.TypeMismatch(_json_error(exc)) from None
    if kind == "lines":
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise pt.TypeMismatch(_json_error(exc)) from None
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        inner = _unwrap(t)
        if isinstance(inner, pt.TargetSpec):
            return lines[0] if len(lines) == 1 else lines
        return [_scalar_from_text(inner.element, line) for line in lines]  # type: ignore[attr-defined]
    if kind == "password":
        inner = _unwrap(t)
        if isinstance(inner, (pt.String, pt.Pattern, pt.Enum, pt.Any_, pt.Unknown)):
            return text
        if isinstance(inner, (pt.Integer, pt.Float, pt.Boolean)):
            return _scalar_from_text(inner, text)
        return text_to_value("json", inner, text)
    return _scalar_from_text(t, text)


def value_to_text(kind: str, value: Any) -> Any:
    """The reverse of text_to_value: how a JSON value is shown in its field."""
    if value is None or value is OMITTED:
        return False if kind == "checkbox" else ""
    if kind == "checkbox":
        return bool(value)
    if kind == "tristate":
        return "true" if value else "false"
    if kind == "lines":
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return "\n".join(str(v) for v in value)
        return json.dumps(value)
    if kind == "json":
        return json.dumps(value, indent=2) if isinstance(value, (list, dict)) and value else json.dumps(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


HINTS = {
    "lines": "One per line, or a JSON array.",
    "json": "JSON: text in double quotes, lists in [ ], objects in { }.",
    "tristate": "Leave unset to let the plan decide.",
}


class ParameterField(forms.Field):
    """One plan parameter. Cleans to a JSON value checked against the Puppet type, or to
    OMITTED when left empty."""

    def __init__(self, parameter: Parameter, **kwargs: Any) -> None:
        self.parameter = parameter
        self.ptype = pt.parse_type_or_unknown(parameter.type)
        self.kind = widget_kind(self.ptype)
        self.default = pt.parse_default(parameter.default_value) if parameter.has_default else pt.NO_DEFAULT
        # Bolt: required unless there is a default; an Optional type may be left out.
        self.must_have = not parameter.has_default and not pt.accepts_undef(self.ptype) and self.kind != "checkbox"
        self.skip = False  # set in JSON mode, where the params_json field carries the values
        description = parameter.description.strip()
        help_parts = [_sentence_end(description) if description else "", HINTS.get(self.kind, "")]
        if parameter.has_default:
            help_parts.append(f"Default: {parameter.default_value}")
        super().__init__(
            required=False,
            label=parameter.name,
            help_text=" ".join(part for part in help_parts if part),
            widget=self._widget(),
            initial=self._initial(),
            **kwargs,
        )

    def _widget(self) -> forms.Widget:
        inner = _unwrap(self.ptype)
        if self.kind == "password":
            return forms.PasswordInput(attrs={"autocomplete": "off"})
        if self.kind == "checkbox":
            return forms.CheckboxInput()
        if self.kind == "tristate":
            return forms.Select(choices=[("", "(not set)"), ("true", "true"), ("false", "false")])
        if self.kind == "select":
            choices = [(v, v) for v in inner.values]  # type: ignore[attr-defined]
            if self.default is pt.NO_DEFAULT:  # with a default, that value is pre-selected instead
                choices.insert(0, ("", "Choose…" if self.must_have else "(not set)"))
            return forms.Select(choices=choices)
        if self.kind in ("integer", "number"):
            attrs: dict[str, Any] = {"step": "1" if self.kind == "integer" else "any"}
            low, high = inner.min, inner.max  # type: ignore[attr-defined]
            if low != float("-inf"):
                attrs["min"] = low
            if high != float("inf"):
                attrs["max"] = high
            return forms.NumberInput(attrs=attrs)
        if self.kind in ("lines", "json"):
            return forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})
        attrs = {}
        if isinstance(inner, pt.String) and inner.max != float("inf"):
            attrs["maxlength"] = int(inner.max)
        return forms.TextInput(attrs=attrs)

    def _initial(self) -> Any:
        if self.default is pt.NO_DEFAULT or self.kind == "password":
            return False if self.kind == "checkbox" else None
        return value_to_text(self.kind, self.default)

    def clean(self, raw: Any) -> Any:
        if self.skip:
            return OMITTED
        try:
            value = text_to_value(self.kind, self.ptype, raw)
        except pt.TypeMismatch as exc:
            raise ValidationError(_sentence(exc)) from None
        if value is OMITTED:
            if self.must_have:
                raise ValidationError("This parameter is required.")
            return OMITTED
        try:
            return pt.check(self.ptype, value)
        except pt.TypeMismatch as exc:
            raise ValidationError(_sentence(exc)) from None


def _sentence_end(text: str) -> str:
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _sentence(exc: pt.TypeMismatch) -> str:
    if exc.message.startswith("This "):
        return exc.message
    subject = f"Item {exc.path}" if exc.path else "This parameter"
    return f"{subject} {exc.message}."


@dataclass
class Launch:
    """A validated launch, as it will be sent."""

    plan_name: str
    environment: str
    params: dict[str, Any]
    sensitive: list[str]
    description: str
    timeout: int | None
    userdata: dict[str, Any]
    param_types: dict[str, str]


class LaunchForm(forms.Form):
    """Environment, the plan's parameters (as fields, or as one JSON object), then the
    description, timeout and userdata that go with the run."""

    environment = forms.ChoiceField(help_text="The Puppet code environment to run the plan from.")
    mode = forms.ChoiceField(
        choices=[("form", "form"), ("json", "json")], widget=forms.HiddenInput, initial="form", required=False
    )
    params_json = forms.CharField(
        label="Parameters (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text="The whole params object, checked against the plan's parameter types.",
    )
    description = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown with the job in PE and here.",
    )
    timeout = forms.IntegerField(
        label="Timeout (seconds)",
        required=False,
        min_value=1,
        max_value=7 * 24 * 3600,
        help_text="Stop the plan after this many seconds. Empty: PE's default.",
        error_messages={"invalid": "Enter the timeout as a whole number of seconds, like 1800."},
    )
    userdata = forms.CharField(
        label="Userdata (JSON object)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text='Extra data kept with the PE job, like {"ticket": "CHG-2041"}.',
    )

    def __init__(self, plan: Plan, environments: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["environment"].choices = [(env, env) for env in environments]
        json_mode = self.is_bound and self.data.get("mode") == "json"
        for name, parameter in plan.parameters.items():
            field = ParameterField(parameter)
            field.skip = json_mode
            self.fields[PARAM_PREFIX + name] = field

    # -- what the template needs ------------------------------------------------------

    @property
    def json_mode(self) -> bool:
        mode = self["mode"].value()
        return mode == "json"

    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(PARAM_PREFIX)]

    def parameter_field(self, name: str) -> ParameterField:
        return self.fields[PARAM_PREFIX + name]  # type: ignore[return-value]

    # -- cleaning -------------------------------------------------------------------------

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()

    def clean_userdata(self) -> dict[str, Any]:
        text = self.cleaned_data["userdata"].strip()
        if not text:
            return {}
        if len(text) > MAX_JSON:
            raise ValidationError(f"Userdata is too long (at most {MAX_JSON // 1024} KB).")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(_json_error(exc)) from None
        if not isinstance(value, dict):
            raise ValidationError('Userdata must be a JSON object, like {"ticket": "CHG-2041"}.')
        if RESERVED_USERDATA_KEY in value:
            raise ValidationError(f'The key "{RESERVED_USERDATA_KEY}" is reserved: orchestrator_web fills it in.')
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["params"] = self._params_from_json(data) if self.json_mode else self._params_from_fields(data)
        return data

    def _params_from_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        params = {}
        for name in self.plan.parameters:
            value = data.get(PARAM_PREFIX + name, OMITTED)
            if value is not OMITTED:
                params[name] = value
        return params

    def _params_from_json(self, data: dict[str, Any]) -> dict[str, Any]:
        text = (data.get("params_json") or "").strip() or "{}"
        if len(text) > MAX_JSON:
            self.add_error("params_json", f"The parameters are too long (at most {MAX_JSON // 1024} KB).")
            return {}
        try:
            params = json.loads(text)
        except json.JSONDecodeError as exc:
            self.add_error("params_json", _json_error(exc))
            return {}
        if not isinstance(params, dict):
            self.add_error("params_json", 'The parameters must be a JSON object, like {"targets": ["web01"]}.')
            return {}
        problems = []
        for name in params:
            if name not in self.plan.parameters:
                known = ", ".join(self.plan.parameters) or "none"
                problems.append(f'"{name}" is not a parameter of {self.plan.name} (its parameters: {known}).')
        for name in self.plan.parameters:
            field = self.parameter_field(name)
            if name not in params or (params[name] is None and field.must_have):
                if field.must_have:
                    problems.append(f'"{name}" is required.')
                continue
            try:
                params[name] = pt.check(field.ptype, params[name], name)
            except pt.TypeMismatch as exc:
                problems.append(f"{exc}.")
        for problem in problems:
            self.add_error("params_json", problem)
        return params

    def launch(self) -> Launch:
        data = self.cleaned_data
        sensitive = [name for name, p in self.plan.parameters.items() if p.sensitive and name in data["params"]]
        return Launch(
            plan_name=self.plan.name,
            environment=data["environment"],
            params=data["params"],
            sensitive=sensitive,
            description=data["description"],
            timeout=data["timeout"],
            userdata=data["userdata"],
            param_types={name: p.type for name, p in self.plan.parameters.items()},
        )

    # -- switching between the fields and JSON ---------------------------------------------

    def values_as_json(self) -> str:
        """The parameter fields' current values as a JSON object (for "Edit as JSON").
        Values that do not convert are left out."""
        params = {}
        for name in self.plan.parameters:
            field = self.parameter_field(name)
            if field.kind == "password":
                continue  # never copied into a visible textarea
            raw = self[PARAM_PREFIX + name].value()
            try:
                value = text_to_value(field.kind, field.ptype, raw)
            except pt.TypeMismatch:
                continue
            if value is not OMITTED:
                params[name] = value
        return json.dumps(params, indent=2)

    def fields_from_json(self) -> dict[str, Any] | None:
        """The JSON text as initial values for the parameter fields, or None if it does not parse."""
        try:
            params = json.loads((self["params_json"].value() or "").strip() or "{}")
        except json.JSONDecodeError:
            return None
        if not isinstance(params, dict):
            return None
        return {
            PARAM_PREFIX + name: value_to_text(self.parameter_field(name).kind, value)
            for name, value in params.items()
            if name in self.plan.parameters and self.parameter_field(name).kind != "password"
        }


def initial_from_job(job: Any, plan: Plan) -> tuple[dict[str, Any], list[str]]:
    """The launch form's initial values from an earlier job ("Run again"), and notes on what
    changed in the plan's signature since then."""
    initial: dict[str, Any] = {
        "environment": job.environment,
        "description": job.description,
        "timeout": job.timeout,
        "userdata": json.dumps(job.userdata) if job.userdata else "",
    }
    notes: list[str] = []
    for name, value in job.params.items():
        parameter = plan.parameters.get(name)
        if parameter is None:
            notes.append(
                f"{name} no longer exists in {plan.name}; its old value {json.dumps(value)} is not carried over."
            )
            continue
        field = ParameterField(parameter)
        old_type = job.param_types.get(name)
        if old_type and old_type != parameter.type:
            notes.append(f"{name} changed type from {old_type} to {parameter.type}; check its value.")
        try:
            pt.check(field.ptype, value)
        except pt.TypeMismatch as exc:
            notes.append(f"{name}: the old value no longer fits ({exc.message}).")
        initial[PARAM_PREFIX + name] = value_to_text(field.kind, value)
    for name in job.sensitive_params:
        if name in plan.parameters:
            notes.append(f"{name} is sensitive and was not stored: type it again.")
        else:
            notes.append(f"{name} no longer exists in {plan.name}.")
    if job.param_types:
        for name in plan.parameters:
            if name not in job.param_types:
                notes.append(f"{name} is a new parameter since job {job.pk}.")
    return initial, notes
