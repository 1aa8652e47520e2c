"""The launch form: one field per plan parameter (see fields.py), or the whole params object as
JSON, then the description, timeout and userdata that go with the run.

Values live in a *state*: the form's raw data (name → text), without secrets. Secrets live
apart, sealed (see sealing.py), so no page ever carries one. Every change of view (another
environment, JSON and back, "Change something" after review) rebuilds the form from a state
and the kept secrets, and says what could not be carried over.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.pe.types import Plan
from orchestrator_web.plans.fields import EMPTY, MAX_JSON, ParameterField, form_field, json_to_text, read_json
from orchestrator_web.schedules.timing import TimingFields, zone_name

PARAM_PREFIX = "param__"
MAX_DESCRIPTION = 1000
RESERVED_USERDATA_KEY = "orchestrator_web"
RUN_OPTIONS = ("environment", "description", "timeout", "userdata", "when", "start_at", "repeat_every", "repeat_unit")
NOW, LATER = "now", "later"


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
    defaulted: list[str] = field(default_factory=list)  # left out: PE applies the plan's default
    # Run later, through PE's scheduler: {"start_time": ISO-8601 UTC, "interval_seconds": N or
    # None, "time_zone": the zone it was given in}. None: run now.
    schedule: dict[str, Any] | None = None


class LaunchForm(TimingFields):
    environment = forms.ChoiceField(help_text="The Puppet code environment to run the plan from.")
    when = forms.ChoiceField(
        label="When",
        choices=[(NOW, "Run now"), (LATER, "Run later (PE's scheduler)")],
        initial=NOW,
        required=False,
        widget=forms.RadioSelect,
    )
    mode = forms.ChoiceField(
        choices=[("form", "form"), ("json", "json")], widget=forms.HiddenInput, initial="form", required=False
    )
    params_json = forms.CharField(
        label="Parameters (JSON)",
        required=False,
        strip=False,
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

    def __init__(
        self,
        plan: Plan,
        parameters: Mapping[str, pt.PlanParameter],
        environments: list[str],
        data: Mapping[str, Any] | None = None,
        *,
        initial: dict[str, Any] | None = None,
        kept: Mapping[str, str] | None = None,
        forget: list[str] | None = None,
        runnable_now: list[str] | None = None,
        schedulable: list[str] | None = None,
    ) -> None:
        # The environments where the person may run the plan now, and where they may schedule it
        # (a grant may allow one of the two); None: all of `environments`.
        self.runnable_now = list(environments) if runnable_now is None else runnable_now
        self.schedulable = list(environments) if schedulable is None else schedulable
        secret_names = [name for name, p in parameters.items() if p.secret]
        json_mode = data is not None and data.get("mode") == "json"
        typed = {name for name in secret_names if data is not None and str(data.get(PARAM_PREFIX + name) or "")}
        # Secrets typed in the JSON are taken out of it at once, so the page never shows them
        # again (an error re-renders the JSON); they go on sealed, like kept ones.
        self.json_secrets: dict[str, Any] = {}
        self.hidden_secrets: list[str] = []
        if data is not None and json_mode and secret_names:
            raw = str(data.get("params_json") or "")
            text, self.json_secrets, self.hidden_secrets = hide_secrets(raw, secret_names)
            if text != raw:
                data = data.copy()  # type: ignore[attr-defined]
                data["params_json"] = text  # type: ignore[index]
        forgotten = set(forget or [])
        # Secrets kept from before (sealed), unless typed again or let go.
        self.kept = {
            k: v for k, v in (kept or {}).items() if k in secret_names and k not in forgotten and k not in typed
        }
        if data is not None and self.kept and not json_mode:
            data = data.copy()  # type: ignore[attr-defined]
            for name, text in self.kept.items():
                data[PARAM_PREFIX + name] = text  # type: ignore[index]
        super().__init__(data, initial=initial)
        self.plan = plan
        self.parameters = dict(parameters)
        environment = self.fields["environment"]
        assert isinstance(environment, forms.ChoiceField)
        environment.choices = [(env, env) for env in environments]
        for name, parameter in self.parameters.items():
            source = plan.parameters.get(name)
            field = form_field(parameter, source.description if source else "")
            field.skip = json_mode  # type: ignore[attr-defined]  # the JSON object carries the values
            self.fields[PARAM_PREFIX + name] = field

    @classmethod
    def from_state(
        cls,
        plan: Plan,
        parameters: Mapping[str, pt.PlanParameter],
        environments: list[str],
        state: Mapping[str, Any] | None = None,
        *,
        kept: Mapping[str, str] | None = None,
        runnable_now: list[str] | None = None,
        schedulable: list[str] | None = None,
    ) -> LaunchForm:
        """An unbound form showing `state` (raw texts; the defaults where it has none)."""
        form = cls(plan, parameters, environments, kept=kept, runnable_now=runnable_now, schedulable=schedulable)
        values = {**form.default_state(), **(state or {})}
        if not (state or {}).get("when"):
            # Now or later as the shown environment allows (a grant may allow only one of the two).
            shown = values.get("environment") or (environments[0] if environments else "")
            values["when"] = LATER if shown not in form.runnable_now and shown in form.schedulable else NOW
        if values.get("mode") == "json" and form.secret_names:
            # JSON carried over as it was typed (another environment) may hold secrets: seal them.
            text, found, _ = hide_secrets(str(values.get("params_json") or ""), form.secret_names)
            values["params_json"] = text
            found = {name: value for name, value in found.items() if value is not None}
            form.kept.update({name: str(form.field_for(name).to_text(value)) for name, value in found.items()})
        form.initial = {
            name: form.fields[name].widget.value_from_datadict(values, {}, name)
            for name in values
            if name in form.fields
        }
        return form

    def default_state(self) -> dict[str, Any]:
        """Literal defaults, as the fields show them (never a secret's)."""
        state: dict[str, Any] = {"mode": "form", "when": NOW if self.runnable_now else LATER, "repeat_unit": "hours"}
        for name, parameter in self.parameters.items():
            if parameter.default.kind is pt.DefaultKind.LITERAL and not parameter.secret:
                state[PARAM_PREFIX + name] = self.field_for(name).to_text(parameter.default.value)
        return state

    # -- what templates and views need -------------------------------------------------------

    @property
    def secret_names(self) -> list[str]:
        return [name for name, p in self.parameters.items() if p.secret]

    @property
    def json_mode(self) -> bool:
        return self["mode"].value() == "json"

    @property
    def later(self) -> bool:
        return self["when"].value() == LATER

    def zone_name(self) -> str:
        """The zone the date and time are read in: the person's (their profile), else the site's."""
        return zone_name()

    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[PARAM_PREFIX + name] for name in self.parameters]

    def field_for(self, name: str) -> ParameterField:
        return self.fields[PARAM_PREFIX + name]  # type: ignore[return-value]

    def kept_secret_names(self) -> list[str]:
        """Secrets carried from before without being typed again (shown as "kept")."""
        return list(self.kept)

    def raw_state(self) -> dict[str, str]:
        """What was typed, secrets left out: enough to rebuild this form."""
        source = self.data if self.is_bound else {}
        state = {}
        for name in (*RUN_OPTIONS, "mode", "params_json"):
            if name in source:
                state[name] = str(source.get(name) or "")
        for name, parameter in self.parameters.items():
            key = PARAM_PREFIX + name
            if not parameter.secret and key in source:
                state[key] = str(source.get(key) or "")
        if self.json_mode and "params_json" in state:
            state["params_json"], _ = split_secrets(state["params_json"], self.secret_names)
        return state

    def secret_texts(self) -> dict[str, str]:
        """The secrets in effect now (typed or kept), as form-mode text, to seal for the next page."""
        texts = dict(self.kept)
        if not self.is_bound:
            return texts
        if self.json_mode:
            found = self.json_secrets.items()
            texts.update({name: self.field_for(name).to_text(value) for name, value in found if value is not None})
        else:
            for name in self.secret_names:
                typed = str(self.data.get(PARAM_PREFIX + name) or "")
                if typed:
                    texts[name] = typed
        return texts

    # -- cleaning -------------------------------------------------------------------------------

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()

    def clean_userdata(self) -> dict[str, Any]:
        text = self.cleaned_data["userdata"].strip()
        if not text:
            return {}
        value = read_json(text)
        if not isinstance(value, dict):
            raise ValidationError('Userdata must be a JSON object, like {"ticket": "CHG-2041"}.')
        if RESERVED_USERDATA_KEY in value:
            raise ValidationError(f'The key "{RESERVED_USERDATA_KEY}" is reserved: orchestrator_web fills it in.')
        return value

    def clean_when(self) -> str:
        return self.cleaned_data.get("when") or NOW

    def _clean_when(self, data: dict[str, Any]) -> None:
        """Run now or later: the person may do it that way there, and a schedule has a time."""
        environment = data.get("environment")
        if data.get("when") == LATER:
            if environment and environment not in self.schedulable:
                self.add_error("when", f"You may run {self.plan.name} in {environment} now, but not schedule it.")
            timing = self.timing()
            if data.get("timeout") is not None:
                self.add_error("timeout", "A schedule takes no timeout: PE's scheduler runs it with its default.")
            if timing is not None:
                start, interval = timing
                data["schedule"] = {
                    "start_time": start.isoformat(),
                    "interval_seconds": interval,
                    "time_zone": zone_name(),
                }
        elif environment and environment not in self.runnable_now:
            self.add_error("when", f"You may schedule {self.plan.name} in {environment}, but not run it now.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_when(data)
        if self.json_mode:
            given = self._values_from_json()
        else:
            given = {}
            for name in self.parameters:
                value = data.get(PARAM_PREFIX + name, EMPTY)
                if value is not EMPTY and PARAM_PREFIX + name not in self.errors:
                    given[name] = value
        if given is None:
            return data
        call = pt.plan_call(self.plan.name, self.parameters, given)
        for name, problem in call.problems.items():
            if name not in self.parameters:
                self.add_error("params_json" if self.json_mode else None, problem)
            elif self.json_mode:
                self.add_error("params_json", f"{name}: {problem}")
            elif PARAM_PREFIX + name not in self.errors:
                self.add_error(PARAM_PREFIX + name, problem)
        data["call"] = call
        return data

    def _values_from_json(self) -> dict[str, Any] | None:
        text = str(self.data.get("params_json") or "").strip() or "{}"
        if self.hidden_secrets:  # the JSON as typed could not be read: its secrets were taken out
            self.add_error("params_json", "This is not valid JSON where a sensitive value was typed.")
            for name in self.hidden_secrets:
                self.add_error(
                    "params_json", f"The value given for {name} is not shown again (sensitive): type it again."
                )
            return None
        try:
            given = read_json(text)
        except ValidationError as exc:
            self.add_error("params_json", exc)
            return None
        if not isinstance(given, dict):
            self.add_error("params_json", 'The parameters must be a JSON object, like {"targets": ["web01"]}.')
            return None
        given.update(self.json_secrets)
        for name, text_value in self.kept.items():
            if name not in given:
                try:
                    given[name] = self.field_for(name).to_python(text_value)
                except ValidationError as exc:
                    self.add_error("params_json", f"{name}: {pt.without_value(exc.messages[0])}")
        return given

    def launch(self) -> Launch:
        data = self.cleaned_data
        call: pt.Call = data["call"]
        return Launch(
            plan_name=self.plan.name,
            environment=data["environment"],
            params=call.params,
            # A secret left empty is sent as null: there is nothing to mask, or to type again.
            sensitive=[
                name for name, value in call.params.items() if self.parameters[name].secret and value is not None
            ],
            description=data["description"],
            timeout=data["timeout"],
            userdata=data["userdata"],
            param_types={name: p.type_text for name, p in self.parameters.items()},
            defaulted=call.defaulted,
            schedule=data.get("schedule"),
        )

    # -- switching between the fields and JSON ---------------------------------------------------

    def to_json_state(self) -> tuple[dict[str, str], dict[str, str], list[str]] | None:
        """(state in JSON mode, secrets, notes) from a bound form-mode form, or None (with errors
        on the fields) when a value cannot be read yet."""
        self._errors, self.cleaned_data = ErrorDict(), {}
        params: dict[str, Any] = {}
        secrets = self.secret_texts()
        for name, parameter in self.parameters.items():
            bound = self[PARAM_PREFIX + name]
            if parameter.secret:
                continue
            try:
                value = bound.field.to_python(bound.data)
            except ValidationError as exc:
                self.add_error(bound.name, exc)
                continue
            if value is not EMPTY:
                params[name] = value
        if self._errors:
            self.add_error(None, "Fix the marked fields before editing as JSON; nothing was changed.")
            return None
        state = {k: v for k, v in self.raw_state().items() if not k.startswith(PARAM_PREFIX)}
        state |= {"mode": "json", "params_json": json.dumps(params, indent=2, ensure_ascii=False)}
        return state, secrets, []

    def to_form_state(self) -> tuple[dict[str, str], dict[str, str], list[str]] | None:
        """(state in form mode, secrets, notes) from a bound JSON-mode form, or None (with an
        error on the JSON) when a value would not survive the trip."""
        self._errors, self.cleaned_data = ErrorDict(), {}
        text = str(self.data.get("params_json") or "").strip() or "{}"
        try:
            given = read_json(text)
        except ValidationError as exc:
            self.add_error("params_json", f"{exc.messages[0]} Fix the JSON before going back to the form.")
            return None
        if not isinstance(given, dict):
            self.add_error("params_json", "The parameters must be a JSON object before going back to the form.")
            return None
        state = {k: v for k, v in self.raw_state().items() if k != "params_json"} | {"mode": "form"}
        secrets = dict(self.kept)
        problems = []
        given.update(self.json_secrets)
        for name, value in given.items():
            if name not in self.parameters:
                problems.append(f"{name!r} is not a parameter of {self.plan.name}: rename or remove it first.")
                continue
            field = self.field_for(name)
            text_value = field.to_text(value)
            try:
                back = field.to_python(text_value)
            except ValidationError:
                back = EMPTY
            if value is None and not self.parameters[name].required:
                text_value, back = "", None  # an empty field sends null (or the default) too
            one_line = isinstance(self.fields[PARAM_PREFIX + name].widget, (forms.TextInput, forms.PasswordInput))
            if one_line and isinstance(text_value, str) and ("\n" in text_value or "\r" in text_value):
                back = EMPTY  # a one-line box would drop the line break
            if back is EMPTY or _as_json(back) != _as_json(value):
                shown = "its sensitive value" if self.parameters[name].secret else pt.describe(value)
                problems.append(
                    f"{name}: {shown} cannot be shown in its field without changing it; "
                    "keep editing it as JSON, or change it first."
                )
                continue
            if self.parameters[name].secret:
                secrets[name] = text_value
            else:
                state[PARAM_PREFIX + name] = text_value
        notes = []
        for name, parameter in self.parameters.items():
            if name in given or parameter.secret:
                continue
            field = self.field_for(name)
            if _can_be_empty(self.fields[PARAM_PREFIX + name]):
                state[PARAM_PREFIX + name] = ""
                continue
            # A checkbox, or a select with no empty choice, cannot say "left out": it shows the
            # plan's default (the same value PE would use) and says so.
            default = parameter.default
            value = default.value if default.kind is pt.DefaultKind.LITERAL else False
            state[PARAM_PREFIX + name] = field.to_text(value)
            source = "the plan's default" if default.kind is pt.DefaultKind.LITERAL else "unchecked (false)"
            notes.append(f"{name} was not in the JSON: the form shows {source}, {json.dumps(value)}, which is sent.")
        if problems:
            for problem in problems:
                self.add_error("params_json", problem)
            return None
        return state, secrets, notes


def _can_be_empty(field: forms.Field) -> bool:
    """Whether the field can show "nothing" (a checkbox cannot; nor a select without an empty choice)."""
    if isinstance(field.widget, forms.CheckboxInput):
        return False
    if isinstance(field.widget, forms.Select):
        return any(value == "" for value, _ in field.widget.choices)
    return True


def _as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def split_secrets(text: str, names: list[str]) -> tuple[str, dict[str, Any]]:
    """JSON params text without the secret keys (to show again), and those values (to seal).
    Text that is not a JSON object comes back as it is."""
    if not names:
        return text, {}
    try:
        value = pt.read_json(text) if len(text) <= MAX_JSON else None
    except pt.JSONProblem:
        return text, {}
    if not isinstance(value, dict) or not any(name in value for name in names):
        return text, {}
    secrets = {name: value.pop(name) for name in names if name in value}
    return json_to_text(value), secrets


def hide_secrets(text: str, names: list[str]) -> tuple[str, dict[str, Any], list[str]]:
    """JSON params text safe to show again: (text, secret values taken out to seal, names of
    secrets whose value was hidden). When the JSON cannot be read, what follows a secret's key
    is replaced by null as well as it can be found, since it cannot be taken out whole."""
    shown, found = split_secrets(text, names)
    if found or not names:
        return shown, found, []
    hidden = []
    for name in names:
        value = r"""\[[^\]]*\]?|\{[^}]*\}?|"(?:[^"\\\n]|\\.)*"?|[^\s,}\]]+"""
        pattern = re.compile(r'("' + re.escape(name) + r'"\s*:\s*)(?:' + value + ")")
        shown, count = pattern.subn(r"\1null", shown)
        if count:
            hidden.append(name)
        # Whatever else still names it (single quotes, YAML style, a misspelt key) may hold its value:
        # such lines are not shown again either.
        lines = shown.split("\n")
        kept = [line for line in lines if name not in line or f'"{name}": null' in line]
        if len(kept) != len(lines):
            shown = "\n".join(kept)
            if name not in hidden:
                hidden.append(name)
    return shown, found, hidden


def carry_over(state: Mapping[str, str], plan: Plan, kept: Mapping[str, str]) -> list[str]:
    """Notes on values typed for another environment's version of the plan that this one
    (`plan`) has no parameter for: they are not carried over, and the person is told."""
    notes = []
    for key, value in state.items():
        name = key.removeprefix(PARAM_PREFIX)
        if key.startswith(PARAM_PREFIX) and name not in plan.parameters and str(value).strip():
            notes.append(f"{name} is not a parameter of {plan.name} here; its value was not carried over.")
    for name in kept:
        if name not in plan.parameters:
            notes.append(f"{name} is not a parameter of {plan.name} here; its sensitive value was let go.")
    return notes


def initial_from_job(
    job: Any, plan: Plan, parameters: Mapping[str, pt.PlanParameter]
) -> tuple[dict[str, Any], list[str]]:
    """The launch form's state from an earlier job ("Run again"), and notes on what changed in
    the plan's signature since then."""
    fields = {PARAM_PREFIX + name: form_field(p) for name, p in parameters.items()}
    state: dict[str, Any] = {
        "environment": job.environment,
        "description": job.description,
        "timeout": "" if job.timeout is None else str(job.timeout),
        "userdata": json.dumps(job.userdata) if job.userdata else "",
    }
    notes: list[str] = []
    for name, value in job.params.items():
        parameter = parameters.get(name)
        if parameter is None:
            notes.append(
                f"{name} no longer exists in {plan.name}; its old value {json.dumps(value)} is not carried over."
            )
            continue
        old_type = job.param_types.get(name)
        if old_type and old_type != parameter.type_text:
            notes.append(f"{name} changed type from {old_type} to {parameter.type_text}; check its value.")
        if value is not None:
            try:
                parameter.check(value)
            except pt.TypeMismatch as exc:
                notes.append(f"{name}: the old value no longer fits ({exc.message}).")
        field: Any = fields[PARAM_PREFIX + name]
        state[PARAM_PREFIX + name] = "" if value is None else field.to_text(value)
    for name in job.sensitive_params:
        if name in parameters:
            notes.append(f"{name} is sensitive and was not stored: type it again.")
        else:
            notes.append(f"{name} no longer exists in {plan.name}.")
    if job.param_types:
        for name in parameters:
            if name not in job.param_types:
                notes.append(f"{name} is a new parameter since job {job.pk}.")
    return state, notes
