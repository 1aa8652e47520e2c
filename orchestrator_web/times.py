"""Times and durations, written one way everywhere (pages, history rows, CSV).

A moment is shown as `<time datetime="…Z" title="2026-03-01 12:00:05 CET">5 minutes ago</time>`:
relative words, the exact time on hover, in the reader's zone. The server writes it in the
person's chosen zone (their profile), or the site's (TIME_ZONE); a small script (static/js/app.js)
rewrites it in the browser's zone when the person has not chosen one, and keeps the relative
words fresh. A duration is whole seconds, rounded, the same number on the page and in the CSV.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

EXACT = "%Y-%m-%d %H:%M:%S %Z"


def in_zone(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """`moment` in `zone` (the current one); in UTC when it cannot be shown there, as a time near
    the ends of the calendar (year 9999 east of UTC) would overflow: a page never fails on it."""
    try:
        return moment.astimezone(zone or timezone.get_current_timezone())
    except (OverflowError, ValueError):
        return moment.astimezone(UTC)


def exact(moment: datetime, zone: tzinfo | None = None) -> str:
    """`2026-03-01 12:00:05 CET`: the one format for an exact time, in `zone` (the current one)."""
    return in_zone(moment, zone).strftime(EXACT)


def relative(moment: datetime, now: datetime | None = None) -> str:
    """`just now`, `5 minutes ago`, `in 2 hours`, `3 days ago`; the date beyond that."""
    now = now or timezone.now()
    seconds = (now - moment).total_seconds()
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 45:
        return "just now"
    for unit, size, below in (("minute", 60, 45), ("hour", 3600, 22), ("day", 86400, 26)):
        count = max(1, round(seconds / size))
        if count < below:
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if future else f"{words} ago"
    return in_zone(moment).strftime("%Y-%m-%d")


def time_tag(moment: datetime | None, zone: tzinfo | None = None, now: datetime | None = None) -> SafeString:
    """A moment as a `<time>` element (see the module's docstring); an em dash for none."""
    if moment is None:
        return mark_safe("—")
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return mark_safe(  # noqa: S308 - every value is escaped here
        f'<time datetime="{stamp}" title="{escape(exact(moment, zone))}">{escape(relative(moment, now))}</time>'
    )


def whole_seconds(delta: timedelta | None) -> int | None:
    """A duration as whole seconds, rounded: what the page shows and the CSV holds."""
    return None if delta is None else max(0, round(delta.total_seconds()))


def duration_text(delta: timedelta | None) -> str:
    """`1h 02m 03s`, `2m 38s`, `4s`, `under 1s`; empty for none."""
    total = whole_seconds(delta)
    if total is None:
        return ""
    if total == 0:
        return "under 1s"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
