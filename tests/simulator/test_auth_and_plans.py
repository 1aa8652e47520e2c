"""The stand-in against orchestrator-api.md sections 1 (auth, errors) and 3 (plans)."""

from __future__ import annotations

import pytest

from .conftest import Raw


def assert_pe_error(response, status: int, kind: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["kind"] == kind
    assert isinstance(body["msg"], str) and body["msg"]
    assert isinstance(body["details"], dict)
    return body


def test_it_requires_a_token(raw: Raw) -> None:
    body = assert_pe_error(raw.get("/plans", token=None), 401, "puppetlabs.rbac/user-unauthenticated")
    assert body["msg"] == "Route requires authentication"


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("no-such-token", "puppetlabs.rbac/invalid-token"),
        ("expired-token", "puppetlabs.rbac/token-expired"),
        ("revoked-token", "puppetlabs.rbac/token-revoked"),
        ("carol-token", "puppetlabs.rbac/user-revoked"),
    ],
)
def test_it_refuses_bad_tokens_with_401(raw: Raw, token: str, kind: str) -> None:
    assert_pe_error(raw.get("/plans", token=token), 401, kind)


def test_it_accepts_the_token_as_a_query_parameter(raw: Raw) -> None:
    response = raw.session.get(raw.base + "/plans", params={"token": "alice-token"}, timeout=5)
    assert response.status_code == 200


def test_it_prefers_the_header_over_the_query_parameter(raw: Raw) -> None:
    response = raw.session.get(
        raw.base + "/plans", params={"token": "no-such-token"}, headers={"X-Authentication": "alice-token"}, timeout=5
    )
    assert response.status_code == 200


def test_it_lists_production_plans_by_default_with_permitted_flags(raw: Raw) -> None:
    body = raw.get("/plans", token="alice-token").json()
    assert body["environment"] == {"name": "production", "code_id": None}
    permitted = {item["name"]: item["permitted"] for item in body["items"]}
    assert permitted["webapp::rolling_restart"] is True
    assert permitted["db::failover"] is False
    assert len(permitted) >= 10


def test_plan_ids_are_absolute_urls_usable_for_plan_details(raw: Raw) -> None:
    item = next(i for i in raw.get("/plans").json()["items"] if i["name"] == "webapp::rolling_restart")
    assert item["id"] == raw.base + "/plans/webapp/rolling_restart"
    response = raw.session.get(item["id"], headers={"X-Authentication": "demo-service-token"}, timeout=5)
    assert response.json()["name"] == "webapp::rolling_restart"


def test_permissions_come_through_user_groups(raw: Raw) -> None:
    permitted = {i["name"]: i["permitted"] for i in raw.get("/plans", token="bob-token").json()["items"]}
    assert permitted["db::failover"] is True
    assert permitted["webapp::rolling_restart"] is False


def test_superusers_may_run_everything(raw: Raw) -> None:
    assert all(i["permitted"] for i in raw.get("/plans", token="admin-token").json()["items"])


def test_it_lists_another_environment(raw: Raw) -> None:
    body = raw.get("/plans", environment="development").json()
    assert body["environment"]["name"] == "development"
    assert "experimental::chaos" in {i["name"] for i in body["items"]}


def test_it_rejects_an_illegal_environment_name(raw: Raw) -> None:
    assert_pe_error(raw.get("/plans", environment="prod-1"), 400, "puppetlabs.orchestrator/validation-error")


def test_it_answers_404_for_an_unknown_environment(raw: Raw) -> None:
    body = assert_pe_error(raw.get("/plans", environment="staging"), 404, "puppetlabs.orchestrator/unknown-environment")
    assert body["details"] == {"environment": "staging"}


def test_plan_metadata_has_typed_parameters_with_puppet_source_defaults(raw: Raw) -> None:
    body = raw.get("/plans/webapp/rolling_restart").json()
    assert body["environment"] == {"name": "production", "code_id": None}
    assert body["permitted"] is True
    params = body["metadata"]["parameters"]
    assert params["batch_size"] == {
        "type": "Integer[1, 10]",
        "description": "How many nodes restart at once",
        "default_value": "1",
        "sensitive": False,
    }
    assert params["mode"]["default_value"] == "'graceful'"
    assert "default_value" not in params["targets"]
    assert params["api_key"]["sensitive"] is True
    assert body["metadata"]["description"].startswith("Restart the web tier")


def test_a_module_init_plan_is_served_as_init(raw: Raw) -> None:
    assert raw.get("/plans/canary/init").json()["name"] == "canary"


def test_a_nested_plan_name_is_served_under_its_module(raw: Raw) -> None:
    assert raw.get("/plans/ops/check::disk").json()["name"] == "ops::check::disk"


def test_a_plan_without_description_has_no_description_key(raw: Raw) -> None:
    metadata = raw.get("/plans/tools/noop").json()["metadata"]
    assert metadata == {"parameters": {}}


def test_it_answers_unknown_plan_for_a_plan_of_another_environment(raw: Raw) -> None:
    body = assert_pe_error(raw.get("/plans/experimental/chaos"), 404, "puppetlabs.orchestrator/unknown-plan")
    assert body["details"]["environment"] == "production"
    assert raw.get("/plans/experimental/chaos", environment="development").status_code == 200


def test_it_rejects_bad_characters_in_a_plan_path(raw: Raw) -> None:
    assert_pe_error(raw.get("/plans/Webapp/restart"), 400, "puppetlabs.orchestrator/validation-error")


def test_an_unknown_route_is_a_pe_shaped_404(raw: Raw) -> None:
    assert_pe_error(raw.get("/nothing/here"), 404, "puppetlabs.orchestrator/not-found")


def test_a_wrong_method_is_a_pe_shaped_405(raw: Raw) -> None:
    assert raw.post("/plans", {}).status_code == 405
