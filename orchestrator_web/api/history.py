"""The history's pages as the API needs them: rows, and the job ids its links start from.

A thin adapter over jobs.selectors.history_page, while the history gains sort orders (the
filter form's `order`, passed as `sort=` where the history has it), so the API lists jobs
exactly as the history page does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from orchestrator_web.jobs import selectors
from orchestrator_web.jobs.forms import JobFilterForm
from orchestrator_web.jobs.models import Job


@dataclass
class Rows:
    rows: list[dict[str, Any]]
    back: int | None  # ?after= for the page before
    forward: int | None  # ?before= for the next page
    note: str  # set when the cursor is not a job of this list (the page starts again)


def page(
    form: JobFilterForm, jobs: QuerySet[Job], fields: list[str], before: str | None, after: str | None, size: int
) -> Rows:
    history_page: Any = selectors.history_page
    order = getattr(form, "order", None)  # the history's ?sort=, where it has sort orders
    found = history_page(jobs, fields, before, after, size, **({"sort": order} if order is not None else {}))
    return Rows(found.jobs, found.newer, found.older, found.note)
