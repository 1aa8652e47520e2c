from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def as_json(value: Any, indent: int | None = None) -> str:
    """A value as JSON text (escaped by the template like any other text)."""
    return json.dumps(value, indent=indent, ensure_ascii=False, sort_keys=False)
