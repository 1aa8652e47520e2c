"""Personal API tokens: made on the profile page or by a command, shown once, kept as a digest,
listed with their last use, revocable, audited."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from orchestrator_web.accounts.models import ApiToken
from orchestrator_web.audit.models import Action, AuditEntry
from tests.helpers import Html


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def make(client: Client, name: str = "deploy pipeline", days: str = "") -> Any:
    return client.post("/accounts/profile/api-tokens/", {"name": name, "expires_days": days})


def token_on(page: Html) -> str:
    tag = page.soup.select_one("#new-api-token code")
    assert tag is not None, "no new token on the page"
    return tag.get_text()


def whoami(token: str, address: str = "127.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).get("/api/v1/whoami", headers={"Authorization": f"Bearer {token}"})


def test_a_new_token_is_shown_once_and_kept_only_as_a_digest(as_alice: Client) -> None:
    response = make(as_alice)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    token = token_on(Html(response))
    assert token.startswith("ow_") and len(token) > 40
    row = ApiToken.objects.get()
    assert row.name == "deploy pipeline" and token not in str(ApiToken.objects.values().get())
    assert token not in as_alice.get("/accounts/profile/").content.decode()
    assert whoami(token).json()["username"] == "alice"


def test_it_may_expire(as_alice: Client) -> None:
    make(as_alice, days="7")
    expires = ApiToken.objects.get().expires_at
    assert expires is not None
    assert timedelta(days=6, hours=23) < expires - timezone.now() <= timedelta(days=7)


def test_a_token_needs_a_name(as_alice: Client) -> None:
    response = make(as_alice, name="   ")
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_the_list_shows_each_token_with_its_last_use(as_alice: Client) -> None:
    token = token_on(Html(make(as_alice)))
    row = ApiToken.objects.get()
    assert Html(as_alice.get("/accounts/profile/")).by_id(f"api-token-{row.pk}").count("never") == 2
    whoami(token, "192.0.2.7")
    shown = Html(as_alice.get("/accounts/profile/")).by_id(f"api-token-{row.pk}")
    assert "from 192.0.2.7" in shown and "active" in shown


def test_making_a_token_is_audited(as_alice: Client, alice: User) -> None:
    make(as_alice)
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_CREATED)
    assert entry.actor == alice and entry.target == "alice: deploy pipeline"


def test_use_from_a_new_address_is_audited_once_per_address(as_alice: Client) -> None:
    token = token_on(Html(make(as_alice)))
    for address in ("192.0.2.7", "192.0.2.7", "198.51.100.9", "192.0.2.7"):
        assert whoami(token, address).status_code == 200
    entries = AuditEntry.objects.filter(action=Action.API_TOKEN_ADDRESS).order_by("id")
    assert [e.address for e in entries] == ["192.0.2.7", "198.51.100.9"]


def test_a_revoked_token_stops_working_and_the_revocation_is_audited(as_alice: Client, alice: User) -> None:
    token = token_on(Html(make(as_alice)))
    row = ApiToken.objects.get()
    response = as_alice.post(f"/accounts/profile/api-tokens/{row.pk}/revoke/")
    assert response.status_code == 302
    assert whoami(token).status_code == 401
    assert whoami(token).json()["error"]["code"] == "token_revoked"
    assert AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKED, actor=alice).count() == 1
    assert "revoked" in Html(as_alice.get("/accounts/profile/")).by_id(f"api-token-{row.pk}")


def test_nobody_revokes_anothers_token(client: Client, alice: User, outsider: User) -> None:
    client.force_login(alice)
    token = token_on(Html(make(client)))
    client.force_login(outsider)
    assert client.post(f"/accounts/profile/api-tokens/{ApiToken.objects.get().pk}/revoke/").status_code == 404
    assert whoami(token).status_code == 200


def test_a_deactivated_persons_token_fails(as_alice: Client, alice: User) -> None:
    token = token_on(Html(make(as_alice)))
    alice.is_active = False
    alice.save()
    answer = whoami(token)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "user_inactive"


@pytest.mark.parametrize("header", ["Bearer ow_not-a-real-token", "Bearer", "Bearer a b", "Bearer " + "x" * 300])
def test_a_bad_token_is_401(db: None, header: str) -> None:
    answer = Client().get("/api/v1/whoami", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "token_invalid"


def test_the_command_prints_the_token_alone(alice: User) -> None:
    out = io.StringIO()
    call_command("create_api_token", "alice", "--name", "ci bot", "--expires-days", "30", stdout=out)
    token = out.getvalue()
    assert token.endswith("\n") and token.count("\n") == 1
    assert whoami(token.strip()).json()["username"] == "alice"
    row = ApiToken.objects.get()
    assert row.name == "ci bot" and row.expires_at is not None
    assert AuditEntry.objects.get(action=Action.API_TOKEN_CREATED).actor_name == "create_api_token"


@pytest.mark.parametrize(
    "args", [["nobody", "--name", "x"], ["alice", "--name", " "], ["alice", "--name", "x", "--expires-days", "0"]]
)
def test_the_command_refuses_what_would_not_work(alice: User, args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("create_api_token", *args, stdout=io.StringIO())
    assert ApiToken.objects.count() == 0
