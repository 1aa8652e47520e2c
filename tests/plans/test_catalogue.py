"""/plans/: the plans a person may run, with a filter, from a cached catalogue."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from orchestrator_web.simulator import StandIn
from tests.helpers import Html

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


# -- a PE that misbehaves ------------------------------------------------------------------------


def test_when_pe_stops_answering_the_last_list_is_shown_with_its_time(
    client: Client, alice: User, stand_in: StandIn, settings
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(alice)
    client.get("/plans/")
    stand_in.inject("error", status=503, times=None)
    page = Html(client.get("/plans/", {"refresh": "1"}))
    assert "PE is not answering" in page.plain() and "This list is from" in page.plain()
    assert "facts::info" in page.plain()


def test_a_failure_is_remembered_so_each_view_does_not_wait_on_pe_again(
    client: Client, alice: User, stand_in: StandIn
) -> None:
    fault = stand_in.inject("error", status=503, times=100)
    client.force_login(alice)
    assert "answered HTTP 503" in Html(client.get("/plans/")).plain()
    asked = 100 - (fault.times or 0)
    assert "answered HTTP 503" in Html(client.get("/plans/")).plain()
    assert 100 - (fault.times or 0) == asked  # PE was not asked again


def test_refresh_fetches_plan_metadata_again(client: Client, alice: User, stand_in: StandIn) -> None:
    client.force_login(alice)
    assert "Collect OS and networking facts" in Html(client.get("/plans/")).plain()
    stand_in.sim.catalogue["production"]["facts::info"].description = "Facts, freshly described"
    assert "Facts, freshly described" not in Html(client.get("/plans/")).plain()  # cached
    assert "Facts, freshly described" in Html(client.get("/plans/", {"refresh": "1"})).plain()


def test_slow_metadata_does_not_hold_the_list(client: Client, alice: User, stand_in: StandIn) -> None:
    stand_in.inject("delay", path=r"/plans/\w+/", seconds=3, times=None)
    client.force_login(alice)
    page = Html(client.get("/plans/"))
    assert "webapp::rolling_restart" in page.plain()
    assert "Loading its description…" in page.plain()
    results = page.soup.find(id="results")
    assert results is not None and results["hx-trigger"] == "load delay:1s"  # the rest follows by itself
