"""Streaming CSV downloads, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable
from typing import Any

from django.http import QueryDict, StreamingHttpResponse
from django.utils.http import urlencode


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> str:
    """A value as CSV text. Spreadsheets run cells that start like formulas; a leading quote
    keeps them text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def streaming_csv(rows: Iterable[Iterable[Any]], filename: str, *, excel: bool = False) -> StreamingHttpResponse:
    """Rows written as they are produced, so a large export never sits in memory. With `excel`,
    a UTF-8 byte order mark first: Excel then reads non-ASCII text right."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([cell(value) for value in row]) for row in rows)
    response = StreamingHttpResponse(
        itertools.chain(["\ufeff"], lines) if excel else lines, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_links(url: str, query: QueryDict) -> tuple[str, str]:
    """The links of a page's CSV export at `url`, plain and for Excel (?excel=1), keeping the
    page's filters from its `query` but not its place in the pages (before, after)."""
    kept = urlencode([(key, str(value)) for key, value in query.items() if key not in ("before", "after") and value])
    return (f"{url}?{kept}" if kept else url), f"{url}?{kept}&excel=1" if kept else f"{url}?excel=1"
