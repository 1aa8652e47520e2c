"""Reading the history: pages by position ("keyset"), so page 1000 costs what page 1 does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from orchestrator_web.jobs.models import Job

COUNT_CAP = 1000
# SQLite's full-text index of search_text (jobs_job_search, migration 0006) holds trigrams: it
# can narrow a search for three characters or more.
TRIGRAM = 3


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
    anchor = (
        # `matches` is annotated in _with_count, past where the type checker's plugin can see.
        rows.filter(pk=int(cursor)).values("created_at", "id", "matches").first()  # type: ignore[misc]
        if cursor.isascii() and cursor.isdigit() and len(cursor) < 19
        else None
    )
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


def matching_text(jobs: QuerySet[Job], needle: str) -> QuerySet[Job]:
    """The jobs whose search text holds `needle`, in any case, every character taken literally.

    A trigram index narrows the jobs on either database and LIKE decides, as it always has.
    PostgreSQL's index serves LIKE itself. SQLite's FTS5 index is asked in a subquery for the
    jobs that hold every piece of the needle (see `_pieces`), each a quoted FTS5 string, so
    that quotes, stars, colons and AND/OR/NEAR are just characters. Needles shorter than a
    trigram scan, on SQLite as on PostgreSQL (whose index cannot narrow them either)."""
    needle = needle.lower()
    jobs = jobs.filter(search_text__contains=needle)
    if connections[jobs.db].vendor != "sqlite" or len(needle) < TRIGRAM:
        return jobs
    query = " AND ".join('"' + piece.replace('"', '""') + '"' for piece in _pieces(needle))
    index = RawSQL("SELECT rowid FROM jobs_job_search WHERE jobs_job_search MATCH %s", [query])
    return jobs.filter(pk__in=index)


def _pieces(needle: str) -> list[str]:
    """The needle's trigrams two by two, as text ("chg-4242": "chg-", "g-42", "4242").

    FTS5 walks a phrase's trigrams in step, as often as its rarest trigram occurs, so one long
    phrase reads the whole list of each of its common trigrams ("chg" when most tickets are
    CHG-...). Short phrases joined by AND are walked as often as the rarest phrase occurs."""
    if len(needle) <= TRIGRAM + 1:
        return [needle]
    starts = [*range(0, len(needle) - TRIGRAM, 2), len(needle) - TRIGRAM - 1]
    return list(dict.fromkeys(needle[start : start + TRIGRAM + 1] for start in starts))


def _with_count(rows: QuerySet[Job, dict[str, Any]], jobs: QuerySet[Job]) -> QuerySet[Job, dict[str, Any]]:
    """`rows` with a `matches` column: how many `jobs` there are, up to COUNT_CAP + 1, from a
    subquery that the database runs once per statement, as it depends on no row."""
    sql, params = jobs.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
    return rows.annotate(matches=RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped", params))  # noqa: S608, S611 - SQL Django wrote, values as parameters


def _last_if_more(rows: list[dict[str, Any]], size: int) -> int | None:
    """The last shown job's id when there is a next page (one row more than a page was read)."""
    return rows[size - 1]["id"] if len(rows) > size else None
