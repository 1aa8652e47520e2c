"""Carry what must not appear in a page (Sensitive values, a reviewed launch) from one request
to the next without storing it.

It travels in a hidden field, encrypted and authenticated with a key derived from SECRET_KEY,
bound to the person, the plan and its purpose, and valid for REVIEW_MAX_AGE seconds. Nothing
on the server keeps it, and the page shows only ciphertext.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from orchestrator_web.crypto import fernet

REVIEW = "plans.review"  # a reviewed launch, for "Run plan" and "Change something"
SECRETS = "plans.secrets"  # Sensitive values typed on a form that is shown again


class ReviewExpired(Exception):
    """The sealed data is too old, tampered with, or not for this person, plan and purpose."""


def _fernet(purpose: str) -> Fernet:
    return fernet(settings.SECRET_KEY, purpose)


def seal(data: dict[str, Any], *, user_id: int, plan_name: str, purpose: str = REVIEW) -> str:
    payload = json.dumps({"user": user_id, "plan": plan_name, "data": data}, separators=(",", ":"))
    return _fernet(purpose).encrypt(payload.encode()).decode()


def unseal(token: str, *, user_id: int, plan_name: str, purpose: str = REVIEW) -> dict[str, Any]:
    try:
        payload = json.loads(_fernet(purpose).decrypt(token.encode(), ttl=settings.REVIEW_MAX_AGE))
    except (InvalidToken, ValueError):
        raise ReviewExpired from None
    if payload.get("user") != user_id or payload.get("plan") != plan_name:
        raise ReviewExpired
    return payload["data"]
