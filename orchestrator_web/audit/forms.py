from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from orchestrator_web.audit.models import Action, AuditEntry


class DayInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    """The audit page's filters, read from the query string. Invalid ones are reported and left
    out; the valid ones still apply. Who and target match any part, in any case."""

    # The common ones, always in view; FOLDED ones sit under "More filters".
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "name, target, detail, address…"}),
    )
    who = forms.CharField(
        required=False, max_length=150, label="Who", widget=forms.TextInput(attrs={"placeholder": "part of a name"})
    )
    action = forms.ChoiceField(choices=[("", "Any action"), *Action.choices], required=False)
    target = forms.CharField(
        required=False, max_length=300, widget=forms.TextInput(attrs={"placeholder": "job 42, a group, a plan…"})
    )
    since = forms.DateField(required=False, label="From", widget=DayInput)
    until = forms.DateField(required=False, label="To", widget=DayInput)

    FOLDED = ("target", "since", "until")
    NAMES = {"who": "actor_name"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].error_messages["invalid_choice"] = "“%(value)s” is not an action of the trail."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("since"), data.get("until")
        if start and end and start > end:
            self.add_error("until", "The end date is before the start date.")
        return data

    def folded_in_use(self) -> int:
        """How many of the folded filters are set or wrong: "More filters" opens when any is."""
        return sum(1 for name in self.FOLDED if self[name].value() not in (None, "") or self.errors.get(name))

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Apply the filters that are valid (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        if data.get("who"):
            entries = entries.filter(actor_name__icontains=data["who"].strip())
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("target"):
            entries = entries.filter(target__icontains=data["target"].strip())
        # Whole days in the site's time zone, as a range on `at` (its index reads a range).
        if data.get("since"):
            entries = entries.filter(at__gte=_midnight(data["since"]))
        if data.get("until"):
            entries = entries.filter(at__lt=_midnight(data["until"] + timedelta(days=1)))
        needle = (data.get("q") or "").strip()
        if needle:
            # Who, what it was about, from where, and any detail (a plan, a reason, a group).
            entries = entries.alias(
                details_text=Cast("details", TextField()), address_text=Cast("address", TextField())
            )
            said = needle.lower()
            actions = [value for value, label in Action.choices if said in label.lower() or said in value]
            entries = entries.filter(
                Q(actor_name__icontains=needle)
                | Q(target__icontains=needle)
                | Q(details_text__icontains=needle)
                | Q(address_text__icontains=needle)
                | Q(action__in=actions)
            )
        return entries


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
