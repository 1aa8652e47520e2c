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
    count: int = 0  # how many jobs match, counted up to COUNT_CAP + 1
    newer: int | None = None  # ?after= for the page before this one
    older: int | None = None  # ?before= for the next one
    note: str = ""


def history_page(
    jobs: QuerySet[Job], fields: list[str], before: str | None, after: str | None, size: int
) -> HistoryPage:
    """One page of `jobs` as dicts of `fields` (which name "id" and "created_at"), newest first,
    starting after the job `before` (or ending before the job `after`), and how many jobs match.
    A cursor that is not a job of `jobs` starts again from the newest.

    Counting a large table is slow, so the count stops past COUNT_CAP. It rides in the first
    query of the page (the cursor's, or the rows'), so a page costs the same queries whether
    it finds jobs or not."""
    rows = _with_count(jobs.values(*fields), jobs).order_by("-created_at", "-id")
    cursor = before or after
    if cursor is None:
        found = list(rows[: size + 1])
        # No rows on the first page means no match at all.
        return HistoryPage(found[:size], found[0]["matches"] if found else 0, None, _last_if_more(found, size))
    anchor = rows.filter(pk=int(cursor)).values("created_at", "id", "matches").first() if cursor.isdigit() else None
    if anchor is None:
        page = history_page(jobs, fields, None, None, size)
        page.note = "That page link is out of date or not valid; here are the newest jobs."
        return page
    at, pk, count = anchor["created_at"], anchor["id"], anchor["matches"]
    if before:
        found = list(rows.filter(created_at__lte=at).exclude(Q(created_at=at) & Q(id__gte=pk))[: size + 1])
        return HistoryPage(found[:size], count, found[0]["id"] if found else None, _last_if_more(found, size))
    found = list(rows.filter(created_at__gte=at).exclude(Q(created_at=at) & Q(id__lte=pk)).reverse()[: size + 1])
    shown = list(reversed(found[:size]))
    return HistoryPage(shown, count, shown[0]["id"] if len(found) > size else None, shown[-1]["id"] if shown else None)


def _with_count(rows: QuerySet[Job, dict[str, Any]], jobs: QuerySet[Job]) -> QuerySet[Job, dict[str, Any]]:
    """`rows` with a `matches` column: how many `jobs` there are, up to COUNT_CAP + 1, from a
    subquery that the database runs once per statement, as it depends on no row."""
    sql, params = jobs.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
    return rows.annotate(matches=RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped", params))  # noqa: S608, S611 - SQL Django wrote, values as parameters


def _last_if_more(rows: list[dict[str, Any]], size: int) -> int | None:
    """The last shown job's id when there is a next page (one row more than a page was read)."""
    return rows[size - 1]["id"] if len(rows) > size else None
