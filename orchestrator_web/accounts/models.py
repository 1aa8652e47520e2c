from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import models

from orchestrator_web.crypto import fernet


def _cipher():  # type: ignore[no-untyped-def]
    return fernet(settings.TOKEN_ENCRYPTION_KEY, "accounts.pe-token")


class PersonalToken(models.Model):
    """A person's own PE RBAC token, encrypted at rest; used for their launches and stops."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pe_token")
    ciphertext = models.TextField(editable=False)
    pe_login = models.CharField("PE login", max_length=150, help_text="Whom PE says the token belongs to.")
    stored_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When known (tokens made here).")

    def __str__(self) -> str:
        return f"PE token of {self.user} (PE user {self.pe_login})"

    def set_token(self, token: str) -> None:
        self.ciphertext = _cipher().encrypt(token.encode()).decode()

    def token(self) -> str | None:
        """The token, or None when it cannot be decrypted (TOKEN_ENCRYPTION_KEY changed)."""
        try:
            return _cipher().decrypt(self.ciphertext.encode()).decode()
        except (InvalidToken, ValueError):
            return None
