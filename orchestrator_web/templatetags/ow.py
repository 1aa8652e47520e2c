from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from orchestrator_web.times import duration_text, time_tag

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
