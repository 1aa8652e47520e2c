"""Personal tokens are what they say: stored only when PE says they are the person's own, and
checked with PE again when the profile shows them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.accounts.models import PELogin, PersonalToken
from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.simulator import StandIn
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

PROFILE = "/accounts/profile/"


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def paste(client: Client, token: str) -> Html:
    return Html(client.post(f"{PROFILE}token/", {"token": token}, follow=True))


def store(client: Client, token: str) -> None:
    """Store a token without reading the profile (which would ask PE, and remember the answer)."""
    assert client.post(f"{PROFILE}token/", {"token": token}).status_code == 302


def token_check(client: Client) -> str:
    """What the profile says of the stored token."""
    return Html(client.get(PROFILE)).by_id("token-check")


# -- whose token ---------------------------------------------------------------------------


def test_it_refuses_a_token_of_another_pe_user(as_alice: Client, alice: User) -> None:
    page = paste(as_alice, "bob-token")
    assert page.error("token").startswith(
        "This token belongs to PE user bob, not to you (your PE login is alice), so it was not stored."
    )
    assert not PersonalToken.objects.filter(user=alice).exists()
    denied = AuditEntry.objects.get(action="denied")
    assert (denied.actor_name, denied.details["reason"]) == ("alice", "a personal token of PE user bob, not alice")


def test_it_does_not_ask_pe_for_a_token_of_another_pe_login(as_alice: Client, alice: User, stand_in: StandIn) -> None:
    response = as_alice.post(f"{PROFILE}token/login/", {"login": "bob", "password": "bob-password", "lifetime": "1h"})
    assert Html(response).error("login").startswith("Your token must belong to your own PE user, alice, not to bob.")
    assert stand_in.sim.requests_to("/v1/auth/token") == []
    assert not PersonalToken.objects.filter(user=alice).exists()


def test_the_login_form_offers_the_persons_pe_login(as_alice: Client, alice: User) -> None:
    PELogin.objects.create(user=alice, login="bob")
    page = Html(as_alice.get(PROFILE))
    assert page.value("login") == "bob"
    assert page.by_id("pe-login") == "It must belong to your PE user, bob."


def test_an_administrator_sets_a_persons_pe_login(client: Client, admin_user: User, alice: User) -> None:
    client.force_login(admin_user)
    page = Html(client.get(f"/admin/auth/user/{alice.pk}/change/"))
    assert page.value("pe_login") == ""
    response = client.post(
        f"/admin/auth/user/{alice.pk}/change/",
        {
            "username": "alice",
            "groups": [g.pk for g in alice.groups.all()],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
            "pe_login": "bob",
        },
    )
    assert response.status_code == 302
    assert PELogin.objects.get(user=alice).login == "bob"
    assert Html(client.get(f"/admin/auth/user/{alice.pk}/change/")).value("pe_login") == "bob"


def test_a_token_of_the_mapped_pe_login_is_stored(as_alice: Client, alice: User) -> None:
    PELogin.objects.create(user=alice, login="bob")
    page = paste(as_alice, "bob-token")
    assert "Your PE token for PE user bob is stored." in page.plain()
    assert PersonalToken.objects.get(user=alice).pe_login == "bob"


def test_with_a_mapping_the_persons_own_username_is_not_enough(as_alice: Client, alice: User) -> None:
    PELogin.objects.create(user=alice, login="bob")
    page = paste(as_alice, "alice-token")
    assert page.error("token").startswith("This token belongs to PE user alice, not to you (your PE login is bob)")
    assert not PersonalToken.objects.filter(user=alice).exists()


# -- checked again when shown --------------------------------------------------------------


def test_the_profile_says_pe_accepts_the_stored_token(as_alice: Client) -> None:
    store(as_alice, "alice-token")
    assert token_check(as_alice) == "PE accepts it: it belongs to PE user alice."


def test_the_profile_says_pe_no_longer_accepts_a_revoked_token(as_alice: Client, stand_in: StandIn) -> None:
    store(as_alice, "alice-token")
    stand_in.sim.rbac.tokens["alice-token"].revoked = True
    said = token_check(as_alice)
    assert said.startswith(
        "PE no longer accepts this token. The PE RBAC service rejected the token: it has been revoked."
    )
    assert "PE accepts it" not in Html(as_alice.get(PROFILE)).plain()


def test_the_profile_says_pe_no_longer_accepts_an_expired_token(as_alice: Client, stand_in: StandIn) -> None:
    store(as_alice, "alice-token")
    stand_in.sim.rbac.tokens["alice-token"].expires = 0
    assert "PE no longer accepts this token. The PE RBAC service rejected the token: it has expired." in token_check(
        as_alice
    )


def test_the_profile_says_pe_no_longer_knows_a_token_after_a_restart(as_alice: Client, stand_in: StandIn) -> None:
    as_alice.post(f"{PROFILE}token/login/", {"login": "alice", "password": "alice-password", "lifetime": "8h"})
    token = PersonalToken.objects.get().token()
    del stand_in.sim.rbac.tokens[token]  # the demo's stand-in restarted: tokens it made are gone
    assert token_check(as_alice).startswith(
        "PE no longer accepts this token. The PE RBAC service rejected the token (it is missing or not valid)."
    )


def test_the_profile_says_when_pe_cannot_be_asked(as_alice: Client, settings) -> None:  # type: ignore[no-untyped-def]
    store(as_alice, "alice-token")
    settings.RBAC_URL = "http://127.0.0.1:9"
    said = token_check(as_alice)
    assert said.startswith("PE could not be asked whether it still accepts this token.")
    assert "could not be reached" in said
    assert "PE accepts it" not in Html(as_alice.get(PROFILE)).plain()


def test_the_profile_asks_pe_once_in_a_while_not_on_every_view(as_alice: Client, stand_in: StandIn) -> None:
    store(as_alice, "alice-token")
    before = len(stand_in.sim.requests_to("/v1/users/current"))
    token_check(as_alice)
    token_check(as_alice)
    assert len(stand_in.sim.requests_to("/v1/users/current")) == before + 1


def test_the_profile_says_when_the_token_is_no_longer_the_persons(as_alice: Client, alice: User) -> None:
    store(as_alice, "alice-token")
    PELogin.objects.create(user=alice, login="bob")  # an administrator says alice is bob in PE
    assert token_check(as_alice).startswith(
        "PE says this token belongs to PE user alice, not to you (your PE login is bob)."
    )
