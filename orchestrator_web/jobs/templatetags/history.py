from __future__ import annotations

from html import escape
from typing import Any

from django import forms, template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from orchestrator_web.jobs.models import State, duration
from orchestrator_web.times import duration_text, time_tag

register = template.Library()

STATE_LABELS = dict(State.choices)
DESCRIPTION_CHARS = 80


@register.simple_tag
def history_rows(jobs: list[dict[str, Any]], base_url: str) -> SafeString:
    """The history table's rows, from `Job.objects.values(...)` rows.

    Written in Python with the standard library's `html.escape` on every value: 50 rows of
    template lookups, or of Django's lazy-aware `format_html`, were most of the page's time.
    """
    base, zone, now = escape(base_url), timezone.get_current_timezone(), timezone.now()
    out = []
    for job in jobs:
        created, finished, state = job["created_at"], job["finished_at"], job["state"]
        took = duration(state, created, finished, now)
        description = job["description"]
        if len(description) > DESCRIPTION_CHARS:
            description = Truncator(description).chars(DESCRIPTION_CHARS)
        out.append(
            f'<tr><td><a href="{base}{job["id"]}/">#{job["id"]}</a></td>'
            f"<td>{escape(job['pe_job_id']) or '—'}</td>"
            f'<td class="mono">{escape(job["plan_name"])}</td>'
            f"<td>{escape(job['environment'])}</td>"
            f'<td><span class="state state-{escape(state)}">{escape(STATE_LABELS.get(state, state))}</span></td>'
            f"<td>{escape(job['requested_by_username'])}</td>"
            f'<td class="description">{escape(description)}</td>'
            f"<td>{time_tag(created, zone, now)}</td>"
            f"<td>{time_tag(finished, zone, now)}</td>"
            f"<td>{duration_text(took)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def filter_fields(form: forms.Form) -> SafeString:
    """The history's filter controls, written out in Python like the rows: Django's widget
    templates render each <option> through the template engine, which cost more than the table."""
    out = []
    for field in form:
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
            kind = field.field.widget.input_type
            extra = ' autocomplete="off"' if kind == "search" else ""
            control = f'<input type="{kind}" name="{name}" id="{ident}" value="{escape(value)}"{extra}>'
        invalid = " invalid" if field.errors else ""
        label = f'<label for="{ident}">{escape(str(field.label))}</label>'
        out.append(f'<div class="field{invalid}">\n  {label}\n  {control}\n</div>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
