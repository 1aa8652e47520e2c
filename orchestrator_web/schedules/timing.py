"""When a schedule runs, as people give it (a date and time in their zone, "every N hours") and
as PE takes it (an instant with an offset, an interval in seconds: orchestrator-api.md 2.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from orchestrator_web.times import exact

UNITS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 7 * 86400}
UNIT_CHOICES = [(unit, unit) for unit in UNITS]
MAX_INTERVAL_SECONDS = 366 * 86400
MAX_AHEAD = timedelta(days=366)  # the first run: at most a year ahead (catches typos like 2206 or 9999)
INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class TimingFields(forms.Form):
    """The first run (a date and time in the person's zone) and how often it repeats."""

    start_at = forms.DateTimeField(
        label="Date and time",
        required=False,
        input_formats=INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Give the date and time like 2026-03-01 09:00."},
    )
    repeat_every = forms.CharField(
        label="Repeat every",
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "step": 1, "class": "short"}),
        help_text="Empty: run once.",
    )
    repeat_unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, initial="hours", required=False)

    @property
    def fields_marked(self) -> bool:
        """Is any field marked with an error (not only a message for the whole form, such as
        PE's refusal)? Only then do the pages ask to "correct the fields marked below"."""
        return any(name != NON_FIELD_ERRORS for name in self.errors)

    def clean_repeat_every(self) -> int | None:
        text = str(self.cleaned_data.get("repeat_every") or "").strip()
        if not text:
            return None
        try:
            every = int(text)
        except ValueError:
            raise ValidationError("Repeat every: a whole number, like 2 (for every 2 hours).") from None
        if every <= 0:
            raise ValidationError("Repeat every: 1 or more. Leave it empty to run once.")
        return every

    def timing(self, now: datetime | None = None) -> tuple[datetime, int | None] | None:
        """(first run, interval in seconds or None) once cleaned, with errors added to the
        fields when they do not make a schedule; None then."""
        data = self.cleaned_data
        start = data.get("start_at")
        if start is None:
            if "start_at" not in self.errors:
                self.add_error("start_at", "Give the date and time of the first run.")
            return None
        now = now or timezone.now()
        if start <= now:
            self.add_error(
                "start_at",
                f"{exact(start)} is in the past (it is {exact(now)} now). Give a time still to come.",
            )
            return None
        if start > now + MAX_AHEAD:
            self.add_error(
                "start_at",
                f"{exact(start)} is more than a year ahead. The first run can be at most a year ahead "
                f"(until {exact(now + MAX_AHEAD)}).",
            )
            return None
        every = data.get("repeat_every")
        interval = None
        if every is not None:
            unit = data.get("repeat_unit") or "hours"
            interval = every * UNITS[unit]
            if interval > MAX_INTERVAL_SECONDS:
                self.add_error("repeat_every", "Repeat at most once a year apart; PE runs it again after that.")
                return None
        if "repeat_every" in self.errors:
            return None
        return start, interval


def every_words(seconds: int | None) -> str:
    """`every 2 hours`, `every week`, `once` for None."""
    if seconds is None:
        return "once"
    for unit, size in reversed(UNITS.items()):
        if seconds % size == 0:
            count = seconds // size
            return f"every {unit[:-1]}" if count == 1 else f"every {count} {unit}"
    return f"every {seconds} seconds"


def repeat_fields(seconds: int | None) -> tuple[str, str]:
    """The (repeat_every, repeat_unit) texts that show `seconds` again."""
    if seconds is None:
        return "", "hours"
    for unit, size in reversed(UNITS.items()):
        if seconds % size == 0:
            return str(seconds // size), unit
    return str(seconds // 60 or 1), "minutes"


def local_text(moment: datetime, zone: tzinfo | None = None) -> str:
    """The datetime-local text of `moment` in `zone` (the current one); empty when it cannot be
    written there (a time near the calendar's ends)."""
    try:
        return moment.astimezone(zone or timezone.get_current_timezone()).strftime("%Y-%m-%dT%H:%M")
    except (OverflowError, ValueError):
        return ""


def zone_name(zone: tzinfo | None = None) -> str:
    zone = zone or timezone.get_current_timezone()
    return str(getattr(zone, "key", None) or zone)


def in_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
