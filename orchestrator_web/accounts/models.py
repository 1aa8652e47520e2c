from __future__ import annotations

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models

from orchestrator_web.crypto import multi_fernet

PURPOSE = "accounts.pe-token"


def cipher() -> MultiFernet:
    """Encrypts with the newest of TOKEN_ENCRYPTION_KEYS, decrypts with any of them."""
    return multi_fernet(settings.TOKEN_ENCRYPTION_KEYS, PURPOSE)


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
        self.ciphertext = cipher().encrypt(token.encode()).decode()

    def token(self) -> str | None:
        """The token, or None when none of TOKEN_ENCRYPTION_KEYS opens it (the key changed
        without the old one being kept until rotate_token_key ran)."""
        try:
            return cipher().decrypt(self.ciphertext.encode()).decode()
        except (InvalidToken, ValueError):
            return None

    @property
    def readable(self) -> bool:
        return self.token() is not None


class PELogin(models.Model):
    """The PE login of a person whose PE user is named differently from their username here.
    Set by an administrator; a personal token is stored only if PE says it belongs to this
    login (or, without one, to the username)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pe_login_mapping")
    login = models.CharField(
        "PE login",
        max_length=150,
        help_text="Their PE login, if not their username here; their PE token must belong to it.",
    )

    class Meta:
        verbose_name = "PE login"

    def __str__(self) -> str:
        return f"{self.user} is PE user {self.login}"


def pe_login_of(user: User) -> str:
    """The PE login `user`'s personal token must belong to: the one an administrator set, else
    their username."""
    mapped = PELogin.objects.filter(user=user).values_list("login", flat=True).first()
    return mapped or user.get_username()


class Preferences(models.Model):
    """How a person wants pages shown. Read into their session at login (so no page pays a query
    for it) and whenever they change it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="An IANA zone such as Europe/Paris; empty: the browser's."
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
