"""Personal PE tokens: stored encrypted, used for launches and stops, never shown again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.accounts.models import PersonalToken
from orchestrator_web.jobs.models import Job
from orchestrator_web.simulator import ManualClock, StandIn
from tests.jobs.test_job_page import launch
from tests.plans.test_launch import restart_form, run

pytestmark = pytest.mark.usefixtures("orchestrator_settings")

RESTART = "/plans/webapp::rolling_restart/"


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def test_a_pasted_token_is_checked_and_stored_encrypted(as_alice: Client, alice: User) -> None:
    response = as_alice.post("/accounts/profile/token/", {"token": "alice-token"}, follow=True)
    page = response.content.decode()
    assert "Your PE token for PE user alice is stored" in page
    assert "alice-token" not in page
    stored = PersonalToken.objects.get(user=alice)
    assert "alice-token" not in stored.ciphertext
    assert stored.token() == "alice-token"
    assert stored.pe_login == "alice"


def test_a_token_pe_rejects_is_not_stored(as_alice: Client, alice: User) -> None:
    response = as_alice.post("/accounts/profile/token/", {"token": "expired-token"})
    assert (
        "PE did not accept this token. The PE RBAC service rejected the token: it has expired."
        in response.content.decode()
    )
    assert not PersonalToken.objects.filter(user=alice).exists()


def test_a_token_that_cannot_be_checked_is_not_stored(as_alice: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RBAC_URL = "http://127.0.0.1:9"
    response = as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    assert "could not be checked, so it was not stored" in response.content.decode()
    assert not PersonalToken.objects.filter(user=alice).exists()


def test_a_token_is_obtained_with_login_and_password_never_kept(
    as_alice: Client, alice: User, stand_in: StandIn
) -> None:
    response = as_alice.post(
        "/accounts/profile/token/login/",
        {"login": "alice", "password": "alice-password", "lifetime": "8h"},
        follow=True,
    )
    assert "Your PE token for PE user alice is stored" in response.content.decode()
    stored = PersonalToken.objects.get(user=alice)
    assert stored.expires_at is not None
    assert stored.token() in stand_in.sim.rbac.tokens
    assert "alice-password" not in repr(stand_in.sim.received)
    assert "alice-password" not in stored.ciphertext


def test_a_wrong_password_is_said_and_not_echoed(as_alice: Client, alice: User) -> None:
    response = as_alice.post("/accounts/profile/token/login/", {"login": "alice", "password": "nope", "lifetime": "1h"})
    page = response.content.decode()
    assert "PE did not give a token: The username or password is incorrect." in page
    assert 'value="nope"' not in page
    assert not PersonalToken.objects.filter(user=alice).exists()


def test_launches_use_the_personal_token(as_alice: Client, stand_in: StandIn) -> None:
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    run(as_alice, as_alice.post(RESTART, restart_form()), RESTART)
    assert stand_in.sim.requests_to("/command/plan_run")[0]["login"] == "alice"
    assert Job.objects.get().personal_token is True


def test_launches_use_the_service_account_without_one(as_alice: Client, stand_in: StandIn) -> None:
    run(as_alice, as_alice.post(RESTART, restart_form()), RESTART)
    assert stand_in.sim.requests_to("/command/plan_run")[0]["login"] == "orchestrator-web"
    assert Job.objects.get().personal_token is False


def test_pe_rbac_applies_to_a_personal_token(as_alice: Client, stand_in: StandIn) -> None:
    # Django lets alice run deploy::app; PE's RBAC does not, and with her token PE decides too.
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    form = {"environment": "production", "param__version": "v1.0.0", "param__targets": "a", "action": "review"}
    run(as_alice, as_alice.post("/plans/deploy::app/", form), "/plans/deploy::app/")
    job = Job.objects.get()
    assert job.state == "rejected"
    assert job.error_kind == "puppetlabs.orchestrator/not-permitted"


def test_an_expired_personal_token_says_to_renew_it(as_alice: Client, alice: User, stand_in: StandIn) -> None:
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    stand_in.sim.rbac.tokens["alice-token"].expires = 0  # it expires after being stored
    job_page = as_alice.get(run(as_alice, as_alice.post(RESTART, restart_form()), RESTART).url).content.decode()
    assert "rejected your personal PE token: it has expired" in job_page
    assert "Renew it on your profile page." in job_page
    assert Job.objects.get().state == "rejected"


def test_a_token_the_key_can_no_longer_read_is_not_replaced_by_the_service_account(
    as_alice: Client,
    stand_in: StandIn,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    reviewed = as_alice.post(RESTART, restart_form())
    settings.TOKEN_ENCRYPTION_KEYS = ["a-different-key"]
    run(as_alice, reviewed, RESTART)
    job = Job.objects.get()
    assert job.state == "not_submitted"
    assert "your personal PE token can no longer be read here" in job.error_message
    assert "store your token again on your profile page" in job.error_message
    assert stand_in.sim.requests_to("/command/plan_run") == []


def test_stops_use_the_personal_token(as_alice: Client, alice: User, stand_in: StandIn, clock: ManualClock) -> None:
    job = launch(alice, "patching::run", {"targets": "web01"})
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    as_alice.post(f"/jobs/{job.pk}/stop/")
    assert stand_in.sim.requests_to("/command/stop_plan")[0]["login"] == "alice"


def test_the_token_can_be_removed(as_alice: Client, alice: User) -> None:
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    page = as_alice.post("/accounts/profile/token/remove/", follow=True).content.decode()
    assert "Your PE token is removed" in page
    assert not PersonalToken.objects.filter(user=alice).exists()


def test_the_profile_never_shows_the_token(as_alice: Client) -> None:
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    page = as_alice.get("/accounts/profile/").content.decode()
    assert "A token for PE user <strong>alice</strong> is stored" in page
    assert "alice-token" not in page


def test_token_pages_need_a_login_and_a_post(client: Client, alice: User) -> None:
    assert client.get("/accounts/profile/").status_code == 302
    client.force_login(alice)
    assert client.get("/accounts/profile/token/").status_code == 405


def test_a_new_token_replaces_the_stored_one(as_alice: Client, alice: User) -> None:
    as_alice.post("/accounts/profile/token/", {"token": "alice-token"})
    as_alice.post("/accounts/profile/token/login/", {"login": "alice", "password": "alice-password", "lifetime": "8h"})
    stored = PersonalToken.objects.get(user=alice)  # still one row
    assert stored.token() not in (None, "alice-token")
    assert stored.expires_at is not None
