"""Pages by position ("keyset"): a page starts from the row the link names, not from an offset,
so page 1000 costs what page 1 does. The history and the audit trail page this way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Expression, Q, QuerySet
from django.db.models.expressions import RawSQL

# Counting a large table is slow: the count stops past this.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Order:
    """Rows by `key` (a column, or `expression` annotated under that name), then by id, both
    the same way. The key must not be NULL on any row paged: filter those out first."""

    key: str
    descending: bool = True
    expression: Expression | None = None

    def by(self, reverse: bool = False) -> tuple[str, str]:
        sign = "-" if self.descending != reverse else ""
        return f"{sign}{self.key}", f"{sign}id"


@dataclass
class Page:
    rows: list[dict[str, Any]] = field(default_factory=list)  # rows of items.values(...)
    count: int = 0  # how many rows match, counted up to COUNT_CAP + 1
    back: int | None = None  # ?after= for the page before this one
    forward: int | None = None  # ?before= for the next one
    note: str = ""


def keyset_page(
    items: QuerySet[Any],
    fields: list[str],
    order: Order,
    before: str | None,
    after: str | None,
    size: int,
    restart_note: str = "That page link is out of date or not valid; here is the first page.",
    count: int | None = None,
) -> Page:
    """One page of `items` as dicts of `fields` (which name "id"), in `order`, starting after
    the row `before` (or ending before the row `after`), and how many rows match. A cursor that
    is not a row of `items` starts again from the first page, with `restart_note`.

    The count rides in the first query of the page (the cursor's, or the rows'), so a page
    costs the same queries whether it finds rows or not; a `count` already known is not asked
    again."""
    if order.expression is not None:
        items = items.annotate(**{order.key: order.expression})
    # The key is read with the rows: the cursor's row gives its value to the next page.
    rows = items.values(*dict.fromkeys([*fields, order.key]))
    rows = (rows if count is not None else _with_count(rows, items)).order_by(*order.by())
    cursor = before or after
    if cursor is None:
        found = list(rows[: size + 1])
        # No rows on the first page means no match at all.
        matches = count if count is not None else found[0]["matches"] if found else 0
        return Page(found[:size], matches, None, _last_if_more(found, size))
    anchor = (
        rows.filter(pk=int(cursor)).values(order.key, "id", *(("matches",) if count is None else ())).first()
        if cursor.isascii() and cursor.isdigit() and len(cursor) < 19
        else None
    )
    if anchor is None:
        page = keyset_page(items, fields, Order(order.key, order.descending), None, None, size, count=count)
        page.note = restart_note
        return page
    at, pk = anchor[order.key], anchor["id"]
    count = count if count is not None else anchor["matches"]
    # Past the anchor in the page's direction: (key, id) beyond (at, pk), written as a range on
    # the key alone (which an index reads) less the anchor's ties on the wrong side of it.
    ahead, behind = ("lt", "gt") if order.descending else ("gt", "lt")
    if before:
        found = list(
            rows.filter(**{f"{order.key}__{ahead}e": at}).exclude(Q(**{order.key: at}) & Q(**{f"id__{behind}e": pk}))[
                : size + 1
            ]
        )
        return Page(found[:size], count, found[0]["id"] if found else None, _last_if_more(found, size))
    found = list(
        rows.filter(**{f"{order.key}__{behind}e": at})
        .exclude(Q(**{order.key: at}) & Q(**{f"id__{ahead}e": pk}))
        .order_by(*order.by(reverse=True))[: size + 1]
    )
    shown = list(reversed(found[:size]))
    return Page(shown, count, shown[0]["id"] if len(found) > size else None, shown[-1]["id"] if shown else None)


def _with_count(rows: QuerySet[Any, dict[str, Any]], items: QuerySet[Any]) -> QuerySet[Any, dict[str, Any]]:
    """`rows` with a `matches` column: how many `items` there are, up to COUNT_CAP + 1, from a
    subquery that the database runs once per statement, as it depends on no row."""
    sql, params = items.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
    return rows.annotate(matches=RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped", params))  # noqa: S608, S611 - SQL Django wrote, values as parameters


def _last_if_more(rows: list[dict[str, Any]], size: int) -> int | None:
    """The last shown row's id when there is a next page (one row more than a page was read)."""
    return rows[size - 1]["id"] if len(rows) > size else None
