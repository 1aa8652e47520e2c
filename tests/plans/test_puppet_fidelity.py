"""What the person means is what PE receives, and PE would accept it: each fault found by
checking the form's output with real Puppet, by its smallest input (issue 11)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from orchestrator_web.jobs.models import Job
from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.simulator import StandIn
from tests.helpers import Html

from .conftest import Launcher

PLAN = "mymod::plan"


@pytest.fixture
def launch_of(pe_with: Callable[..., StandIn], as_admin: Client) -> Callable[..., Launcher]:
    """A launcher for `mymod::plan` with the given parameters (as PE's metadata gives them)."""

    def make(parameters: dict[str, dict[str, Any]], **extra: Any) -> Launcher:
        stand_in = pe_with({PLAN: {"parameters": parameters}}, **extra)
        return Launcher(as_admin, stand_in, PLAN)

    return make


# 1. Type aliases --------------------------------------------------------------------------------


def test_an_alias_is_a_checked_text_field_that_sends_a_string(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"path": {"type": "Stdlib::Absolutepath"}})
    page = plan.form()
    assert page.field("param__path").name == "input" and page.field("param__path")["type"] == "text"
    assert plan.sends(param__path="/opt/data") == {"path": "/opt/data"}


def test_an_alias_refuses_what_puppet_refuses(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"path": {"type": "Stdlib::Absolutepath"}})
    page = plan.review(param__path="relative/path")
    assert page.error("param__path").startswith("This parameter expects Stdlib::Windowspath or Stdlib::Unixpath")
    assert plan.stand_in.sim.requests_to("/command/plan_run") == []


def test_an_alias_without_default_is_required(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"path": {"type": "Stdlib::Absolutepath"}})
    assert "(required)" in plan.form().plain()
    assert plan.review(param__path="").error("param__path") == "This parameter is required."


def test_type_names_are_resolved_whatever_their_case(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"targets": {"type": "BoltLib::TargetSpec"}})
    assert plan.form().field("param__targets").name == "textarea"  # one target per line
    assert plan.sends(param__targets="web01\nweb02") == {"targets": ["web01", "web02"]}


def test_an_alias_nobody_defined_is_text_checked_by_pe(launch_of: Callable[..., Launcher]) -> None:
    # PE knows the module's alias; this app was not told about it.
    plan = launch_of({"version": {"type": "Mymod::Version"}}, type_aliases={"Mymod::Version": "String[1]"})
    page = plan.form()
    assert page.field("param__version")["type"] == "text"
    assert "Mymod::Version is not known here; PE checks the value when the plan starts." in page.help("param__version")
    assert plan.review(param__version="").error("param__version") == "This parameter is required."
    assert plan.sends(param__version="1.2") == {"version": "1.2"}


def test_an_administrators_alias_is_checked(launch_of: Callable[..., Launcher], db: None) -> None:
    from orchestrator_web.plans.models import TypeAlias

    TypeAlias.objects.create(name="Mymod::Version", definition=r"Pattern[/^\d+\.\d+$/]")
    plan = launch_of({"version": {"type": "Mymod::Version"}}, type_aliases={"Mymod::Version": r"Pattern[/^\d+\.\d+$/]"})
    assert (
        plan.review(param__version="v1").error("param__version") == r"This parameter must match /^\d+\.\d+$/, got 'v1'."
    )
    assert plan.sends(param__version="1.2") == {"version": "1.2"}


# 2. Optional without a default ------------------------------------------------------------------


def test_an_empty_optional_without_default_is_sent_as_null(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"note": {"type": "Optional[String]"}})
    assert plan.sends(param__note="") == {"note": None}


def test_an_empty_optional_with_a_default_is_left_to_pe(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"note": {"type": "Optional[String]", "default_value": "'hi'"}})
    assert plan.sends(param__note="") == {}


# 3. Optional enum with default undef --------------------------------------------------------------


def test_an_optional_enum_with_default_undef_starts_not_set(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"mode": {"type": "Optional[Enum['init', 'pair']]", "default_value": "undef"}})
    page = plan.form()
    assert page.options("param__mode") == [("", "(not set)"), ("init", "init"), ("pair", "pair")]
    assert page.value("param__mode") == ""
    assert plan.sends() == {}  # untouched: PE applies undef, no mode the person never chose


# 4. Booleans with computed defaults ----------------------------------------------------------------


@pytest.mark.parametrize("default", ["$format ? { 'json' => false, default => true }", "mymod::is_windows()"])
def test_a_boolean_with_a_computed_default_is_a_three_way_choice(
    launch_of: Callable[..., Launcher], default: str
) -> None:
    plan = launch_of({"pretty": {"type": "Boolean", "default_value": default}})
    page = plan.form()
    assert page.options("param__pretty") == [
        ("", "the plan's default (worked out by PE)"),
        ("true", "true"),
        ("false", "false"),
    ]
    assert plan.sends() == {}
    assert plan.sends(param__pretty="false") == {"pretty": False}


def test_a_computed_default_of_any_type_is_left_to_pe(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"port": {"type": "Stdlib::Port", "default_value": "$facts['port'] + 1"}})
    page = plan.form()
    assert page.value("param__port") == ""
    assert "worked out by PE" in page.help("param__port")
    assert plan.sends() == {}


# 5. Sensitive not at the top ---------------------------------------------------------------------


def test_a_nested_sensitive_is_a_password_box_that_only_leaving_empty_satisfies(
    launch_of: Callable[..., Launcher],
) -> None:
    plan = launch_of({"token": {"type": "Optional[Sensitive[String[1]]]"}})
    page = plan.form()
    assert page.field("param__token")["type"] == "password"
    refused = plan.review(param__token="s3cr3t-value")
    assert "only a type that starts with Sensitive is wrapped" in refused.error("param__token")
    assert "s3cr3t-value" not in refused.text
    assert plan.sends(param__token="") == {"token": None}


def test_a_sensitive_default_is_never_shown(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"password": {"type": "Sensitive[String]", "default_value": "Sensitive('Initial-Pw')"}})
    page = plan.form()
    assert "Initial-Pw" not in page.text
    assert "Has a default (not shown: sensitive)." in page.help("param__password")
    reviewed = plan.review()
    assert "Initial-Pw" not in reviewed.text
    assert plan.run(reviewed) == {}


def test_a_top_level_sensitive_is_sent_and_never_kept(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"targets": {"type": "TargetSpec"}, "key": {"type": "Sensitive[String[1]]"}})
    assert plan.sends(param__targets="web01", param__key="k-123") == {"targets": "web01", "key": "k-123"}
    job = Job.objects.get()
    assert job.sensitive_params == ["key"] and "k-123" not in json.dumps(list(Job.objects.values()), default=str)


# 6. Secrets in JSON mode -----------------------------------------------------------------------------


def test_a_secret_typed_in_json_is_only_ever_sealed(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"targets": {"type": "TargetSpec"}, "api_key": {"type": "Sensitive[String]"}})
    json_form = plan.post("to_json")
    params = json.dumps({"targets": "web01", "api_key": "S3cr3t"})
    reviewed = plan.post("review", mode="json", params_json=params, secrets=json_form.hidden()["secrets"])
    assert "S3cr3t" not in reviewed.text
    back = Html(plan.client.post(plan.url, {"action": "edit", "submission": reviewed.sealed()}))
    assert "S3cr3t" not in back.text
    assert json.loads(back.value("params_json")) == {"targets": "web01"}
    assert "api_key" in back.by_id("launch-form") and "kept from before" in back.plain()
    again = plan.client.post(
        plan.url,
        {**back.hidden(), "environment": "production", "params_json": back.value("params_json"), "action": "review"},
    )
    assert plan.run(Html(again)) == {"targets": "web01", "api_key": "S3cr3t"}


def test_a_secret_survives_a_form_error_without_being_in_the_page(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"size": {"type": "Integer[1, 5]"}, "api_key": {"type": "Sensitive[String]"}})
    wrong = plan.review(param__size="9", param__api_key="S3cr3t")
    assert "S3cr3t" not in wrong.text
    assert "A value is kept from before" in wrong.plain()
    fixed = plan.client.post(
        plan.url, {**wrong.hidden(), "environment": "production", "param__size": "2", "action": "review"}
    )
    assert plan.run(Html(fixed)) == {"size": 2, "api_key": "S3cr3t"}


def test_a_kept_secret_can_be_let_go(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"size": {"type": "Integer[1, 5]"}, "api_key": {"type": "Optional[Sensitive[String]]"}})
    wrong = plan.review(param__size="9", param__api_key="S3cr3t")
    data = {**wrong.hidden(), "environment": "production", "param__size": "2", "action": "review", "forget": "api_key"}
    assert plan.run(Html(plan.client.post(plan.url, data))) == {"size": 2, "api_key": None}


def test_review_and_launch_pages_are_never_cached(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"note": {"type": "String"}})
    response = plan.client.post(plan.url, plan.defaults() | {"param__note": "x", "action": "review"})
    assert "no-store" in response["Cache-Control"]


# 7. Ruby regexes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["web-01", "a"])
def test_a_ruby_pattern_takes_what_ruby_takes(launch_of: Callable[..., Launcher], name: str) -> None:
    plan = launch_of({"name": {"type": "Pattern[/\\A[[:alnum:]-]+\\z/]"}})
    assert plan.sends(param__name=name) == {"name": name}


def test_an_unreadable_pattern_is_sent_unchecked_with_a_note(launch_of: Callable[..., Launcher]) -> None:
    # Ruby reads (?a) (ASCII character classes); Oniguruma does not.
    plan = launch_of({"name": {"type": "Pattern[/(?a)\\A\\w+\\z/]"}})
    page = plan.form()
    assert page.field("param__name")["type"] == "text"
    assert "pattern cannot be read here" in page.help("param__name")
    assert plan.sends(param__name="anything") == {"name": "anything"}


# 8. One item per line ---------------------------------------------------------------------------------


def test_a_line_that_looks_like_json_is_still_a_line(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"groups": {"type": "Array[String]"}, "targets": {"type": "TargetSpec"}})
    assert plan.sends(param__groups="[legacy]", param__targets="[fe80::1]") == {
        "groups": ["[legacy]"],
        "targets": "[fe80::1]",
    }


def test_a_json_array_in_a_lines_field_is_still_read_as_one(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"ports": {"type": "Array[Integer]"}})
    assert plan.sends(param__ports="[80, 443]") == {"ports": [80, 443]}
    assert plan.sends(param__ports="80\n443") == {"ports": [80, 443]}


# 9. Numbers JSON does not have --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"), [('{"ratio": NaN}', "NaN"), ("[Infinity]", "Infinity"), ("1e400", "too large")]
)
def test_numbers_json_cannot_carry_are_refused(launch_of: Callable[..., Launcher], text: str, reason: str) -> None:
    plan = launch_of({"extra": {"type": "Any"}})
    assert reason in plan.review(param__extra=text).error("param__extra")
    page = plan.post("review", mode="json", params_json=f'{{"extra": {text}}}')
    assert reason in page.error("params_json")
    assert plan.stand_in.sim.requests_to("/command/plan_run") == []


def test_a_launch_that_cannot_be_sent_still_leaves_a_job_with_the_reason(
    alice, orchestrator_settings, stand_in: StandIn
) -> None:  # type: ignore[no-untyped-def]
    launch = Launch("facts::info", "production", {"targets": float("nan")}, [], "", None, {}, {})
    job, sent = submit(alice, launch, __import__("uuid").uuid4())
    assert (sent, job.state) == (True, "not_submitted")
    assert "cannot be carried to PE" in job.error_message
    assert stand_in.sim.requests_to("/command/plan_run") == []


# 10. Nothing changes silently ------------------------------------------------------------------------------


def test_switching_environment_keeps_an_unchecked_boolean(launch_of: Callable[..., Launcher], settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    plan = launch_of(
        {"drain": {"type": "Boolean", "default_value": "true"}}, environments=("production", "development")
    )
    data = plan.defaults() | {"param__drain": "false", "environment": "development", "action": "environment"}
    page = Html(plan.client.post(plan.url, data))
    assert page.value("param__drain") == ""  # still unchecked


def test_back_to_the_form_with_an_unknown_key_keeps_the_json_and_says_why(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"targets": {"type": "TargetSpec"}, "batch_size": {"type": "Integer", "default_value": "1"}})
    text = '{"targets": "web01", "batchsize": 5}'
    page = plan.post("to_form", mode="json", params_json=text)
    assert "'batchsize' is not a parameter of mymod::plan: rename or remove it first." in page.error("params_json")
    assert page.value("params_json") == text


def test_a_json_round_trip_keeps_every_value(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of(
        {
            "targets": {"type": "TargetSpec"},
            "drain": {"type": "Boolean", "default_value": "true"},
            "mode": {"type": "Optional[Enum[init, pair]]", "default_value": "undef"},
            "labels": {"type": "Hash[String, String]", "default_value": "{}"},
        }
    )
    as_json = plan.post("to_json", param__targets="web01\nweb02", param__drain="false", param__mode="pair")
    assert json.loads(as_json.value("params_json")) == {
        "targets": ["web01", "web02"],
        "drain": False,
        "mode": "pair",
        "labels": {},
    }
    back = plan.post("to_form", mode="json", params_json=as_json.value("params_json"))
    assert (back.value("param__targets"), back.value("param__drain"), back.value("param__mode")) == (
        "web01\nweb02",
        "",
        "pair",
    )


def test_a_value_a_field_cannot_show_keeps_the_json(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"drain": {"type": "Boolean", "default_value": "true"}})
    page = plan.post("to_form", mode="json", params_json='{"drain": "yes"}')
    assert "drain: the String 'yes' cannot be shown in its field without changing it" in page.error("params_json")


def test_review_names_the_parameters_pe_fills_from_defaults(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of(
        {
            "size": {"type": "Integer", "default_value": "3"},
            "fmt": {"type": "String", "default_value": "$facts['fmt']"},
        }
    )
    reviewed = plan.review(param__size="")
    text = reviewed.plain()
    assert "No parameters." not in text
    assert "Filled in by PE from the plan's defaults" in text
    assert "size : 3" in text and "fmt : worked out by PE: $facts['fmt']" in text


# 11. YAML plans --------------------------------------------------------------------------------------------


def test_a_yaml_plans_string_default_is_prefilled(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of(
        {
            "greeting": {"type": "String", "default_value": "hello world"},
            "count": {"type": "Integer", "default_value": 3},
        }
    )
    page = plan.form()
    assert (page.value("param__greeting"), page.value("param__count")) == ("hello world", "3")
    assert plan.sends() == {"greeting": "hello world", "count": 3}


# 12. Found by the signature corpus (signature_corpus.py) ---------------------------------------------


def test_a_variant_with_an_object_type_is_typed_as_its_other_member(launch_of: Callable[..., Launcher]) -> None:
    # peadm's SingleTargetSpec: PE never passes a Target, so what is typed is the Pattern.
    plan = launch_of({"primary_host": {"type": r"Variant[Pattern[/\A[^[:space:],]+\z/], Target]"}})
    assert plan.form().field("param__primary_host")["type"] == "text"
    assert plan.sends(param__primary_host="pe01.example.com") == {"primary_host": "pe01.example.com"}
    assert "must match" in plan.review(param__primary_host="pe01, pe02").error("param__primary_host")


@pytest.mark.parametrize(
    ("type_text", "typed"),
    [
        ("Sensitive[Integer]", "TopSecret1"),
        ("Sensitive[Boolean]", "TopSecret1"),
        ("Sensitive[Array]", '"TopSecret1"'),
    ],
)
def test_a_secret_is_never_quoted_back_in_a_message(
    launch_of: Callable[..., Launcher], type_text: str, typed: str
) -> None:
    plan = launch_of({"pin": {"type": type_text}})
    page = plan.review(param__pin=typed)
    assert page.error("param__pin").startswith("This parameter expects")
    assert "TopSecret1" not in page.text


def test_a_secret_typed_in_json_is_not_shown_again_when_the_json_is_wrong(
    launch_of: Callable[..., Launcher],
) -> None:
    plan = launch_of({"size": {"type": "Integer[1, 5]"}, "api_key": {"type": "Sensitive[String]"}})
    wrong = plan.post("review", mode="json", params_json='{"size": 9, "api_key": "TopSecret1"}')
    assert "size: The" not in wrong.error("params_json") and "must be between 1 and 5" in wrong.error("params_json")
    assert "TopSecret1" not in wrong.text
    assert json.loads(wrong.value("params_json")) == {"size": 9}
    fixed = plan.client.post(
        plan.url,
        {**wrong.hidden(), "environment": "production", "params_json": '{"size": 2}', "action": "review"},
    )
    assert plan.run(Html(fixed)) == {"size": 2, "api_key": "TopSecret1"}


def test_a_wrong_secret_in_json_is_named_not_quoted(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"pin": {"type": "Sensitive[Integer]"}})
    page = plan.post("review", mode="json", params_json='{"pin": "TopSecret1"}')
    assert page.error("params_json") == "pin: This parameter expects a whole number (Integer)."
    assert "TopSecret1" not in page.text


def test_a_nested_sensitive_is_typed_as_what_it_holds_and_refused_for_the_real_reason(
    launch_of: Callable[..., Launcher],
) -> None:
    plan = launch_of({"creds": {"type": "Optional[Struct[{user => String[1], password => Sensitive[String[1]]}]]"}})
    page = plan.review(param__creds='{"user": "ci", "password": "TopSecret1"}')
    assert page.error("param__creds").startswith("The key password expects a Sensitive value")
    assert "TopSecret1" not in page.text
    assert plan.sends(param__creds="") == {"creds": None}


def test_a_variant_that_also_takes_a_plain_value_says_so_and_sends_it(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"password": {"type": "Variant[String[1], Sensitive[String[1]]]"}})
    page = plan.form()
    assert page.field("param__password")["type"] == "password"
    assert "only a value its type takes without Sensitive works" in page.help("param__password")
    assert plan.sends(param__password="Plain-Pw-1") == {"password": "Plain-Pw-1"}


def test_an_untouched_default_is_sent_as_it_is_not_as_its_text_reads(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of(
        {
            "port": {"type": "Variant[Integer, String]", "default_value": "'8140'"},
            "ports": {"type": "Array[Variant[Integer, String]]", "default_value": "['80', 'http']"},
            "reboot": {"type": "Variant[Boolean, String]", "default_value": "'true'"},
        }
    )
    assert plan.sends() == {"port": "8140", "ports": ["80", "http"], "reboot": "true"}
    assert plan.sends(param__port="8141", param__reboot="false") == {
        "port": 8141,
        "ports": ["80", "http"],
        "reboot": False,
    }


def test_a_secret_in_json_carried_to_another_environment_is_sealed_not_shown(
    launch_of: Callable[..., Launcher], settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    parameters = {"targets": {"type": "TargetSpec"}, "api_key": {"type": "Sensitive[String]"}}
    plan = launch_of(parameters, environments=("production", "development"))
    params = '{"targets": "web01", "api_key": "TopSecret1"}'
    data = plan.defaults() | {"mode": "json", "params_json": params, "environment": "development"}
    page = Html(plan.client.post(plan.url, data | {"action": "environment"}))
    assert "TopSecret1" not in page.text
    assert json.loads(page.value("params_json")) == {"targets": "web01"}
    again = {
        **page.hidden(),
        "environment": "development",
        "params_json": page.value("params_json"),
        "action": "review",
    }
    assert plan.run(Html(plan.client.post(plan.url, again))) == {"targets": "web01", "api_key": "TopSecret1"}


def test_a_secret_in_json_that_cannot_be_read_is_hidden_and_asked_for_again(
    launch_of: Callable[..., Launcher],
) -> None:
    plan = launch_of({"targets": {"type": "TargetSpec"}, "api_key": {"type": "Sensitive[String]"}})
    page = plan.post("review", mode="json", params_json='{"targets": "web01", "api_key": "TopSecret1",}')
    assert "TopSecret1" not in page.text
    assert "The value given for api_key is not shown again (sensitive): type it again." in page.error("params_json")
    assert page.value("params_json") == '{"targets": "web01", "api_key": null,}'


def test_a_default_that_does_not_fit_its_type_needs_a_value(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of(
        {
            "platform": {"type": "String", "default_value": "undef"},
            "password": {"type": "Sensitive[String]", "default_value": "'changeme'"},
        }
    )
    assert "does not fit its type" in plan.form().help("param__platform")
    reviewed = plan.review()
    assert reviewed.error("param__platform") == reviewed.error("param__password") == "This parameter is required."
    assert plan.sends(param__platform="el9", param__password="S3cret") == {"platform": "el9", "password": "S3cret"}


# -- found by trying it as a new user ----------------------------------------------------------------


def test_back_to_the_form_shows_the_default_a_checkbox_or_select_cannot_leave_out(
    launch_of: Callable[..., Launcher],
) -> None:
    plan = launch_of(
        {
            "targets": {"type": "TargetSpec"},
            "drain": {"type": "Boolean", "default_value": "true"},
            "ensure": {"type": "Enum['running', 'stopped']", "default_value": "'running'"},
        }
    )
    page = plan.post("to_form", mode="json", params_json='{"targets": "web01"}')
    assert (page.value("param__drain"), page.value("param__ensure")) == ("checked", "running")
    assert "drain was not in the JSON: the form shows the plan's default, true, which is sent." in page.plain()
    assert plan.run(plan.post("review", **_fields(page))) == {"targets": "web01", "drain": True, "ensure": "running"}


def _fields(page: Html) -> dict[str, str]:
    data = {}
    for tag in page.soup.select("form.launch [name]"):
        name = str(tag["name"])
        if tag.name == "button" or name == "csrfmiddlewaretoken":
            continue
        if tag.get("type") == "checkbox":
            if tag.has_attr("checked"):
                data[name] = "true"
        elif tag.get("type") == "hidden":
            data.setdefault(name, str(tag.get("value", "")))
        else:
            data[name] = page.value(name)
    return data


def test_reviewing_after_choosing_another_environment_shows_that_environments_form_first(
    launch_of: Callable[..., Launcher], settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    plan = launch_of(
        {"dry_run": {"type": "Boolean", "default_value": "true"}}, environments=("production", "development")
    )
    page = plan.post("review", environment="development")  # picked, not loaded, then Enter
    assert page.soup.find("input", attrs={"name": "submission"}) is None  # not reviewed as it was
    assert "You chose development: its version of mymod::plan is shown." in page.plain()
    assert page.value("param__dry_run") == "checked"
    assert plan.stand_in.sim.requests_to("/command/plan_run") == []


def test_a_secret_in_json_stays_sealed_when_the_other_environment_lacks_the_parameter(
    pe_with: Callable[..., StandIn], as_admin: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    stand_in = pe_with(
        {PLAN: {"parameters": {"targets": {"type": "TargetSpec"}, "api_key": {"type": "Sensitive[String]"}}}}
    )
    stand_in.sim.catalogue["development"] = {}
    from orchestrator_web.simulator.state import load_catalogue

    stand_in.sim.catalogue.update(
        load_catalogue(
            {"environments": {"development": {"plans": {PLAN: {"parameters": {"targets": {"type": "TargetSpec"}}}}}}}
        )
    )
    plan = Launcher(as_admin, stand_in, PLAN)
    page = plan.post(
        "environment",
        environment="development",
        mode="json",
        params_json='{"targets": ["a"], "api_key": "Sx-JSONENV-1"}',
    )
    assert "Sx-JSONENV-1" not in page.text
    assert "api_key is not a parameter of mymod::plan here; its sensitive value was let go." in page.plain()


def test_a_secret_left_empty_is_sent_as_null_and_not_masked(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"token": {"type": "Optional[Sensitive[String[1]]]"}})
    reviewed = plan.review()
    assert "null (not set)" in reviewed.plain() and "********" not in reviewed.plain()
    assert plan.run(reviewed) == {"token": None}
    assert Job.objects.get().sensitive_params == []


def test_a_missing_plan_stays_missing_while_the_failure_is_remembered(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({})
    for _ in range(2):
        response = plan.client.get("/plans/no::such_plan/")
        assert response.status_code == 404
        assert "There is no plan no::such_plan in the production environment." in Html(response).plain()


@pytest.mark.parametrize(
    "typed", ["{'api_key': 'S3cr3t-q'}", "api_key: S3cr3t-q", '{"api_keyy": "S3cr3t-q"}', '{"api_key": S3cr3t-q}']
)
def test_a_secret_in_json_that_cannot_be_read_is_never_shown_again(
    launch_of: Callable[..., Launcher], typed: str
) -> None:
    plan = launch_of({"api_key": {"type": "Sensitive[String]"}})
    page = plan.post("review", mode="json", params_json=typed)
    assert "S3cr3t-q" not in page.text
    assert page.error("params_json")


def test_a_line_break_a_one_line_field_cannot_hold_keeps_the_json(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"node_name": {"type": "String"}})
    page = plan.post("to_form", mode="json", params_json='{"node_name": "n\\nx"}')
    assert "cannot be shown in its field without changing it" in page.error("params_json")


@pytest.mark.parametrize(
    ("text", "message"), [('{"a": 1, "a": 2}', 'The key "a" appears twice'), ("1e-400", "too small")]
)
def test_json_that_would_change_on_the_way_is_refused(
    launch_of: Callable[..., Launcher], text: str, message: str
) -> None:
    plan = launch_of({"extra": {"type": "Any"}})
    assert message in plan.review(param__extra=text).error("param__extra")


def test_a_string_is_sent_with_its_spaces(launch_of: Callable[..., Launcher]) -> None:
    plan = launch_of({"notify": {"type": "String"}})
    assert plan.sends(param__notify="  #ops  ") == {"notify": "  #ops  "}


def test_a_nested_sensitive_that_takes_plain_text_warns_that_pe_keeps_it_plain(
    launch_of: Callable[..., Launcher],
) -> None:
    plan = launch_of({"either": {"type": "Variant[String, Sensitive[String]]"}})
    assert "PE keeps it in plain text in its job record" in plan.form().help("param__either")
