"""Symmetric encryption for the few secrets the app must hold (Fernet: AES-128-CBC + HMAC)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, MultiFernet


def fernet(secret: str, purpose: str) -> Fernet:
    """A Fernet keyed from `secret`, separate for each `purpose`."""
    digest = hashlib.sha256(f"orchestrator_web:{purpose}\0{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def multi_fernet(secrets: Sequence[str], purpose: str) -> MultiFernet:
    """A MultiFernet for keys given newest first: it encrypts with the first and decrypts with
    any, and its `rotate` re-encrypts a message with the first."""
    return MultiFernet([fernet(secret, purpose) for secret in secrets])
