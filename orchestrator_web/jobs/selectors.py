"""Reading the history: pages by position ("keyset"), so page 1000 costs what page 1 does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from orchestrator_web.jobs.models import Job

COUNT_CAP = 1000


@dataclass
class HistoryPage:
    jobs: list[dict[str, Any]] = field(default_factory=list)  # rows of jobs.values(...)
    newer: int | None = None  # ?after= for the page before this one
    older: int | None = None  # ?before= for the next one
    note: str = ""


def history_page(jobs: QuerySet[Job, dict[str, Any]], before: str | None, after: str | None, size: int) -> HistoryPage:
    """One page of `jobs` (a .values() query with "id" and "created_at"), newest first, starting
    after the job `before` (or ending before the job `after`). A cursor that is not a job of
    `jobs` starts again from the newest."""
    jobs = jobs.order_by("-created_at", "-id")
    cursor = before or after
    anchor = None
    if cursor is not None:
        anchor = jobs.filter(pk=int(cursor)).values("created_at", "id").first() if cursor.isdigit() else None
        if anchor is None:
            page = history_page(jobs, None, None, size)
            page.note = "That page link is out of date or not valid; here are the newest jobs."
            return page
    if anchor is None:
        rows = list(jobs[: size + 1])
        return HistoryPage(rows[:size], None, _last_if_more(rows, size))
    at, pk = anchor["created_at"], anchor["id"]
    if before:
        rows = list(jobs.filter(created_at__lte=at).exclude(Q(created_at=at) & Q(id__gte=pk))[: size + 1])
        return HistoryPage(rows[:size], rows[0]["id"] if rows else None, _last_if_more(rows, size))
    rows = list(jobs.filter(created_at__gte=at).exclude(Q(created_at=at) & Q(id__lte=pk)).reverse()[: size + 1])
    shown = list(reversed(rows[:size]))
    return HistoryPage(shown, shown[0]["id"] if len(rows) > size else None, shown[-1]["id"] if shown else None)


def with_match_count(rows: QuerySet[Job, dict[str, Any]], matches: QuerySet[Job]) -> QuerySet[Job, dict[str, Any]]:
    """`rows` with a `matches` column: how many jobs `matches` holds, counted up to COUNT_CAP + 1
    by a subquery of the same statement (one round trip fewer than asking separately; the
    database runs it once, as it depends on no row)."""
    sql, params = matches.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
    return rows.annotate(matches=RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped", params))  # noqa: S608, S611 - SQL Django wrote, values as parameters


def capped_count(page: HistoryPage, matches: QuerySet[Job]) -> int:
    """The count read with the page's rows; asked for separately only when the page is empty."""
    if page.jobs:
        return page.jobs[0]["matches"]
    return matches.order_by()[: COUNT_CAP + 1].count()


def _last_if_more(rows: list[dict[str, Any]], size: int) -> int | None:
    """The last shown job's id when there is a next page (one row more than a page was read)."""
    return rows[size - 1]["id"] if len(rows) > size else None
