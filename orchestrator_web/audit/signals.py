"""Logins are only visible through Django's auth signals; they are recorded here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record


@receiver(user_logged_in)
def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, user.get_username(), request=request, actor=user)


@receiver(user_login_failed)
def login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # A refusal before the password was checked (accounts.protection.Refusal) says why; a throttled
    # address's refusals after its first in the minute are left out, so a flood cannot fill the trail.
    refusal = getattr(request, "login_refusal", None)
    if refusal is not None and not refusal.recorded:
        return
    details = {"refused": refusal.reason} if refusal is not None else {}
    # Never the password: Django already masks it, and only the username is kept.
    username = str(credentials.get("username", ""))[:150]
    record(Action.LOGIN_FAILED, username, request=request, actor_name=username or "anonymous", **details)
