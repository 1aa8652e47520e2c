from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from orchestrator_web.filters import DayInput, FilterForm, midnight
from orchestrator_web.jobs import selectors
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.rbac import access
from orchestrator_web.rbac.models import ENVIRONMENT_NAME

SCOPES = [("", "All I can see"), ("mine", "Mine"), ("team", "My teams")]
STATES = [("", "Any state"), *State.choices]
ORDERS = [(key, sort.label) for key, sort in selectors.SORTS.items()]


# Any part of a plan name, in any case.
PLAN_PART = re.compile(r"^[A-Za-z0-9_:]+$")
PART = "part of a name"


class JobFilterForm(FilterForm):
    """The history's filters and order. Plan, requester and environment match any part of a
    name, in any case ("patching" finds patching::run)."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "description, values, ticket…"}),
    )
    plan = forms.CharField(required=False, max_length=200, widget=forms.TextInput(attrs={"placeholder": PART}))
    state = forms.ChoiceField(
        choices=STATES, required=False, error_messages={"invalid_choice": "“%(value)s” is not a job state."}
    )
    sort = forms.ChoiceField(
        choices=ORDERS,
        required=False,
        label="Order",
        error_messages={"invalid_choice": "“%(value)s” is not an order here."},
    )
    scope = forms.ChoiceField(
        choices=SCOPES,
        required=False,
        label="Show",
        error_messages={"invalid_choice": "“%(value)s” is not a choice here."},
    )
    requested_by = forms.CharField(
        required=False, max_length=150, label="Requested by", widget=forms.TextInput(attrs={"placeholder": PART})
    )
    team = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "That team does not exist or is not yours."},
    )
    environment = forms.CharField(required=False, max_length=100, widget=forms.TextInput(attrs={"placeholder": PART}))
    submitted_from = forms.DateField(required=False, label="Submitted from", widget=DayInput)
    submitted_to = forms.DateField(required=False, label="Submitted to", widget=DayInput)

    FOLDED = ("scope", "requested_by", "team", "environment", "submitted_from", "submitted_to")
    NAMES = {"plan": "plan_name", "requested_by": "requested_by_username", "environment": "environment"}
    DAYS = ("submitted_from", "submitted_to")
    PER_FORM = ("team",)  # its choices are the person's teams
    # What a job never changes once made (its plan, environment, requester and submission time),
    # and the order: a search on these alone finds more jobs as jobs are added, never fewer.
    FIXED = ("plan", "environment", "requested_by", "submitted_from", "submitted_to", "sort")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Not a ModelChoiceField: it would query again (twice) to render its options.
        team = self.fields["team"]
        assert isinstance(team, forms.ChoiceField)
        team.choices = [("", "Any team"), *access.team_choices(user)]

    def growing(self) -> tuple[Any, ...] | None:
        """A key for this search if the jobs it finds can only grow as jobs are added: the
        reader's own jobs, or every job for a reader who sees them all, filtered on FIXED alone
        (call after is_valid()). None for any other search: a state changes, teams change."""
        if self.is_bound and self.errors:
            return None
        data = getattr(self, "cleaned_data", {})
        scope = data.get("scope") or ""
        if scope == "mine":
            whose = f"mine:{self.user.pk}"
        elif scope == "" and access.sees_all_jobs(self.user):
            whose = "all"
        else:
            return None
        if any(value for name, value in data.items() if value and name not in (*self.FIXED, "scope")):
            return None
        return (whose, *sorted((name, str(value)) for name, value in data.items() if value and name in self.FIXED))

    def clean_plan(self) -> str:
        plan = self.cleaned_data["plan"].strip()
        if plan and not PLAN_PART.match(plan):
            raise forms.ValidationError(f"“{plan}” is not a plan name.")
        return plan

    def clean_environment(self) -> str:
        environment = self.cleaned_data["environment"].strip()
        if environment and not ENVIRONMENT_NAME.match(environment):
            raise forms.ValidationError(f"“{environment}” is not an environment name.")
        return environment

    def clean_requested_by(self) -> str:
        return self.cleaned_data["requested_by"].strip()

    @property
    def order(self) -> selectors.Sort:
        """The order asked for (the newest first unless a valid other one)."""
        return selectors.SORTS.get(getattr(self, "cleaned_data", {}).get("sort") or "", selectors.SORTS[""])

    def filter(self, jobs: QuerySet[Job]) -> QuerySet[Job]:
        """Apply the filters that are valid (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        if data.get("scope") == "mine":
            jobs = jobs.filter(requested_by=self.user)
        elif data.get("scope") == "team":
            jobs = jobs.filter(requested_by__in=access.team_mates(self.user).values("pk"))
        if data.get("team"):
            jobs = jobs.filter(requested_by__in=User.objects.filter(groups=data["team"]).values("pk"))
        if data.get("state"):
            jobs = jobs.filter(state=data["state"])
        for field, column in self.NAMES.items():
            if data.get(field):
                jobs = selectors.with_name_containing(jobs, column, data[field])
        # Whole days in the site's time zone.
        if data.get("submitted_from"):
            jobs = jobs.filter(created_at__gte=midnight(data["submitted_from"]))
        if data.get("submitted_to"):
            jobs = jobs.filter(created_at__lt=midnight(data["submitted_to"] + timedelta(days=1)))
        if data.get("q"):
            jobs = selectors.matching_text(jobs, data["q"].strip())
        return jobs
