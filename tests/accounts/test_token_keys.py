"""TOKEN_ENCRYPTION_KEYS: read with any key, write with the newest, rotate_token_key, and the truth
about a token no key opens."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from orchestrator_web.accounts.models import PURPOSE, PersonalToken
from orchestrator_web.crypto import fernet
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

OLD, NEW = "old-token-key-" + "o" * 30, "new-token-key-" + "n" * 30
# Built, so that the source lines the debug page quotes do not hold them.
SECRET_TOKEN = "pasted" + "-token-value"
SECRET_PASSWORD = "pe" + "-password-value"


def store(user: User, token: str, settings: Any, key: str) -> PersonalToken:  # type: ignore[no-untyped-def]
    settings.TOKEN_ENCRYPTION_KEYS = [key]
    stored = PersonalToken(user=user, pe_login=user.get_username())
    stored.set_token(token)
    stored.save()
    return stored


def under(key: str, stored: PersonalToken) -> str:
    """The token, opened with this key alone."""
    stored.refresh_from_db()
    return fernet(key, PURPOSE).decrypt(stored.ciphertext.encode()).decode()


def rotate(*arguments: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rotate_token_key", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_token_under_an_older_key_is_still_read(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    stored = store(alice, "alice-token", settings, OLD)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    assert PersonalToken.objects.get(pk=stored.pk).token() == "alice-token"


def test_a_new_token_is_encrypted_with_the_newest_key(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    stored = PersonalToken(user=alice, pe_login="alice")
    stored.set_token("alice-token")
    stored.save()
    assert under(NEW, stored) == "alice-token"


def test_rotate_token_key_re_encrypts_every_token_with_the_newest_key(
    alice: User,
    outsider: User,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    old = store(alice, "alice-token", settings, OLD)
    current = store(outsider, "oscar-token", settings, NEW)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    out, err = rotate()
    assert out.strip() == "1 personal token re-encrypted with the newest key; 1 already under it."
    assert err == ""
    assert under(NEW, old) == "alice-token"
    assert under(NEW, current) == "oscar-token"

    settings.TOKEN_ENCRYPTION_KEYS = [NEW]  # the old key can go now
    assert PersonalToken.objects.get(pk=old.pk).token() == "alice-token"


def test_rotate_token_key_names_the_tokens_no_key_opens(alice: User, outsider: User, settings) -> None:  # type: ignore[no-untyped-def]
    lost = store(alice, "alice-token", settings, "a-key-nobody-has-any-more")
    store(outsider, "oscar-token", settings, OLD)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    ciphertext = lost.ciphertext
    out, err = rotate()
    assert out.strip() == "1 personal token re-encrypted with the newest key; 0 already under it."
    assert "1 token no key opens" in err
    assert err.strip().endswith(": alice")
    lost.refresh_from_db()
    assert lost.ciphertext == ciphertext  # left as it was


def test_a_dry_run_changes_nothing(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    stored = store(alice, "alice-token", settings, OLD)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    out, _ = rotate("--dry-run")
    assert out.startswith("1 personal token would be re-encrypted")
    assert under(OLD, stored) == "alice-token"


def test_the_profile_says_to_store_a_token_no_key_opens_again(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    store(alice, "alice-token", settings, OLD)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW]
    client.force_login(alice)
    page = Html(client.get("/accounts/profile/")).plain()
    assert "can no longer be read" in page
    assert "store your token again below" in page
    assert "Your launches and stops use it" not in page


def test_the_profile_says_a_readable_token_is_in_use(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    store(alice, "alice-token", settings, OLD)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    client.force_login(alice)
    page = Html(client.get("/accounts/profile/")).plain()
    assert "Your launches and stops use it" in page
    assert "can no longer be read" not in page


# -- secrets on the debug error page ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/accounts/profile/token/", {"token": SECRET_TOKEN}),
        ("/accounts/profile/token/login/", {"login": "alice", "password": SECRET_PASSWORD, "lifetime": "1h"}),
    ],
)
def test_the_debug_error_page_never_shows_a_token_or_pe_password(
    alice: User,
    settings,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    form: dict[str, str],
) -> None:
    def fail(token: str) -> None:
        raise RuntimeError("RBAC broke")

    monkeypatch.setattr("orchestrator_web.accounts.views.rbac_with", fail)
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.post(path, form)
    page = response.content.decode()
    assert response.status_code == 500
    assert "RBAC broke" in page
    assert SECRET_TOKEN not in page
    assert SECRET_PASSWORD not in page
