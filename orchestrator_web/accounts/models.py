from __future__ import annotations

from datetime import datetime

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

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


class ApiToken(models.Model):
    """A person's token for the JSON API (/api/v1/). Only a SHA-256 digest of it is kept: the
    token is shown once, when made. It acts with its owner's permissions as they are at each
    request, and stops working when it expires, is revoked, or its owner is deactivated."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for: the pipeline or script that uses it.")
    # The token is 256 random bits, so a plain digest cannot be reversed or guessed; a slow hash
    # would cost every API request its time for nothing.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, shown in lists so a person can tell their tokens apart.
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token {self.name!r} of {self.user}"

    def state(self, now: datetime | None = None) -> str:
        """ "active", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"


class ApiTokenAddress(models.Model):
    """An address a token was used from: a use from one not seen before is audited."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="addresses")
    address = models.GenericIPAddressField()
    first_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "address"], name="one_row_per_token_address")]

    def __str__(self) -> str:
        return f"{self.token} from {self.address}"
