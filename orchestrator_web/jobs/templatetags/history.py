"""The history page's hot parts, written in Python: its rows, its sorting column headers, its
filter controls, its name suggestions and the poller of its live rows.

Fast paths by hand: 50 rows of template lookups, or of Django's lazy-aware `format_html`, were
most of the page's time, and Django's widget templates render each <option> through the template
engine. tests/jobs/test_history_markup.py checks that the rows read as the reference partial
`reference-row` of templates/jobs/list.html does, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import threading
from datetime import UTC, datetime, timedelta, tzinfo
from html import escape
from operator import itemgetter
from typing import Any

from django import forms, template
from django.conf import settings
from django.http import QueryDict
from django.template.defaulttags import querystring
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from orchestrator_web.filters import FilterForm
from orchestrator_web.jobs.forms import JobFilterForm
from orchestrator_web.jobs.models import TERMINAL_STATES, duration, state_class, state_label
from orchestrator_web.jobs.selectors import ROW_FIELDS, RUN_TIME, SORTS, Sort, version
from orchestrator_web.times import duration_text, time_tag, whole_seconds

register = template.Library()

DESCRIPTION_CHARS = 80
TERMINAL = frozenset(TERMINAL_STATES)


# -- rows --------------------------------------------------------------------------------------

# Rendered rows, in this process: a row changes only with its values, the reader's zone, and the
# relative words of its times ("3 hours ago"), so each is kept until its words would change
# (_words_until); a job under way has its running time written afresh. Writing the <time> tags
# was most of a row's cost.
_ROWS: dict[tuple[Any, ...], tuple[str, datetime]] = {}
_ROWS_KEPT = 5000
_rows_lock = threading.Lock()
FOREVER = datetime.max.replace(tzinfo=UTC)
_row_values = itemgetter(*ROW_FIELDS)


@register.simple_tag
def history_rows(jobs: list[dict[str, Any]], base_url: str, oob: bool = False) -> SafeString:
    """The history table's rows, from `Job.objects.values(...)` rows (ROW_FIELDS and updated_at).

    Written in Python with the standard library's `html.escape` on every value (see the module's
    docstring). A row of a job still under way carries its running time for the page's script to
    tick; `oob` marks rows for htmx to swap in place (the live poll's answer).
    """
    base, zone, now = escape(base_url), timezone.get_current_timezone(), timezone.now()
    out = []
    for job in jobs:
        finished = job["state"] in TERMINAL
        key = (_row_values(job), zone, base, oob)
        kept = _ROWS.get(key)
        if kept is None or now >= kept[1]:
            # A finished job's row is kept whole; one under way is kept without its running time.
            cells = _cells(job, base, zone, now, oob) + (_took(job, now) if finished else "")
            until = min(_words_until(job["created_at"], now), _words_until(job["finished_at"], now))
            kept = (cells, until)
            with _rows_lock:
                if len(_ROWS) >= _ROWS_KEPT:
                    del _ROWS[next(iter(_ROWS))]  # the oldest kept
                _ROWS[key] = kept
        out.append(kept[0] if finished else kept[0] + _took(job, now))
    return mark_safe("\n".join(out))  # noqa: S308 - every value in a row is escaped


def _cells(job: dict[str, Any], base: str, zone: tzinfo, now: datetime, oob: bool) -> str:
    """A row but its last cell (the running time): what changes only with the job's values, the
    reader's zone and the words of its times."""
    description = job["description"]
    if len(description) > DESCRIPTION_CHARS:
        description = Truncator(description).chars(DESCRIPTION_CHARS)
    state, stopped_by = job["state"], job["stopped_by_username"]
    css, shown = escape(state_class(state, stopped_by)), escape(state_label(state, stopped_by))
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<tr id="job-{job["id"]}"{swap}><td><a href="{base}{job["id"]}/">#{job["id"]}</a></td>'
        f"<td>{escape(job['pe_job_id']) or '—'}</td>"
        f'<td class="mono">{escape(job["plan_name"])}</td>'
        f"<td>{escape(job['environment'])}</td>"
        f'<td><span class="state state-{css}">{shown}</span></td>'
        f"<td>{escape(job['requested_by_username'])}{_scheduled(job['pe_scheduled_job_id'])}</td>"
        f'<td class="description">{escape(description)}</td>'
        f"<td>{time_tag(job['created_at'], zone, now)}</td>"
        f"<td>{time_tag(job['finished_at'], zone, now)}</td>"
    )


def _took(job: dict[str, Any], now: datetime) -> str:
    """A row's last cell: how long the job took, or has been running (which the page's script
    ticks from here: static/js/app.js, time[data-elapsed])."""
    state, took = job["state"], duration(job["state"], job["created_at"], job["finished_at"], now)
    if state in TERMINAL:
        return f"<td>{duration_text(took)}</td></tr>"
    seconds = took.total_seconds() if took else 0.0
    return (
        f'<td><time datetime="PT{whole_seconds(took)}S" data-elapsed="{seconds:.3f}">{duration_text(took)}</time>'
        "</td></tr>"
    )


def _scheduled(schedule: str | None) -> str:
    """The mark of a run of a schedule made here, beside its requester (the schedule's creator)."""
    return f' <span class="scheduled">· scheduled (schedule {escape(schedule)})</span>' if schedule else ""


# The relative words of times.relative: (seconds in the unit, first count past it, and from how
# many seconds away the unit is used).
_UNITS = ((60, 45, 45.0), (3600, 22, 44.5 * 60), (86400, 26, 21.5 * 3600))
_JUST_NOW = 45.0
_DATE_FROM = 25.5 * 86400


def _words_until(moment: datetime | None, now: datetime) -> datetime:
    """Until when `times.relative(moment, now)` keeps its words: "just now" for 45 seconds
    either side, then whole minutes, hours or days that change half-way between two counts,
    then the date, which a past moment keeps for good. tests/jobs/test_history_markup.py holds
    this to times.relative."""
    if moment is None:
        return FOREVER
    seconds = (now - moment).total_seconds()
    away = abs(seconds)
    if away < _JUST_NOW:
        return moment + timedelta(seconds=_JUST_NOW)
    for size, past_count, start in _UNITS:
        count = max(1, round(away / size))
        if count < past_count:
            if seconds > 0:
                return moment + timedelta(seconds=(count + 0.5) * size)
            return moment - timedelta(seconds=max((count - 0.5) * size, start))
    return FOREVER if seconds > 0 else moment - timedelta(seconds=_DATE_FROM)


# -- sorting column headers ---------------------------------------------------------------------

# The columns that sort, by their order's key, and what they say.
SORTING_COLUMNS = {"created_at": "Submitted", "finished_at": "Finished", RUN_TIME: "Duration"}


@register.simple_tag
def sort_headers(query: QueryDict, sort: Sort) -> SafeString:
    """The history table's headers that sort it (a link each, so the filter form, outside the
    table, follows): the column shown in `sort`'s order says so, and its link gives the
    column's other order, if it has one. The links keep the query string's filters."""
    return _sort_headers(query.urlencode(), sort)


@functools.lru_cache(maxsize=500)
def _sort_headers(query: str, sort: Sort) -> SafeString:
    cells = []
    for column, label in SORTING_COLUMNS.items():
        orders = [(name, order) for name, order in SORTS.items() if order.key == column]
        shown = [order for _, order in orders].index(sort) if sort.key == column else -1
        name, target = orders[(shown + 1) % len(orders)]
        # Django's own {% querystring %}, from a copy of the page's query string.
        href = querystring(None, QueryDict(query), sort=name or None, before=None, after=None)  # type: ignore[arg-type]  # no context: the query is given
        arrow, aria = "", ""
        if shown >= 0:
            arrow = " ↓" if sort.descending else " ↑"
            aria = f' aria-sort="{"descending" if sort.descending else "ascending"}"'
        cells.append(
            f'<th scope="col"{aria}><a href="{escape(href)}" title="{escape(target.label)}">{label}{arrow}</a></th>'
        )
    return mark_safe("".join(cells))  # noqa: S308 - the links are escaped, the rest is ours


# -- the live rows' poller ---------------------------------------------------------------------


@register.simple_tag
def live_poller(jobs: list[dict[str, Any]], base_url: str, oob: bool = False) -> SafeString:
    """An element that asks, every JOB_POLL_SECONDS, for the rows of `jobs` still under way that
    changed since the versions it names (none changed: 204, nothing swapped). The answer brings
    it back with the rows still under way, and without a trigger once there are none."""
    live = ",".join(f"{job['id']}.{version(job)}" for job in jobs if job["state"] not in TERMINAL)
    if not live and not oob:
        return mark_safe("")
    swap = ' hx-swap-oob="true"' if oob else ""
    poll = (
        f' hx-get="{escape(base_url)}?live={live}" hx-trigger="every {settings.JOB_POLL_SECONDS}s" hx-swap="none"'
        if live
        else ""
    )
    return mark_safe(f'<div id="job-live" hidden{poll}{swap}></div>')  # noqa: S308 - ids and numbers only, and the escaped URL


# -- filters -------------------------------------------------------------------------------------


# Written filter controls, in this process, by what they are written from: the form's class, its
# query string and the choices of its fields made per form (the team filter's are the person's;
# its other fields are the class's own). A form with errors is written afresh. Most history pages
# show the same few.
_FILTERS: dict[tuple[Any, ...], SafeString] = {}
_FILTERS_KEPT = 500


@register.simple_tag
def filter_fields(form: FilterForm, part: str) -> SafeString:
    """A filter form's controls (the history's, the audit page's): "main", those in view, or
    "folded", its FOLDED ones under More filters. Written out in Python like the rows (see the
    module's docstring). A field in its NAMES suggests from the <datalist> "suggest-<name>"."""
    if form.is_bound and form.errors:
        return _filter_fields(form, part)
    choices = tuple(
        (name, tuple(field.choices))  # type: ignore[arg-type]
        for name in form.PER_FORM
        if isinstance(field := form.fields[name], forms.ChoiceField)
    )
    data = tuple((name, tuple(values)) for name, values in form.data.lists()) if form.is_bound else ()  # type: ignore[attr-defined]
    key = (type(form), part, data, choices)
    try:
        written = _FILTERS.get(key)
    except TypeError:  # choices that are not plain (value, label) pairs
        return _filter_fields(form, part)
    if written is None:
        written = _filter_fields(form, part)
        with _rows_lock:
            if len(_FILTERS) >= _FILTERS_KEPT:
                del _FILTERS[next(iter(_FILTERS))]
            _FILTERS[key] = written
    return written


def _filter_fields(form: FilterForm, part: str) -> SafeString:
    folded, names = form.FOLDED, form.NAMES
    out = []
    for field in form:
        if (field.name in folded) != (part == "folded"):
            continue
        value = field.value()
        value = "" if value is None else str(value)
        name, ident = escape(field.html_name), escape(field.id_for_label)
        if isinstance(field.field, forms.ChoiceField):
            options = []
            for key, text in field.field.choices:  # type: ignore[union-attr,misc]  # always a list once the form is built
                selected = " selected" if str(key) == value else ""
                options.append(f'<option value="{escape(str(key))}"{selected}>{escape(str(text))}</option>')
            control = f'<select name="{name}" id="{ident}">{"".join(options)}</select>'
        else:
            widget = field.field.widget
            extra = ""
            if field.name in names:
                extra = f' list="suggest-{name}" autocomplete="off" class="type-ahead"'
            elif widget.input_type == "search":
                extra = ' autocomplete="off" class="type-ahead"'
            if "placeholder" in widget.attrs:
                extra += f' placeholder="{escape(widget.attrs["placeholder"])}"'
            control = f'<input type="{widget.input_type}" name="{name}" id="{ident}" value="{escape(value)}"{extra}>'
        invalid = " invalid" if field.errors else ""
        label = f'<label for="{ident}">{escape(str(field.label))}</label>'
        out.append(f'<div class="field field-{name}{invalid}">\n  {label}\n  {control}\n</div>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def name_suggestions(form: JobFilterForm, jobs: list[dict[str, Any]], username: str) -> SafeString:
    """A <datalist> for each field that matches part of a name, from what the page already has
    (no query of its own): the names in its rows, the environments people may choose, and the
    reader's own name."""
    found: dict[str, frozenset[str]] = {
        "plan": frozenset(job["plan_name"] for job in jobs),
        "requested_by": frozenset(job["requested_by_username"] for job in jobs) | {username},
        "environment": frozenset(job["environment"] for job in jobs) | frozenset(settings.ORCHESTRATOR_ENVIRONMENTS),
    }
    return _datalists(tuple((name, found[name]) for name in form.NAMES))


@functools.lru_cache(maxsize=500)  # most pages suggest the same few names
def _datalists(found: tuple[tuple[str, frozenset[str]], ...]) -> SafeString:
    out = []
    for name, values in found:
        options = "".join(f'<option value="{escape(value)}"></option>' for value in sorted(values) if value)
        out.append(f'<datalist id="suggest-{name}">{options}</datalist>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
