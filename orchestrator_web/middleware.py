"""Middleware of our own."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url


class HtmxLoginRedirect:
    """An htmx request whose session has expired (a poll, an environment switch) would get the
    login page swapped into a fragment of the page. It gets 401 with `HX-Redirect` instead, so
    the browser goes to the login page and comes back to the page the person was on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or response.status_code != 302 or request.user.is_authenticated:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login:
            return response
        current = urlsplit(htmx.current_url_abs_path or request.get_full_path())
        back = current.path + (f"?{current.query}" if current.query else "")
        refused = HttpResponse("Your session has ended; please log in again.", status=401, content_type="text/plain")
        refused["HX-Redirect"] = f"{login}?{urlencode({'next': back})}"
        return refused
