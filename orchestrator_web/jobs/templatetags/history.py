from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from orchestrator_web.jobs.selectors import Row

register = template.Library()

ROW = (
    '<tr><td><a href="{}">#{}</a></td><td>{}</td><td class="mono">{}</td><td>{}</td>'
    '<td><span class="state state-{}">{}</span></td><td>{}</td><td class="description">{}</td>'
    '<td><time datetime="{}">{}</time></td><td>{}</td><td>{}</td></tr>'
)


@register.simple_tag
def history_rows(rows: list[Row]) -> SafeString:
    """The history table's rows. Built with format_html (every value escaped) rather than
    template variables: 50 rows of 14 lookups were most of the page's time."""

    def cells(row: Row) -> tuple[object, ...]:
        finished = format_html('<time datetime="{}">{}</time>', row.finished_iso, row.finished)
        return (
            row.url,
            row.pk,
            row.pe_job_id or "—",
            row.plan_name,
            row.environment,
            row.state,
            row.state_label,
            row.requested_by,
            row.description,
            row.submitted_iso,
            row.submitted,
            finished if row.finished else "—",
            row.duration,
        )

    return format_html_join("\n", ROW, (cells(row) for row in rows))
