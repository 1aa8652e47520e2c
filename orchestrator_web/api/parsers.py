"""The one body parser of the API: JSON read the way the launch form reads it (pt.read_json:
no NaN, no duplicate keys, bounded nesting), and no more than API_MAX_BODY_BYTES of it."""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from orchestrator_web.api.errors import PayloadTooLarge
from orchestrator_web.pe import puppet_types as pt


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than {settings.API_MAX_BODY_BYTES} bytes.")


class JSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and str(length).isdigit() and int(length) > limit:
            raise too_large()  # refused before reading it
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise too_large()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("The body is not UTF-8 text.") from None
        try:
            return pt.read_json(text)
        except pt.JSONProblem as exc:
            raise ParseError(str(exc)) from None
