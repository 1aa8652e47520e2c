from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from orchestrator_web.jobs import summary
from orchestrator_web.jobs.models import JobEvent, State
from orchestrator_web.schedules.timing import every_words
from orchestrator_web.times import duration_text, time_tag, whole_seconds

register = template.Library()


@register.filter
def as_json(value: Any, indent: int | None = None) -> str:
    """A value as JSON text (escaped by the template like any other text)."""
    return json.dumps(value, indent=indent, ensure_ascii=False, sort_keys=False)


@register.filter
def seconds(delta: timedelta | None) -> str:
    """A duration as 1h 02m 03s / 2m 38s / 4s / under 1s (times.duration_text)."""
    return duration_text(delta)


@register.filter
def moment(value: datetime | str | None) -> SafeString:
    """A moment as <time>: relative words, the exact time on hover, in the reader's zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return mark_safe("—")
    return time_tag(value)


@register.filter
def every(seconds: int | None) -> str:
    """A schedule's interval in words: `every 2 hours`, `once` for none."""
    return every_words(seconds)


@register.filter
def is_long(text: str) -> bool:
    """Output worth folding away behind a <details>."""
    return len(text) > 2000 or text.count("\n") > 40


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """mapping[key] for keys templates cannot spell, like "job-id"."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def as_datetime(text: str) -> datetime | str:
    """An ISO-8601 string (as kept in a job's timeline) as a datetime for |date."""
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text


@register.filter
def state_label(value: str) -> str:
    """A job state as the page names it ("not_submitted" -> "Not submitted")."""
    return str(State(value).label) if value in State.values else value


@register.filter
def event_text(event: JobEvent) -> str:
    """A plan job's event in words: "Task started (job 12)", "Plan finished"."""
    return summary.sentence(event.type, event.details)


@register.filter
def offset_from(moment: datetime | None, start: datetime | None) -> str:
    """How long after `start` a moment came, as `+2m 38s` (times.duration_text)."""
    if moment is None or start is None:
        return ""
    delta = moment - start
    return "+0s" if not whole_seconds(delta) else f"+{duration_text(delta)}"
