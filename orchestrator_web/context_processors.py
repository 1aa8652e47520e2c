"""What every page's layout needs, worked out once per process."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The layout's links (templates/base.html) and the history's, by the name a template reads:
# nav.<name>.
NAV = {
    "home": "home",
    "plans": "plans:list",
    "history": "jobs:list",
    "export": "jobs:export",
    "approvals": "approvals:queue",
    "schedules": "schedules:list",
    "audit": "audit:list",
    "admin": "admin:index",
    "profile": "profile",
    "logout": "logout",
}


@functools.cache
def _nav(prefix: str) -> dict[str, str]:
    return {name: reverse(view) for name, view in NAV.items()}


def links() -> dict[str, str]:
    """The links of NAV by name, as reverse() gives them. Reversing them on every page was a
    tenth of the history page's time; they change only with the script prefix the site is
    served under."""
    return _nav(get_script_prefix())


def nav(request: HttpRequest) -> dict[str, Any]:
    """`nav`: the links of NAV, for templates."""
    return {"nav": links()}
