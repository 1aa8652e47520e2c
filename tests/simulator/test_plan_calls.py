"""How the stand-in checks a plan call, as Bolt does (orchestrator-api.md 6.1, 8.10, 9.1).

A bad call is answered 202 and its job then fails with Bolt's `bolt/pal-error` and Puppet's
words in `result.msg`; the `modules` environment of catalogue.json holds plans written as
real modules write them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from orchestrator_web.simulator import ManualClock, Simulator
from orchestrator_web.simulator.puppet import Param, TypeSystem, plan_call_problem, wraps_sensitive
from orchestrator_web.simulator.state import DEFAULT_CATALOGUE

from .conftest import Raw

TYPES = TypeSystem.standard()


def call(*params: tuple[str, str, bool], **args: Any) -> str | None:
    """Bolt's answer for calling `mymod::p` (parameters as name, type, has a default)."""
    signature = [Param(name, TYPES.parse(text), has_default) for name, text, has_default in params]
    return plan_call_problem("mymod::p", signature, args)


def failure(raw: Raw, clock: ManualClock, plan: str, params: dict[str, Any], environment: str = "modules") -> str:
    """Run a plan through HTTP and return its job's failure message."""
    name = raw.run(plan, environment=environment, params=params)
    clock.advance(5)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["state"] == "failure", job
    assert job["result"]["kind"] == "bolt/pal-error"
    assert job["result"]["details"] == {}
    return job["result"]["msg"]


def succeeds(raw: Raw, clock: ManualClock, plan: str, params: dict[str, Any], environment: str = "modules") -> bool:
    name = raw.run(plan, environment=environment, params=params)
    clock.advance(60)
    return raw.get(f"/plan_jobs/{name}").json()["state"] == "success"


def catalogue_with(plans: dict[str, Any], **env: Any) -> dict[str, Any]:
    return {"environments": {"production": {"plans": plans, **env}}}


def plan(**parameters: dict[str, Any]) -> dict[str, Any]:
    return {"parameters": parameters, "simulate": {"outcome": "success", "pending": 0, "duration": 1}}


# -- the rules of a call ----------------------------------------------------------------------


def test_it_refuses_a_missing_optional_parameter_without_a_default() -> None:
    assert call(("note", "Optional[String]", False)) == "mymod::p: expects a value for parameter 'note'"


def test_it_accepts_null_for_a_parameter_whose_type_accepts_undef() -> None:
    assert call(("note", "Optional[String]", False), note=None) is None


def test_it_refuses_null_for_a_parameter_whose_type_does_not_accept_undef() -> None:
    assert call(("note", "String", False), note=None) == "mymod::p: parameter 'note' expects a String value, got Undef"


def test_null_for_a_parameter_with_a_default_means_the_default() -> None:
    assert call(("note", "String", True), note=None) is None


def test_a_missing_parameter_with_a_default_is_fine() -> None:
    assert call(("note", "String", True)) is None


def test_a_missing_untyped_parameter_without_a_default_is_refused() -> None:
    assert call(("extra", "Any", False)) == "mymod::p: expects a value for parameter 'extra'"


def test_it_refuses_an_unknown_parameter() -> None:
    assert call(("a", "String", False), a="x", colour="red") == "mymod::p: has no parameter named 'colour'"


def test_an_unknown_parameter_given_as_null_is_dropped_as_puppet_drops_it() -> None:
    assert call(("a", "String", False), a="x", colour=None) is None


def test_it_lists_every_problem_in_puppets_order() -> None:
    assert call(("a", "String", False), ("b", "Integer", False), c=1, b="x") == (
        "mymod::p:\n"
        "  has no parameter named 'c'\n"
        "  expects a value for parameter 'a'\n"
        "  parameter 'b' expects an Integer value, got String"
    )


# -- Sensitive -----------------------------------------------------------------------------------


def sensitive_call(type_text: str, value: Any, has_default: bool = False) -> str | None:
    param = Param("key", TYPES.parse(type_text), has_default, wraps_sensitive(type_text))
    return plan_call_problem("mymod::p", [param], {"key": value})


def test_a_top_level_sensitive_parameter_takes_its_plain_value_wrapped() -> None:
    assert sensitive_call("Sensitive[String]", "s3cret") is None


def test_a_wrapped_value_is_checked_against_what_sensitive_holds() -> None:
    assert sensitive_call("Sensitive[String]", 5) == (
        "mymod::p: parameter 'key' expects a Sensitive[String] value, got Sensitive[Integer]"
    )


def test_sensitive_keeps_only_the_general_form_of_its_type_as_puppet_does() -> None:
    assert sensitive_call("Sensitive[String[12]]", "short") is None


def test_null_for_a_top_level_sensitive_is_wrapped_too_so_no_default_stands_in() -> None:
    assert sensitive_call("Sensitive[String]", None, has_default=True) == (
        "mymod::p: parameter 'key' expects a Sensitive[String] value, got Sensitive[Undef]"
    )


def test_a_sensitive_inside_optional_gets_no_wrapping() -> None:
    assert sensitive_call("Optional[Sensitive[String[1]]]", "s3cret") == (
        "mymod::p: parameter 'key' expects a value of type Undef or Sensitive[String], got String"
    )


def test_a_sensitive_inside_an_array_gets_no_wrapping() -> None:
    assert sensitive_call("Array[Sensitive]", ["s3cret"]) == (
        "mymod::p: parameter 'key' index 0 expects a Sensitive value, got String"
    )


def test_a_sensitive_reached_through_an_alias_gets_no_wrapping() -> None:
    types = TYPES.with_aliases({"Mymod::Secret": "Sensitive[String]"})
    param = Param("key", types.parse("Mymod::Secret"), False, False)
    assert plan_call_problem("mymod::p", [param], {"key": "s3cret"}) == (
        "mymod::p: parameter 'key' expects a Mymod::Secret = Sensitive[String] value, got String"
    )


# -- through HTTP, on the modules environment ---------------------------------------------------------


def test_a_bad_call_is_accepted_and_its_job_fails_with_bolts_message(raw: Raw, clock: ManualClock) -> None:
    response = raw.post(
        "/command/plan_run",
        {"plan_name": "nginx::deploy_site", "environment": "modules", "params": {"targets": "web01"}},
    )
    assert response.status_code == 202
    clock.advance(5)
    job = raw.get(f"/plan_jobs/{response.json()['name']}").json()
    assert job["result"] == {
        "kind": "bolt/pal-error",
        "msg": "nginx::deploy_site: expects a value for parameter 'server_name'",
        "details": {},
    }


def test_the_failed_job_ends_with_a_plan_failed_event_carrying_the_message(raw: Raw, clock: ManualClock) -> None:
    name = raw.run("nginx::deploy_site", environment="modules", params={"targets": "web01"})
    clock.advance(5)
    events = raw.get(f"/plan_jobs/{name}/events").json()["items"]
    assert [e["type"] for e in events] == ["plan_failed"]
    assert "server_name" in events[0]["details"]["result"]["msg"]


def test_a_stdlib_port_given_as_a_string_fails(raw: Raw, clock: ManualClock) -> None:
    params = {"targets": "web01", "server_name": "www.example.net", "listen_port": "443"}
    assert failure(raw, clock, "nginx::deploy_site", params) == (
        "nginx::deploy_site: parameter 'listen_port' expects a Stdlib::Port = Integer[0, 65535] value, got String"
    )


def test_a_multi_line_struct_names_the_missing_key(raw: Raw, clock: ManualClock) -> None:
    params = {"targets": "web01", "server_name": "www.example.net", "tls": {"cert_path": "/etc/ssl/site.pem"}}
    assert failure(raw, clock, "nginx::deploy_site", params) == (
        "nginx::deploy_site: parameter 'tls' expects a value for key 'key_path'"
    )


def test_a_well_formed_call_with_stdlib_types_succeeds(raw: Raw, clock: ManualClock) -> None:
    params = {
        "targets": ["web01", "web02"],
        "server_name": "www.example.net",
        "docroot": "/srv/www",
        "listen_port": 8443,
        "upstream": None,
        "service_ensure": "running",
        "tls": {"cert_path": "/etc/ssl/site.pem", "key_path": "/etc/ssl/site.key"},
    }
    assert succeeds(raw, clock, "nginx::deploy_site", params)


def test_a_module_alias_checks_a_nested_value(raw: Raw, clock: ManualClock) -> None:
    release = {"version": "1.4", "artifact_url": "https://repo.example.net/app.tgz"}
    message = failure(raw, clock, "webapp::release", {"targets": "app01", "release": release})
    assert message.startswith(
        "webapp::release: parameter 'release' entry 'version' expects a match for Webapp::Version"
    )
    assert message.endswith("got '1.4'")


def test_an_optional_sensitive_with_a_plain_value_fails(raw: Raw, clock: ManualClock) -> None:
    release = {"version": "1.4.2", "artifact_url": "https://repo.example.net/app.tgz"}
    params = {"targets": "app01", "release": release, "registry_token": "s3cret"}
    assert failure(raw, clock, "webapp::release", params) == (
        "webapp::release: parameter 'registry_token' expects a value of type Undef or Sensitive[String], got String"
    )


def test_an_optional_parameter_without_a_default_must_be_sent_as_null(raw: Raw, clock: ManualClock) -> None:
    params = {"primary_host": "pe01.example.net", "node_name": "pe02"}
    assert failure(raw, clock, "cluster::join", params) == ("cluster::join: expects a value for parameter 'join_token'")
    assert succeeds(raw, clock, "cluster::join", {**params, "join_token": None})


def test_a_ruby_regex_refuses_an_underscore(raw: Raw, clock: ManualClock) -> None:
    params = {"primary_host": "pe01.example.net", "node_name": "pe_02", "join_token": None}
    assert "got 'pe_02'" in failure(raw, clock, "cluster::join", params)


def test_an_optional_enum_with_an_undef_default(raw: Raw, clock: ManualClock) -> None:
    params = {"primary_host": "pe01.example.net", "node_name": "pe02", "join_token": None}
    assert succeeds(raw, clock, "cluster::join", {**params, "mode": None})
    assert failure(raw, clock, "cluster::join", {**params, "mode": "solo"}) == (
        "cluster::join: parameter 'mode' expects an undef value or a match for Enum['init', 'pair'], got 'solo'"
    )


def test_a_yaml_plan_runs_on_its_plain_defaults(raw: Raw, clock: ManualClock) -> None:
    assert succeeds(raw, clock, "hello::yaml", {"targets": "web01"})


def test_the_original_plans_still_refuse_what_bolt_refuses(raw: Raw, clock: ManualClock) -> None:
    params = {"targets": "web01", "api_key": "k", "notify": None, "batch_size": 11}
    assert failure(raw, clock, "webapp::rolling_restart", params, environment="production") == (
        "webapp::rolling_restart: parameter 'batch_size' expects an Integer[1, 10] value, got Integer[11, 11]"
    )


# -- metadata and what a job keeps --------------------------------------------------------------------


def test_metadata_flags_only_a_top_level_sensitive_by_bolts_rule(raw: Raw) -> None:
    export = raw.get("/plans/backup/export", environment="modules").json()["metadata"]["parameters"]
    release = raw.get("/plans/webapp/release", environment="modules").json()["metadata"]["parameters"]
    assert export["encryption_key"]["sensitive"] is True
    assert release["registry_token"]["sensitive"] is False


def test_metadata_keeps_defaults_as_the_catalogue_gives_them(raw: Raw) -> None:
    export = raw.get("/plans/backup/export", environment="modules").json()["metadata"]["parameters"]
    hello = raw.get("/plans/hello/yaml", environment="modules").json()["metadata"]["parameters"]
    assert export["compress"]["default_value"] == "$format ? { 'json' => false, default => true }"
    assert hello["message"]["default_value"] == "hello world"
    assert hello["extra"] == {
        "description": "Passed through to the task",
        "default_value": {},
        "type": "Any",
        "sensitive": False,
    }


def test_metadata_keeps_a_multi_line_type_as_written(raw: Raw) -> None:
    tls = raw.get("/plans/nginx/deploy_site", environment="modules").json()["metadata"]["parameters"]["tls"]
    assert tls["type"].startswith("Optional[Struct[{\n    cert_path")


def test_a_top_level_sensitive_value_is_masked_in_the_job(raw: Raw, clock: ManualClock) -> None:
    params = {"targets": "db01", "destination": "/srv/backup", "encryption_key": "correct-horse-battery"}
    name = raw.run("backup::export", environment="modules", params=params)
    clock.advance(60)
    job = raw.get(f"/plan_jobs/{name}").json()
    assert job["state"] == "success"
    assert job["options"]["sensitive"] == ["encryption_key"]
    assert "encryption_key" not in job["options"]["parameters"]


# -- loading a catalogue -------------------------------------------------------------------------------


def test_it_refuses_a_catalogue_whose_plan_uses_an_unknown_type() -> None:
    data = catalogue_with({"mymod::deploy": plan(path={"type": "Stdlib::Nope"})})
    with pytest.raises(ValueError, match=r"plan mymod::deploy in production: parameter 'path'.*Stdlib::Nope"):
        Simulator(catalogue=data)


def test_it_refuses_a_catalogue_whose_plan_type_does_not_parse() -> None:
    data = catalogue_with({"mymod::deploy": plan(mode={"type": "Enum[init, pair,]"})})
    with pytest.raises(ValueError, match="parameter 'mode'"):
        Simulator(catalogue=data)


def test_it_refuses_a_broken_module_alias() -> None:
    data = catalogue_with({}, type_aliases={"Mymod::Broken": "Array[Mymod::Missing]"})
    with pytest.raises(ValueError, match="Mymod::Missing"):
        Simulator(catalogue=data)


def test_module_aliases_belong_to_their_environment() -> None:
    data = {
        "environments": {
            "production": {"plans": {"mymod::a": plan(v={"type": "Mymod::Version"})}},
            "development": {"type_aliases": {"Mymod::Version": "String"}, "plans": {}},
        }
    }
    with pytest.raises(ValueError, match="Mymod::Version"):
        Simulator(catalogue=data)


def test_it_loads_names_spelled_in_any_case(clock: ManualClock) -> None:
    data = catalogue_with(
        {"mymod::a": plan(t={"type": "BoltLib::TargetSpec"}, v={"type": "MYMOD::Version"})},
        type_aliases={"Mymod::Version": "Pattern[/^\\d+\\.\\d+$/]"},
    )
    sim = Simulator(catalogue=data, clock=clock)
    assert sim.catalogue["production"]["mymod::a"].call_problem({"t": "web01", "v": "1.2"}) is None


def test_the_sensitive_flag_given_by_the_catalogue_wins() -> None:
    data = catalogue_with({"mymod::a": plan(token={"type": "Optional[Sensitive[String]]", "sensitive": True})})
    definition = Simulator(catalogue=data).catalogue["production"]["mymod::a"]
    assert definition.sensitive_names() == ["token"]
    assert definition.metadata()["parameters"]["token"]["sensitive"] is True


def test_a_multi_line_sensitive_is_not_flagged_by_bolts_regex_but_is_wrapped() -> None:
    data = catalogue_with({"mymod::a": plan(key={"type": "Sensitive[\n  String\n]"})})
    definition = Simulator(catalogue=data).catalogue["production"]["mymod::a"]
    assert definition.metadata()["parameters"]["key"]["sensitive"] is False
    assert definition.call_problem({"key": "s3cret"}) is None


def test_every_plan_of_the_shipped_catalogue_loads() -> None:
    data = json.loads(DEFAULT_CATALOGUE.read_text())
    catalogue = Simulator(catalogue=copy.deepcopy(data)).catalogue
    assert sorted(catalogue["modules"]) == [
        "backup::export",
        "cluster::join",
        "hello::yaml",
        "nginx::deploy_site",
        "webapp::release",
    ]
    assert len(catalogue["production"]) == 13
