"""What PE sends, made storable on every database before it reaches a column.

PostgreSQL refuses NUL in text and JSON, and no database can store a lone surrogate (half of a
UTF-16 pair, which JSON allows as `\\ud800`). Both are replaced with U+FFFD, the Unicode
replacement character, and the job says so. JSON nested deeper than MAX_DEPTH, or larger than
MAX_BYTES, is kept as a short note instead: the full value stays in PE.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

REPLACEMENT = "\ufffd"
MAX_DEPTH = 64
MAX_BYTES = 1_000_000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Cleaner:
    """Cleans values and remembers, in plain words, what it had to change."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def text(self, value: str, what: str, max_length: int | None = None) -> str:
        if _UNSTORABLE.search(value):
            value = _UNSTORABLE.sub(REPLACEMENT, value)
            self._note(f"{what}: characters that cannot be stored (NUL, lone surrogates) were replaced with �.")
        if max_length is not None and len(value) > max_length:
            value = value[: max_length - 1] + "…"
            self._note(f"{what}: cut to {max_length} characters.")
        return value

    def json(self, value: Any, what: str) -> Any:
        cleaned = self._walk(value, what, 0)
        try:
            size = len(json.dumps(cleaned))
        except (TypeError, ValueError):
            self._note(f"{what}: not JSON that can be stored; see it in PE.")
            return None
        if size > MAX_BYTES:
            self._note(f"{what}: {size:,} bytes, too large to keep here; see it in PE.")
            return {"orchestrator_web": f"too large to keep ({size:,} bytes); see it in PE"}
        return cleaned

    def _walk(self, value: Any, what: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self._note(f"{what}: nested more than {MAX_DEPTH} levels; the deepest part is left out here.")
            return "(nested too deeply to keep here)"
        if isinstance(value, str):
            return self.text(value, what)
        if isinstance(value, float) and not math.isfinite(value):
            self._note(f"{what}: a number JSON cannot carry was replaced with null.")
            return None
        if isinstance(value, list):
            return [self._walk(item, what, depth + 1) for item in value]
        if isinstance(value, dict):
            return {self.text(str(k), what): self._walk(v, what, depth + 1) for k, v in value.items()}
        return value
