"""The reader's time zone: their choice on the profile page, kept in the session, else the site's
(and then the browser's, through static/js/app.js)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SESSION_KEY = "time_zone"


class TimeZoneMiddleware:
    """Activate the person's chosen zone for the request (no query: it is in the session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""
        try:
            zone = zoneinfo.ZoneInfo(chosen) if chosen else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        request.time_zone_chosen = bool(zone)  # type: ignore[attr-defined]  # read by base.html
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


BROWSER_ZONE = "browser_zone"


def use_browser_zone(request: HttpRequest) -> None:
    """For a form that reads a date and time in the person's zone (run later, change a
    schedule): when they chose no zone on their profile, the zone their browser reported with
    the form (the hidden `browser_zone` field static/js/app.js fills in), if it is a real one.
    Without JavaScript, or with a zone chosen, nothing changes."""
    if getattr(request, "time_zone_chosen", False):
        return
    name = request.POST.get(BROWSER_ZONE, "") if request.method == "POST" else ""
    if not name or len(name) > 64:
        return
    try:
        timezone.activate(zoneinfo.ZoneInfo(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return


@receiver(user_logged_in, dispatch_uid="accounts.time_zone_into_session")
def remember_time_zone(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from orchestrator_web.accounts.models import Preferences

    if request is not None and hasattr(request, "session"):
        chosen = Preferences.objects.filter(user=user).values_list("time_zone", flat=True).first()
        request.session[SESSION_KEY] = chosen or ""
