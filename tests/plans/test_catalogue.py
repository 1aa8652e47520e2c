"""/plans/: the plans a person may run, with a filter, from a cached catalogue."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.simulator import StandIn

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def names_on(response) -> list[str]:  # type: ignore[no-untyped-def]
    import re

    return re.findall(r'class="plan-name">([^<]+)<', response.content.decode())


def test_it_lists_only_the_plans_the_person_may_run(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/plans/")
    assert response.status_code == 200
    assert names_on(response) == sorted(
        [
            "canary",
            "db::failover",
            "deploy::app",
            "facts::info",
            "patching::run",
            "tools::noop",
            "webapp::rolling_restart",
        ]
    )


def test_it_shows_plan_descriptions(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert b"Collect OS and networking facts" in client.get("/plans/").content


def test_superusers_see_every_plan(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    assert len(names_on(client.get("/plans/"))) == 13


def test_an_outsider_is_told_how_to_get_plans(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    response = client.get("/plans/")
    assert names_on(response) == []
    assert b"An administrator can grant you plans" in response.content


def test_a_grant_narrowed_to_an_environment_applies_there_only(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    client.force_login(alice)
    development = names_on(client.get("/plans/", {"environment": "development"}))
    assert "db::failover" not in development
    assert "facts::info" in development


def test_the_filter_matches_names_and_descriptions(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert names_on(client.get("/plans/", {"q": "RESTART"})) == ["webapp::rolling_restart"]
    assert names_on(client.get("/plans/", {"q": "networking facts"})) == ["facts::info"]
    assert b"No plan in production matches" in client.get("/plans/", {"q": "zzz"}).content


def test_htmx_gets_only_the_results(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/plans/", {"q": "facts"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content
    assert names_on(response) == ["facts::info"]


def test_an_unknown_environment_is_said_and_nothing_is_asked(client: Client, alice: User, stand_in: StandIn) -> None:
    client.force_login(alice)
    response = client.get("/plans/", {"environment": "nope"})
    assert b"There is no environment called &#x27;nope&#x27; here" in response.content
    assert stand_in.sim.received == []


def test_the_catalogue_is_cached(client: Client, alice: User, stand_in: StandIn) -> None:
    client.force_login(alice)
    client.get("/plans/")
    first = len(stand_in.sim.received)
    client.get("/plans/")
    assert len(stand_in.sim.received) == first


def test_refresh_bypasses_the_cache(client: Client, alice: User, stand_in: StandIn) -> None:
    client.force_login(alice)
    client.get("/plans/")
    client.get("/plans/", {"refresh": "1"})
    assert len(stand_in.sim.requests_to("/plans")) == 2


def test_an_unreachable_orchestrator_is_said_in_plain_words(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    client.force_login(alice)
    response = client.get("/plans/")
    assert response.status_code == 200
    assert b"The orchestrator could not be reached: the connection was refused." in response.content


def test_a_rejected_service_token_is_said_without_showing_it(client: Client, alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_TOKEN = "expired-token"
    client.force_login(alice)
    response = client.get("/plans/")
    assert b"The orchestrator rejected the token: it has expired." in response.content
    assert b"expired-token" not in response.content


def test_garbage_from_the_orchestrator_is_not_a_500(client: Client, alice: User, stand_in: StandIn) -> None:
    stand_in.inject("garbage", times=None)
    client.force_login(alice)
    response = client.get("/plans/")
    assert response.status_code == 200
    assert b"could not be understood" in response.content


def test_the_catalogue_needs_a_login(client: Client, db: None) -> None:
    assert client.get("/plans/").status_code == 302


def test_it_answers_within_a_fixed_number_of_queries(
    client: Client, alice: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(alice)
    with django_assert_max_num_queries(4):
        client.get("/plans/")
