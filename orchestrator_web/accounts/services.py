"""Changes to accounts that are not a person's own doing: re-encrypting tokens under a new key."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.conf import settings

from orchestrator_web.accounts.models import PURPOSE, PersonalToken, cipher
from orchestrator_web.crypto import fernet


@dataclass
class Rotation:
    rotated: int = 0  # were under an older key, now under the newest
    current: int = 0  # already under the newest key
    unreadable: list[str] = field(default_factory=list)  # whose tokens no key opens


def rotate_token_key(*, dry_run: bool = False) -> Rotation:
    """Re-encrypt every stored personal token with the newest of TOKEN_ENCRYPTION_KEYS, so the
    older keys can be dropped. Tokens no key opens are left as they are and named."""
    newest, every = fernet(settings.TOKEN_ENCRYPTION_KEYS[0], PURPOSE), cipher()
    result = Rotation()
    rows = PersonalToken.objects.order_by("pk").values_list("pk", "ciphertext", "user__username")
    for pk, ciphertext, username in rows.iterator(chunk_size=500):
        try:
            newest.decrypt(ciphertext.encode())
        except (InvalidToken, ValueError):
            pass
        else:
            result.current += 1
            continue
        try:
            fresh = every.rotate(ciphertext.encode()).decode()
        except (InvalidToken, ValueError):
            result.unreadable.append(username)
            continue
        if not dry_run:
            # Only if unchanged since read: a token stored meanwhile is already under the newest key.
            PersonalToken.objects.filter(pk=pk, ciphertext=ciphertext).update(ciphertext=fresh)
        result.rotated += 1
    return result
