"""Changing a schedule: its time, how often, and its values (never the Sensitive ones, which PE
keeps and which stay as they are)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.schedules.timing import TimingFields


class ChangeForm(TimingFields):
    params_json = forms.CharField(
        label="Values (JSON)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=(
            "Every parameter but the Sensitive ones, as a JSON object. PE keeps the Sensitive values it has: "
            "they cannot be changed here. To change one, remove the schedule and schedule it again."
        ),
    )

    def clean_params_json(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("params_json") or "").strip() or "{}"
        try:
            value = pt.read_json(text)
        except pt.JSONProblem as exc:
            raise ValidationError(f"This is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise ValidationError('The values must be a JSON object, like {"targets": ["web01"]}.')
        return value


def params_text(values: dict[str, Any]) -> str:
    return json.dumps(values, indent=2, ensure_ascii=False)
