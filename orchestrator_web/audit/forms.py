from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.filters import DayInput, FilterForm, midnight


class AuditFilterForm(FilterForm):
    """The audit page's filters. Who and target match any part, in any case."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "name, target, detail, address…"}),
    )
    who = forms.CharField(
        required=False, max_length=150, label="Who", widget=forms.TextInput(attrs={"placeholder": "part of a name"})
    )
    action = forms.ChoiceField(
        choices=[("", "Any action"), *Action.choices],
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not an action of the trail."},
    )
    target = forms.CharField(
        required=False, max_length=300, widget=forms.TextInput(attrs={"placeholder": "job 42, a group, a plan…"})
    )
    since = forms.DateField(required=False, label="From", widget=DayInput)
    until = forms.DateField(required=False, label="To", widget=DayInput)

    FOLDED = ("target", "since", "until")
    NAMES = {"who": "actor_name"}
    DAYS = ("since", "until")

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Apply the filters that are valid (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        if data.get("who"):
            entries = entries.filter(actor_name__icontains=data["who"].strip())
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("target"):
            entries = entries.filter(target__icontains=data["target"].strip())
        # Whole days in the site's time zone.
        if data.get("since"):
            entries = entries.filter(at__gte=midnight(data["since"]))
        if data.get("until"):
            entries = entries.filter(at__lt=midnight(data["until"] + timedelta(days=1)))
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
