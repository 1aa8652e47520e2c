"""Reading the history: its sort orders, names matched by a part of them, free text, and pages
by position (paging.keyset_page), so page 1000 costs what page 1 does."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import DurationField, F, FloatField, Func, QuerySet
from django.db.models.expressions import RawSQL

from orchestrator_web import paging
from orchestrator_web.jobs.models import Job
from orchestrator_web.paging import Order, keyset_page

# SQLite's full-text index of search_text (jobs_job_search, migration 0006) holds trigrams: it
# can narrow a search for three characters or more.
TRIGRAM = 3


@dataclass(frozen=True)
class Sort:
    """One order of the history, and what its pager's links say."""

    label: str
    key: str  # a column, or RUN_TIME
    descending: bool
    back: str  # the link to the page before
    forward: str  # the link to the next page
    finished_only: bool = False  # the key is a finish time: jobs still running have none


RUN_TIME = "run_time"
# Keys of ?sort=. Each has an index that ends in its key and id (migrations 0003 and 0008), so
# a page is read straight off an index at any size.
SORTS = {
    "": Sort("Newest first", "created_at", True, "Newer", "Older"),
    "oldest": Sort("Oldest first", "created_at", False, "Older", "Newer"),
    "finished": Sort("Finished last first", "finished_at", True, "Finished later", "Finished earlier", True),
    "duration": Sort("Longest first", RUN_TIME, True, "Longer", "Shorter", True),
}


class RunTime(Func):
    """How long a finished job ran, written exactly as migration 0008's index job_run_time holds
    it, so that ordering and ranges by it read that index: an interval on PostgreSQL, days as a
    float (julianday) on SQLite, whose own datetime arithmetic is a Python function an index
    cannot hold."""

    def __init__(self, vendor: str) -> None:
        output = FloatField() if vendor == "sqlite" else DurationField()
        super().__init__(F("finished_at"), F("created_at"), output_field=output)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)


@dataclass
class HistoryPage:
    jobs: list[dict[str, Any]] = field(default_factory=list)  # rows of jobs.values(...)
    count: int = 0  # how many jobs match, counted up to paging.COUNT_CAP + 1
    newer: int | None = None  # ?after= for the page before this one
    older: int | None = None  # ?before= for the next one
    note: str = ""
    finished_only: bool = False  # the order lists finished jobs only

    @property
    def counted(self) -> str:
        """How many jobs match, in words: "1 job", "25 finished jobs", "More than 1000 jobs"."""
        kind = "finished job" if self.finished_only else "job"
        if self.count > paging.COUNT_CAP:
            return f"More than {paging.COUNT_CAP} {kind}s"
        return f"{self.count} {kind}{'' if self.count == 1 else 's'}"


def history_page(
    jobs: QuerySet[Job],
    fields: list[str],
    before: str | None,
    after: str | None,
    size: int,
    sort: Sort = SORTS[""],
    growing: tuple[Any, ...] | None = None,
) -> HistoryPage:
    """One page of `jobs` as dicts of `fields` (which name "id") in `sort`'s order (the newest
    first unless told), starting after the job `before` (or ending before the job `after`), and
    how many jobs match (see paging.keyset_page). An order by finish time or run time lists
    finished jobs only. `newer` and `older` are the cursors of the pages before and after.

    `growing` names a search whose jobs can only grow (JobFilterForm.growing): once more than
    paging.COUNT_CAP match it, the count is not asked again for MANY_SECONDS."""
    if sort.finished_only:
        jobs = jobs.filter(finished_at__isnull=False)
    expression = RunTime(connections[jobs.db].vendor) if sort.key == RUN_TIME else None
    key = (jobs.db, *growing) if growing is not None else None
    many = key is not None and _MANY.get(key, 0.0) > time.monotonic()
    page = keyset_page(
        jobs,
        fields,
        Order(sort.key, sort.descending, expression),
        before,
        after,
        size,
        "That page link is out of date or not valid; here is the first page.",
        count=paging.COUNT_CAP + 1 if many else None,
    )
    if key is not None and not many and page.count > paging.COUNT_CAP:
        with _many_lock:
            if len(_MANY) >= MANY_KEPT:
                _MANY.clear()
            _MANY[key] = time.monotonic() + MANY_SECONDS
    return HistoryPage(page.rows, page.count, page.back, page.forward, page.note, sort.finished_only)


# Searches known to match more than paging.COUNT_CAP jobs, in this process, until when. Jobs are
# never deleted (the admin is read-only and nothing here deletes one), so a search that can only
# grow keeps matching more: counting them again, on every page, was a fifth of the page's query.
_MANY: dict[tuple[Any, ...], float] = {}
_many_lock = threading.Lock()
MANY_SECONDS = 300
MANY_KEPT = 1000


# -- rows --------------------------------------------------------------------------------------

# What a history row shows, read with values(): no JSON documents, no model instances.
ROW_FIELDS = (
    "id",
    "pe_job_id",
    "plan_name",
    "environment",
    "state",
    "requested_by_username",
    "stopped_by_username",
    "description",
    "created_at",
    "finished_at",
    "pe_scheduled_job_id",
)
# And the version the live poll compares.
LIST_FIELDS = [*ROW_FIELDS, "updated_at"]


def version(job: dict[str, Any]) -> int:
    """A row's version for the live poll: its updated_at (every write of services.py sets it)."""
    return round(job["updated_at"].timestamp() * 1_000_000)


# -- names matched by a part of them -------------------------------------------------------------

NAME_COLUMNS = ("plan_name", "requested_by_username", "environment")
NAMES_SECONDS = 60
# A part found in none of the names read less than this ago is not worth reading them again for.
NAMES_RETRY_SECONDS = 5
# Beyond this many names, a list of them is no cheaper than comparing each job's name.
MANY_NAMES = 200


def with_name_containing(jobs: QuerySet[Job], column: str, part: str) -> QuerySet[Job]:
    """The jobs whose `column` (a plan, requester or environment name) holds `part`, in any case.

    Not a LIKE on the jobs, which reads every job when few match: the part is looked up among
    the distinct names (a short list, cached), and the jobs are then filtered by those names,
    which their indexes serve as they serve a whole name."""
    names = names_containing(column, part, jobs.db)
    if len(names) > MANY_NAMES:
        return jobs.filter(**{f"{column}__icontains": part})
    # No name holds it: an empty page, at the cost of any page.
    return jobs.filter(**{f"{column}__in": names or [part]})


def names_containing(column: str, part: str, using: str = "default") -> list[str]:
    """The distinct values of `column` that hold `part`, in any case. The list of values is
    cached for a minute; a part none of them holds reads it again (a name first used a moment
    ago), at most every few seconds."""
    assert column in NAME_COLUMNS, column
    needle = part.lower()
    key = f"history-names:{using}:{column}"
    cached = cache.get(key)
    if cached is None or (
        time.time() - cached[0] > NAMES_RETRY_SECONDS and not any(needle in name.lower() for name in cached[1])
    ):
        cached = (time.time(), _distinct(column, using))
        cache.set(key, cached, NAMES_SECONDS)
    return [name for name in cached[1] if needle in name.lower()]


def _distinct(column: str, using: str) -> list[str]:
    """Every distinct value of `column`, read as a skip through its index (each history index on
    a name starts with it): one index probe per value, whatever the number of jobs."""
    sql = f"""
        WITH RECURSIVE seen(name) AS (
            SELECT MIN({column}) FROM jobs_job
            UNION ALL
            SELECT (SELECT MIN({column}) FROM jobs_job WHERE {column} > seen.name) FROM seen WHERE seen.name IS NOT NULL
        )
        SELECT name FROM seen WHERE name IS NOT NULL"""  # noqa: S608 - column is one of NAME_COLUMNS
    with connections[using].cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


# -- free text -----------------------------------------------------------------------------------


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
