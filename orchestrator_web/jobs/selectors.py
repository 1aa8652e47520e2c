"""Reading the history: pages by position ("keyset"), so page 1000 costs what page 1 does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import Truncator

from orchestrator_web.jobs.models import Job
from orchestrator_web.templatetags.ow import seconds

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


@dataclass(frozen=True)
class Row:
    """A history table row, formatted once in Python (50 rows of template filters add up)."""

    pk: int
    url: str
    pe_job_id: str
    plan_name: str
    environment: str
    state: str
    state_label: str
    requested_by: str
    description: str
    submitted_iso: str
    submitted: str
    finished_iso: str
    finished: str
    duration: str


def _when(moment: datetime | None) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.isoformat(), local.strftime("%Y-%m-%d %H:%M")


def rows(jobs: list[Job], base_url: str) -> list[Row]:
    out = []
    for job in jobs:
        submitted_iso, submitted = _when(job.created_at)
        finished_iso, finished = _when(job.finished_at)
        out.append(
            Row(
                pk=job.pk,
                url=f"{base_url}{job.pk}/",
                pe_job_id=job.pe_job_id,
                plan_name=job.plan_name,
                environment=job.environment,
                state=job.state,
                state_label=job.get_state_display(),
                requested_by=job.requested_by_username,
                description=Truncator(job.description).chars(80),
                submitted_iso=submitted_iso,
                submitted=submitted,
                finished_iso=finished_iso,
                finished=finished,
                duration=seconds(job.duration),
            )
        )
    return out
