"""Login protection: whoever hammers an account locks it only from their own address, a flooding
address is refused before any password is hashed, and administrators can lift a lockout."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client

from orchestrator_web.audit.models import AuditEntry
from tests.helpers import Html

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"
# Built, so that the source lines the debug page quotes do not hold it.
PASSWORD = "hunter2" + "-secret"


def log_in(client: Client, username: str, password: str, address: str, path: str = "/accounts/login/", **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def logged_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).get_username() if user_id else None


def hammer(client: Client, username: str, address: str, times: int, **extra: Any) -> None:
    for _ in range(times):
        log_in(client, username, "wrong", address, **extra)


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the hasher hashes while the test runs (checking one hashes it, and so does
    Django for an unknown username, to take as long)."""
    calls: list[str] = []
    original = MD5PasswordHasher.encode

    def counting(self: MD5PasswordHasher, password: str, salt: str) -> str:
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


# -- the lockout: per account and address ----------------------------------------------------


def test_an_account_hammered_from_one_address_still_lets_its_owner_in_from_another(
    alice: User,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    attacker, owner = Client(), Client()
    hammer(attacker, "alice", ATTACKER, settings.AXES_FAILURE_LIMIT)
    refused = log_in(attacker, "alice", "alice-password", ATTACKER)
    assert refused.status_code == 429
    assert logged_in_as(attacker) is None

    response = log_in(owner, "alice", "alice-password", OWNER)
    assert response.status_code == 302
    assert logged_in_as(owner) == "alice"


def test_the_admin_login_locks_a_superuser_only_from_the_attacking_address(
    admin_user: User,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    attacker, owner = Client(), Client()
    hammer(attacker, "root", ATTACKER, settings.AXES_FAILURE_LIMIT, path="/admin/login/")
    assert log_in(attacker, "root", "root-password", ATTACKER, path="/admin/login/").status_code == 429

    assert log_in(owner, "root", "root-password", OWNER, path="/admin/login/").status_code == 302
    assert logged_in_as(owner) == "root"


def test_a_locked_address_is_told_why_and_for_how_long(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_COOLOFF_TIME = 0.25  # hours
    attacker = Client()
    hammer(attacker, "alice", ATTACKER, settings.AXES_FAILURE_LIMIT)
    response = log_in(attacker, "alice", "alice-password", ATTACKER)
    assert response.status_code == 429
    page = Html(response).plain()
    assert "locked for logins from your address" in page
    assert "Try again in about 15 minutes, or ask an administrator to unlock it" in page
    assert 14 * 60 <= int(response["Retry-After"]) <= 15 * 60


def test_attempts_on_a_locked_account_are_not_checked(alice: User, settings, hashed: list[str]) -> None:  # type: ignore[no-untyped-def]
    attacker = Client()
    hammer(attacker, "alice", ATTACKER, settings.AXES_FAILURE_LIMIT)
    hashed.clear()
    assert log_in(attacker, "alice", "alice-password", ATTACKER).status_code == 429
    assert hashed == []


# -- the throttle: per address, before hashing -----------------------------------------------


def test_an_address_with_too_many_failed_logins_is_refused_before_any_password_is_hashed(
    alice: User,
    settings,  # type: ignore[no-untyped-def]
    hashed: list[str],
) -> None:
    settings.LOGIN_ADDRESS_LIMIT = 3
    attacker = Client()
    for name in ("bob", "carol", "dave"):  # different accounts: no lockout, only the address adds up
        log_in(attacker, name, "guess", ATTACKER)
    assert hashed, "a failed login that is not refused hashes the password"
    hashed.clear()

    response = log_in(attacker, "alice", "alice-password", ATTACKER)
    assert response.status_code == 429
    assert hashed == []
    assert logged_in_as(attacker) is None
    page = Html(response).plain()
    assert "Too many failed logins from your address" in page
    assert 1 <= int(response["Retry-After"]) <= 60
    assert f"Wait {response['Retry-After']} second" in page


def test_a_throttled_address_does_not_hold_back_other_addresses(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ADDRESS_LIMIT = 2
    hammer(Client(), "nobody", ATTACKER, 5)
    owner = Client()
    assert log_in(owner, "alice", "alice-password", OWNER).status_code == 302


def test_the_throttle_lifts_after_its_minute(alice: User, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import django_ratelimit.core

    settings.LOGIN_ADDRESS_LIMIT = 2
    hammer(Client(), "nobody", ATTACKER, 2)
    client = Client()
    assert log_in(client, "alice", "alice-password", ATTACKER).status_code == 429

    # django-ratelimit counts in windows of the clock it reads: move that clock past the minute.
    later = django_ratelimit.core.time.time() + 61

    class Clock:
        @staticmethod
        def time() -> float:
            return later

    monkeypatch.setattr(django_ratelimit.core, "time", Clock)
    assert log_in(client, "alice", "alice-password", ATTACKER).status_code == 302


def test_a_flood_from_a_throttled_address_is_recorded_once_per_minute(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ADDRESS_LIMIT = 2
    hammer(Client(), "nobody", ATTACKER, 12)
    failed = AuditEntry.objects.filter(action="login_failed")
    assert failed.filter(details={}).count() == 2
    (refused,) = failed.filter(details={"refused": "address_throttled"})
    assert refused.address == ATTACKER


def test_a_refused_login_says_why_in_the_audit_trail(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    attacker = Client()
    hammer(attacker, "alice", ATTACKER, settings.AXES_FAILURE_LIMIT)
    log_in(attacker, "alice", "alice-password", ATTACKER)
    entry = AuditEntry.objects.filter(action="login_failed").latest("id")
    assert entry.details == {"refused": "account_locked"}
    assert (entry.target, entry.address) == ("alice", ATTACKER)


# -- proxies -----------------------------------------------------------------------------------


def test_behind_a_trusted_proxy_failures_count_against_the_client_not_the_proxy(
    alice: User,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    attacker, owner = Client(), Client()
    hammer(attacker, "alice", PROXY, settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert log_in(attacker, "alice", "alice-password", PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429

    assert log_in(owner, "alice", "alice-password", PROXY, HTTP_X_FORWARDED_FOR=OWNER).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert AuditEntry.objects.filter(action="login_failed").latest("id").address == ATTACKER
    assert AuditEntry.objects.get(action="login").address == OWNER


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    attacker = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):  # a new made-up address each time
        log_in(attacker, "alice", "wrong", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert log_in(attacker, "alice", "alice-password", ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    assert set(AuditEntry.objects.values_list("address", flat=True)) == {ATTACKER}


# -- unlocking ------------------------------------------------------------------------------------


@pytest.fixture
def locked_alice(alice: User, settings) -> User:  # type: ignore[no-untyped-def]
    hammer(Client(), "alice", ATTACKER, settings.AXES_FAILURE_LIMIT)
    assert log_in(Client(), "alice", "alice-password", ATTACKER).status_code == 429
    return alice


def test_the_user_list_action_unlocks_and_is_recorded(client: Client, admin_user: User, locked_alice: User) -> None:
    client.force_login(admin_user)
    response = client.post(
        "/admin/auth/user/", {"action": "unlock_logins", "_selected_action": [locked_alice.pk]}, follow=True
    )
    assert "lockouts lifted: alice" in Html(response).plain()
    assert log_in(Client(), "alice", "alice-password", ATTACKER).status_code == 302
    entry = AuditEntry.objects.get(action="login_unlocked")
    assert (entry.actor_name, entry.target) == ("root", "alice")
    assert entry.details == {"locked_from": [ATTACKER], "source": "admin"}


def test_the_user_page_shows_the_lockout_and_unlocks(client: Client, admin_user: User, locked_alice: User) -> None:
    client.force_login(admin_user)
    page = Html(client.get(f"/admin/auth/user/{locked_alice.pk}/change/"))
    link = page.soup.find("a", string="Unlock logins (locked from 1 address)")
    assert link is not None
    unlock_page = Html(client.get(str(link["href"])))
    assert ATTACKER in unlock_page.plain()

    response = client.post(str(link["href"]))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/auth/user/{locked_alice.pk}/change/"
    assert log_in(Client(), "alice", "alice-password", ATTACKER).status_code == 302
    assert AuditEntry.objects.get(action="login_unlocked").actor_name == "root"
    assert Html(client.get(f"/admin/auth/user/{locked_alice.pk}/change/")).soup.find("a", string="Unlock logins")


def test_staff_who_may_not_change_users_cannot_unlock(client: Client, outsider: User, locked_alice: User) -> None:
    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(outsider)
    assert client.post(f"/admin/auth/user/{locked_alice.pk}/unlock/").status_code == 403
    assert log_in(Client(), "alice", "alice-password", ATTACKER).status_code == 429
    assert not AuditEntry.objects.filter(action="login_unlocked").exists()


def test_axes_reset_username_unlocks_and_is_recorded(locked_alice: User) -> None:
    out = StringIO()
    call_command("axes_reset_username", "alice", stdout=out)
    assert "attempts removed" in out.getvalue()
    assert log_in(Client(), "alice", "alice-password", ATTACKER).status_code == 302
    assert AuditEntry.objects.get(action="login_unlocked").actor_name == "axes_reset_username"


# -- secrets on the debug error page ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_the_debug_error_page_never_shows_a_login_password(
    alice: User,
    settings,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    path: str,
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the login broke")

    monkeypatch.setattr("django.contrib.auth.forms.AuthenticationForm.clean", fail)
    settings.DEBUG = True
    response = Client(raise_request_exception=False).post(path, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 500
    assert "the login broke" in response.content.decode()
    assert PASSWORD not in response.content.decode()
