"""Carry a reviewed launch from the review page to "Run plan" without exposing it.

The review page must not contain Sensitive values, and nothing may store them. So the
validated launch travels in one hidden field, encrypted and authenticated with a key derived
from SECRET_KEY, bound to the person and the plan, and valid for REVIEW_MAX_AGE seconds.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from orchestrator_web.crypto import fernet


class ReviewExpired(Exception):
    """The sealed review is too old, tampered with, or not for this person and plan."""


def _fernet() -> Fernet:
    return fernet(settings.SECRET_KEY, "plans.review")


def seal(data: dict[str, Any], *, user_id: int, plan_name: str) -> str:
    payload = json.dumps({"user": user_id, "plan": plan_name, "data": data}, separators=(",", ":"))
    return _fernet().encrypt(payload.encode()).decode()


def unseal(token: str, *, user_id: int, plan_name: str) -> dict[str, Any]:
    try:
        payload = json.loads(_fernet().decrypt(token.encode(), ttl=settings.REVIEW_MAX_AGE))
    except (InvalidToken, ValueError):
        raise ReviewExpired from None
    if payload.get("user") != user_id or payload.get("plan") != plan_name:
        raise ReviewExpired
    return payload["data"]
