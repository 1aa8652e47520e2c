"""Streaming CSV downloads, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> str:
    """A value as CSV text. Spreadsheets run cells that start like formulas; a leading quote
    keeps them text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def streaming_csv(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """Rows written as they are produced, so a large export never sits in memory."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([cell(value) for value in row]) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
