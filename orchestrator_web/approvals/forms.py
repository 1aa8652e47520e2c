from __future__ import annotations

from typing import Any

from django import forms

APPROVE, REJECT, WITHDRAW = "approve", "reject", "withdraw"


class DecisionForm(forms.Form):
    """Approve (a comment is optional), reject (a comment is required) or withdraw."""

    decision = forms.ChoiceField(choices=[(APPROVE, "Approve"), (REJECT, "Reject"), (WITHDRAW, "Withdraw")])
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional to approve; required to reject (the requester reads it).",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == REJECT and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Say why you reject it: a comment is required.")
        return cleaned
