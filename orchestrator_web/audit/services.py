"""Writing to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from orchestrator_web.audit.models import Action, AuditEntry


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: Action,
    target: str = "",
    *,
    request: HttpRequest | None = None,
    actor: AbstractBaseUser | None = None,
    actor_name: str = "",
    **details: Any,
) -> AuditEntry:
    """Append one entry. The actor is the request's user unless given; commands name themselves."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    name = actor_name or (actor.get_username() if actor is not None else "anonymous")
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=name,
        address=client_address(request),
        action=action,
        target=target[:300],
        details=details,
    )
