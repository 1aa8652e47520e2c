"""Personal API tokens: made, checked on every API request, revoked. Only a digest is stored.

A token is `ow_` and 43 characters of URL-safe base64 (256 random bits). The API sends it as
`Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from orchestrator_web.accounts.models import ApiToken, ApiTokenAddress
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import client_address, record

PREFIX = "ow_"
MAX_DAYS = 3650
# How stale "last used" may be before a request writes it again: one write per token per
# minute, not one per request, keeps a polling pipeline from writing on every poll.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class TokenRefused(Exception):
    """The token cannot be used; `code` says why (for the API's error), the message in words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    user: User,
    name: str,
    expires_days: int | None = None,
    *,
    request: HttpRequest | None = None,
    actor_name: str = "",
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token itself, which is not kept."""
    token = PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, name=name, digest=digest(token), prefix=token[: len(PREFIX) + 4], expires_at=expires_at
        )
        record(
            Action.API_TOKEN_CREATED,
            f"{user.get_username()}: {name}",
            request=request,
            actor=user if request is None and not actor_name else None,
            actor_name=actor_name,
            token=row.pk,
            owner=user.get_username(),
            expires_at=expires_at.isoformat() if expires_at else None,
        )
    return row, token


def revoke(row: ApiToken, *, request: HttpRequest | None = None, actor_name: str = "") -> bool:
    """Revoke the token; False if it was revoked already."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if changed:
            record(
                Action.API_TOKEN_REVOKED,
                f"{row.user.get_username()}: {row.name}",
                request=request,
                actor_name=actor_name,
                token=row.pk,
                owner=row.user.get_username(),
            )
    return bool(changed)


def authenticate(token: str, request: HttpRequest) -> ApiToken:
    """The token's row (with its owner) if it may be used now; raises TokenRefused.

    Records when and from where it was used, and audits a use from an address this token was
    never used from before."""
    if not token.startswith(PREFIX) or len(token) > 200:
        raise TokenRefused("token_invalid", "The API token is not valid.")
    row = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    if row is None:
        raise TokenRefused("token_invalid", "The API token is not valid.")
    state = row.state()
    if state == "revoked":
        raise TokenRefused("token_revoked", "The API token has been revoked.")
    if state == "expired":
        raise TokenRefused("token_expired", "The API token has expired.")
    if not row.user.is_active:
        raise TokenRefused("user_inactive", "The API token's owner is deactivated.")
    _note_use(row, request)
    return row


def _note_use(row: ApiToken, request: HttpRequest) -> None:
    now = timezone.now()
    address = client_address(request)
    moved = address != row.last_used_from
    if not moved and row.last_used_at is not None and now - row.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now, last_used_from=address)
    row.last_used_at, row.last_used_from = now, address
    if not moved or address is None:
        return
    try:
        with transaction.atomic():
            ApiTokenAddress.objects.create(token=row, address=address, first_used_at=now)
            record(
                Action.API_TOKEN_ADDRESS,
                f"{row.user.get_username()}: {row.name}",
                request=request,
                actor=row.user,
                token=row.pk,
                path=request.path,
            )
    except IntegrityError:
        pass  # seen before (or by a request running at the same moment)
