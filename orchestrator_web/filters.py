"""What the history's and the audit page's filter forms share."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.utils import timezone


class DayInput(forms.DateInput):
    input_type = "date"


class SharedFields(dict[str, forms.Field]):
    """A form class's fields, shared by each of its forms but those named in `per_form`.

    Django deep-copies a form's fields for every form it builds, so that one form may change its
    own (choices, messages). A filter form changes none but `per_form`, and it is built on every
    page: the copy was a tenth of the history page's time."""

    def __init__(self, fields: dict[str, forms.Field], per_form: Iterable[str]) -> None:
        super().__init__(fields)
        self.per_form = frozenset(per_form)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: copy.deepcopy(field, memo) if name in self.per_form else field for name, field in self.items()}


class _SharingFields(DeclarativeFieldsMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        cls = super().__new__(mcs, name, bases, attrs)
        cls.base_fields = SharedFields(cls.base_fields, cls.PER_FORM)  # type: ignore[attr-defined]
        return cls


class FilterForm(forms.Form, metaclass=_SharingFields):
    """A page's filters, read from its query string. Invalid ones are reported and left out; the
    valid ones still apply. The common fields are always in view; those in FOLDED sit under
    "More filters"; those in NAMES suggest names from a <datalist>, by the column they match;
    DAYS names the first and last day fields of a range of days, if any.

    Its fields are never changed by a form but those in PER_FORM (see SharedFields): declare
    messages with the fields, not in __init__."""

    FOLDED: tuple[str, ...] = ()
    NAMES: dict[str, str] = {}
    PER_FORM: tuple[str, ...] = ()
    DAYS: tuple[str, str] | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.DAYS:
            start, end = data.get(self.DAYS[0]), data.get(self.DAYS[1])
            if start and end and start > end:
                self.add_error(self.DAYS[1], "The end date is before the start date.")
        return data

    def folded_in_use(self) -> int:
        """How many of the folded filters are set or wrong: "More filters" opens when any is."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.FOLDED if self[name].value() not in (None, "") or self.errors.get(name))


def midnight(day: date) -> datetime:
    """The start of `day` in the site's time zone: whole days are filtered as a range on a
    time (which an index reads), not as a cast to a date."""
    return timezone.make_aware(datetime.combine(day, time.min))
