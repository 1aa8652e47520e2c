"""Symmetric encryption for the few secrets the app must hold (Fernet: AES-128-CBC + HMAC)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet


def fernet(secret: str, purpose: str) -> Fernet:
    """A Fernet keyed from `secret`, separate for each `purpose`."""
    digest = hashlib.sha256(f"orchestrator_web:{purpose}\0{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))
