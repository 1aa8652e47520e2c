"""Login protection, fair to the people it protects.

Two refusals, both before any password is hashed (hashing is what a flood of guesses costs):

- an address throttle: after LOGIN_ADDRESS_LIMIT failed logins from one client address in a
  minute, its further attempts are refused until the minute is over (counted in the cache with
  django-ratelimit);
- django-axes' lockout, keyed on the account *and* the address: LOGIN_FAILURE_LIMIT failures lock
  that account from that address only, so its owner still logs in from theirs.

Both answer 429 with a page that says which one and for how long. Administrators unlock an account
from the admin (or `manage.py axes_reset_username`); it is recorded in the audit trail.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import client_address, record

log = logging.getLogger(__name__)

THROTTLE_GROUP = "login-failures-per-address"


@dataclass(frozen=True)
class Refusal:
    """Why a login attempt was refused without checking its password (`request.login_refusal`)."""

    reason: str  # "address_throttled" or "account_locked"
    retry_after: int  # seconds
    # Only the first refusal of a throttled address in its minute goes to the audit trail: a flood
    # must not fill it.
    recorded: bool = True


# -- the address throttle ----------------------------------------------------------------------


def _throttle_key(group: str, request: HttpRequest) -> str:
    address = ipaddress.ip_address(client_address(request) or "")
    if address.version == 6:
        # One IPv6 subscriber holds a whole /64: counting its addresses apart would not throttle it.
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _failures(request: HttpRequest, *, add: bool) -> tuple[int, int] | None:
    """(failures this minute, seconds left in the minute) for the request's address, after adding
    one when `add`; None when the address is unknown or the cache cannot be reached."""
    if client_address(request) is None:
        return None
    try:
        usage = get_usage(
            request,
            group=THROTTLE_GROUP,
            key=_throttle_key,
            rate=f"{settings.LOGIN_ADDRESS_LIMIT}/m",
            increment=add,
        )
    except Exception:
        # A cache that is down must not stop every login; the lockout still holds.
        log.warning("login throttle unavailable: the cache cannot be reached", exc_info=True)
        return None
    if usage is None or usage["time_left"] < 0:
        return None
    return usage["count"], max(1, usage["time_left"])


@receiver(user_login_failed, dispatch_uid="accounts.count_failed_login")
def count_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    refusal = getattr(request, "login_refusal", None)
    if request is not None and (refusal is None or refusal.reason != "address_throttled"):
        _failures(request, add=True)


# -- the gate -------------------------------------------------------------------------------------


def _lock_ends(username: str | None, address: str | None) -> datetime | None:
    last = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(last=Max("attempt_time"))
    return last["last"] + get_cool_off() if last["last"] else None


class LoginProtectionBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a throttled address, then a locked account (as
    django-axes' backend does), before ModelBackend hashes anything. Raising PermissionDenied stops
    `authenticate`; AxesMiddleware then answers with `refusal_response`."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is not None:
            failures = _failures(request, add=False)
            if failures is not None and failures[0] >= settings.LOGIN_ADDRESS_LIMIT:
                counted = _failures(request, add=True)  # refusals are counted to record only the first
                first = counted is None or counted[0] == settings.LOGIN_ADDRESS_LIMIT + 1
                request.login_refusal = Refusal("address_throttled", failures[1], recorded=first)  # type: ignore[attr-defined]
                request.axes_locked_out = True  # type: ignore[attr-defined]  # what django-axes reads
                raise PermissionDenied("too many failed logins from this address")
        try:
            super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            ends = _lock_ends(username, client_address(request))
            left = int((ends - timezone.now()).total_seconds()) if ends else 0
            request.login_refusal = Refusal("account_locked", max(60, left))  # type: ignore[union-attr]
            raise


def refusal_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page for a refused login (AXES_LOCKOUT_CALLABLE): which refusal, and for how long."""
    refusal = getattr(request, "login_refusal", None)
    if refusal is None:  # the failure that just locked the account
        cool_off = get_cool_off(request)
        refusal = Refusal("account_locked", int(cool_off.total_seconds()) if cool_off else 60)
    minutes = max(1, round(refusal.retry_after / 60))
    response = render(
        request,
        "registration/locked_out.html",
        {"refusal": refusal, "seconds": refusal.retry_after, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


# -- who is locked out, and unlocking --------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    address: str | None
    failures: int
    until: datetime


def lockouts(username: str) -> list[Lockout]:
    """The addresses from which `username` is locked out now, latest first."""
    cool_off = get_cool_off() or timedelta(0)
    rows = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=timezone.now() - cool_off)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [Lockout(row["ip_address"], row["failures"], row["last"] + cool_off) for row in rows]


def unlock(username: str, *, request: HttpRequest | None = None, actor_name: str = "", source: str = "admin") -> int:
    """Forget `username`'s failed logins from every address, lifting its lockouts; recorded in
    the audit trail when there was anything to forget. Returns how many records were cleared."""
    locked_from = [lockout.address for lockout in lockouts(username)]
    cleared = reset(username=username)
    if cleared:
        record(
            Action.LOGIN_UNLOCKED,
            username,
            request=request,
            actor_name=actor_name,
            locked_from=locked_from,
            source=source,
        )
    return cleared
