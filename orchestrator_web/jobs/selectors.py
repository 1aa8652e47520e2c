"""Reading the history: pages by position ("keyset"), so page 1000 costs what page 1 does."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from orchestrator_web.jobs.models import Job

COUNT_CAP = 1000


@dataclass
class HistoryPage:
    jobs: list[Job] = field(default_factory=list)
    newer: int | None = None  # ?after= for the page before this one
    older: int | None = None  # ?before= for the next one
    note: str = ""


def history_page(jobs: QuerySet[Job], before: str | None, after: str | None, size: int) -> HistoryPage:
    """One page of `jobs`, newest first, starting after the job `before` (or ending before the
    job `after`). A cursor that is not a job of `jobs` starts again from the newest."""
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
        return HistoryPage(rows[:size], None, rows[size - 1].pk if len(rows) > size else None)
    at, pk = anchor["created_at"], anchor["id"]
    if before:
        rows = list(jobs.filter(created_at__lte=at).exclude(Q(created_at=at) & Q(id__gte=pk))[: size + 1])
        return HistoryPage(rows[:size], rows[0].pk if rows else None, rows[size - 1].pk if len(rows) > size else None)
    rows = list(jobs.filter(created_at__gte=at).exclude(Q(created_at=at) & Q(id__lte=pk)).reverse()[: size + 1])
    shown = list(reversed(rows[:size]))
    return HistoryPage(shown, shown[0].pk if len(rows) > size else None, shown[-1].pk if shown else None)
