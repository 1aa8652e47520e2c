"""The Sensitive values of a launch that waits for approval, sealed with the token encryption
keys (TOKEN_ENCRYPTION_KEYS, under a purpose of their own) until it is sent or ends."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings

from orchestrator_web.crypto import multi_fernet

PURPOSE = "approvals.secrets"


class Unreadable(Exception):
    """No configured key opens the sealed values (the key changed meanwhile)."""


def seal(values: dict[str, Any]) -> str:
    if not values:
        return ""
    cipher = multi_fernet(settings.TOKEN_ENCRYPTION_KEYS, PURPOSE)
    return cipher.encrypt(json.dumps(values, separators=(",", ":")).encode()).decode()


def unseal(sealed: str) -> dict[str, Any]:
    if not sealed:
        return {}
    try:
        values = json.loads(multi_fernet(settings.TOKEN_ENCRYPTION_KEYS, PURPOSE).decrypt(sealed.encode()))
    except (InvalidToken, ValueError):
        raise Unreadable from None
    if not isinstance(values, dict):
        raise Unreadable
    return values
