"""Puppet's types and call rules (orchestrator-api.md 6.1): parsing as PE reports types,
aliases, Ruby regexes, checking values with paths, defaults, and what a plan call sends."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestrator_web.pe import puppet_types as pt

STDLIB_CASES = json.loads((Path(__file__).parent / "stdlib_alias_cases.json").read_text())


def ok(type_text: str, value: Any) -> None:
    pt.parse_type(type_text).check(value)


def refused(type_text: str, value: Any) -> str:
    with pytest.raises(pt.TypeMismatch) as caught:
        pt.parse_type(type_text).check(value)
    return str(caught.value)


def parameter(type_text: str, default: Any = None, *, has_default: bool = False, **kwargs: Any) -> pt.PlanParameter:
    return pt.plan_parameter("p", type_text, default, has_default=has_default, registry=pt.SHIPPED, **kwargs)


# -- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("String", pt.StringType()),
        ("String[1, 253]", pt.StringType(1, 253)),
        ("Integer[default, 10]", pt.IntegerType(-math.inf, 10)),
        ("Integer[-5]", pt.IntegerType(-5)),
        ("Integer[0x10, 0777]", pt.IntegerType(16, 511)),
        ("Float[0.0, 100.0]", pt.FloatType(0.0, 100.0)),
        ("Numeric", pt.FloatType(numeric=True)),
        ("Enum['graceful', 'hard']", pt.EnumType(("graceful", "hard"))),
        ("Enum[init, pair]", pt.EnumType(("init", "pair"))),
        ('Enum["a", b, true]', pt.EnumType(("a", "b"), case_insensitive=True)),
        ("Optional['x']", pt.OptionalType(pt.EnumType(("x",)))),
        ("Sensitive[String[12]]", pt.SensitiveType(pt.StringType(12))),
        ("Array[Integer, 1, 3]", pt.ArrayType(pt.IntegerType(), 1, 3)),
        ("Tuple[String, Integer[1, 100]]", pt.TupleType((pt.StringType(), pt.IntegerType(1, 100)), 2, 2)),
        ("TargetSpec", pt.TargetSpecType()),
        ("BoltLib::TargetSpec", pt.TargetSpecType()),  # Puppet ignores case in type names
        ("STRING[1]", pt.StringType(1)),
        ("  Optional[ Array[ String ] ]  ", pt.OptionalType(pt.ArrayType(pt.StringType()))),
        ("Array[String,]", pt.ArrayType(pt.StringType())),
    ],
)
def test_it_parses_the_types_plans_use(text: str, expected: pt.PType) -> None:
    assert pt.parse_type(text) == expected


def test_it_reads_multi_line_types_with_comments_as_modules_write_them() -> None:
    t = pt.parse_type(
        """Struct[{
          host            => Stdlib::Host,   # where to connect
          Optional[port]  => Stdlib::Port,
          'mode'          => Optional[Enum[fast, safe]],
          NotUndef[token] => Any,
        }]"""
    )
    assert isinstance(t, pt.StructType)
    assert [(key, optional) for key, _, optional in t.fields] == [
        ("host", False),
        ("port", True),
        ("mode", True),
        ("token", False),
    ]


@pytest.mark.parametrize(
    "text", ["", "string", "Integer[", "Integer[1, 2, 3]", "Integer[5, 1]", "Enum[]", "Array[1]", "Stdlib::Port[1]"]
)
def test_malformed_type_strings_are_syntax_errors(text: str) -> None:
    with pytest.raises(pt.TypeSyntaxError):
        pt.parse_type(text)


@pytest.mark.parametrize(
    "text",
    [
        "String[1, 253]",
        "Enum['graceful', 'hard']",
        "Optional[Array[String[1], 1, 3]]",
        "Variant[Integer[1, 365], Enum['forever']]",
        "Tuple[String, Integer[1, 100]]",
        "Stdlib::Port",
    ],
)
def test_types_print_back_as_puppet_spells_them(text: str) -> None:
    assert str(pt.parse_type(text)) == text


# -- aliases --------------------------------------------------------------------------------


@pytest.mark.parametrize(("alias", "cases"), sorted(STDLIB_CASES.items()))
def test_every_stdlib_alias_takes_and_refuses_what_stdlib_means(alias: str, cases: dict[str, list[Any]]) -> None:
    t = pt.parse_type(alias)
    assert not isinstance(t.resolve(), pt.UnresolvedType)
    for value in cases["valid"]:
        assert t.fits(value), f"{alias} should take {value!r}"
    for value in cases["invalid"]:
        assert not t.fits(value), f"{alias} should refuse {value!r}"


def test_aliases_resolve_whatever_their_case() -> None:
    assert pt.parse_type("STDLIB::ABSOLUTEPATH").fits("/opt/data")
    assert pt.parse_type("Stdlib::AbsolutePath").fits("/opt/data")
    assert "expects Stdlib::Windowspath or Stdlib::Unixpath" in refused("Stdlib::Absolutepath", "relative/path")


def test_recursive_aliases_check_nested_values() -> None:
    ok("Data", {"a": [1, None, {"b": 2.5}]})
    assert refused("Array[ScalarData]", [None]).startswith("[0]: ")


def test_an_alias_nobody_defined_lets_pe_check() -> None:
    t = pt.parse_type("Mymod::Version")
    assert isinstance(t, pt.UnresolvedType)
    ok("Mymod::Version", "anything")
    ok("Array[Mymod::Version]", [{"even": "this"}])


def test_an_administrators_alias_is_used_and_may_refer_to_others() -> None:
    registry = pt.Registry(
        {"Mymod::Version": "Pattern[/^\\d+\\.\\d+$/]", "Mymod::Versions": "Array[Mymod::Version, 1]"}, parent=pt.SHIPPED
    )
    t = registry.parse("Mymod::Versions")
    assert t.fits(["1.2"])
    with pytest.raises(pt.TypeMismatch) as caught:
        t.check(["1.2", "one"])
    assert caught.value.path == "[1]"


def test_an_alias_that_is_only_itself_is_unresolved_not_a_loop() -> None:
    registry = pt.Registry({"A::B": "A::C", "A::C": "A::B"})
    assert isinstance(registry.parse("A::B").resolve(), pt.UnresolvedType)


def test_registry_problems_name_undefined_types_and_unreadable_regexes() -> None:
    assert pt.SHIPPED.problems("Array[Nope::Thing]") == ["uses Nope::Thing, which is not defined"]
    assert pt.SHIPPED.problems("Pattern[/(/]") == ["has a regex that cannot be read: /(/"]
    assert pt.SHIPPED.problems("Integer[") and pt.SHIPPED.problems("Stdlib::Port") == []


# -- Ruby regexes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regex", "value", "fits"),
    [
        (r"\A[[:alnum:]-]+\z", "web-01", True),  # Python's re cannot read POSIX brackets
        (r"\A[[:alnum:]-]+\z", "a", True),
        (r"\A[[:alnum:]-]+\z", "web 01", False),
        (r"\A[[:alpha:]]+\z", "é", True),  # POSIX brackets are Unicode in Ruby
        (r"\A\d+\z", "١٢", False),  # \d is ASCII in Ruby
        (r"\A\h+\z", "c0ffee", True),  # \h is a hex digit in Ruby
        (r"^v\d+$", "notes\nv2", True),  # ^ and $ match at any line in Ruby
        (r"\Av\d+\z", "notes\nv2", False),
        (r"(?<major>\d+)\.\d+", "v10.2", True),  # found anywhere, as Ruby's =~
        (r"\Aab\Z", "ab\n", True),
    ],
)
def test_patterns_are_ruby_regexes(regex: str, value: str, fits: bool) -> None:
    assert pt.parse_type(f"Pattern[/{regex}/]").fits(value) is fits


def test_a_regex_that_cannot_be_read_lets_pe_check_strings() -> None:
    t = pt.parse_type("Pattern[/(?<unclosed/]")
    assert isinstance(t, pt.PatternType) and not t.readable
    ok("Pattern[/(?<unclosed/]", "anything")
    assert "expects a String" in refused("Pattern[/(?<unclosed/]", 5)


# -- checking values ------------------------------------------------------------------------


def test_strings_count_characters() -> None:
    ok("String[2, 4]", "abc")
    assert "needs 2 to 4 characters" in refused("String[2, 4]", "a")
    assert "expects a String, got the Integer 5" in refused("String", 5)


def test_integers_are_whole_numbers_in_range() -> None:
    ok("Integer[1, 10]", 10)
    assert "between 1 and 10" in refused("Integer[1, 10]", 11)
    assert "whole number" in refused("Integer", 1.5)
    assert "whole number" in refused("Integer", True)
    ok("Integer", 2**64)  # Puppet 7 takes integers beyond 64 bits in a plan call


def test_floats_want_decimals_and_numeric_takes_both() -> None:
    ok("Float[0.0, 100.0]", 10.5)
    assert "decimal" in refused("Float", 5)  # a JSON integer is not a Float in Puppet
    ok("Numeric", 5)
    assert "at most 1.0" in refused("Float[default, 1.0]", 2.0)


def test_enums_take_their_values_only() -> None:
    ok("Enum['a', 'b']", "b")
    assert "one of 'a', 'b'" in refused("Enum['a', 'b']", "c")
    ok("Enum[a, b, true]", "B")


def test_optional_takes_null_and_others_do_not() -> None:
    ok("Optional[Integer]", None)
    assert "got nothing" in refused("Integer", None)


def test_nested_values_are_refused_with_their_path() -> None:
    assert refused("Array[Integer]", [1, "two"]).startswith("[1]: ")
    assert refused("Hash[String, Integer]", {"a": 1, "b": "x"}).startswith("b: expects a whole number")
    struct = "Struct[{config => Struct[{port => Stdlib::Port}]}]"
    assert refused(struct, {"config": {"port": 70000}}).startswith("config.port: must match") or refused(
        struct, {"config": {"port": 70000}}
    ).startswith("config.port: must be")
    assert refused("Hash[String, Integer]", {"team name": "x"}).startswith("['team name']: ")


def test_structs_require_keys_unless_their_type_takes_undef() -> None:
    t = "Struct[{timeout => Integer[1, 30], attempts => Optional[Integer[1, 5]]}]"
    ok(t, {"timeout": 2})
    assert "needs the key 'timeout'" in refused(t, {"attempts": 1})
    assert "has no key 'retries'" in refused(t, {"timeout": 2, "retries": 1})


def test_a_variant_explains_with_the_member_that_takes_that_kind_of_value() -> None:
    t = "Variant[Integer[1, 365], Enum['forever']]"
    ok(t, 30)
    ok(t, "forever")
    assert "between 1 and 365" in refused(t, 400)
    assert "one of 'forever'" in refused(t, "never")
    assert "expects Integer[1, 365] or Enum['forever']" in refused(t, [1])


def test_target_specs_take_names_lists_and_nested_lists() -> None:
    ok("TargetSpec", "web01,web02")
    ok("TargetSpec", ["web01", ["web02"]])
    ok("TargetSpec", [])  # Array[Boltlib::TargetSpec] has no minimum size
    assert "empty String" in refused("TargetSpec", "")
    assert "target name" in refused("TargetSpec", 5)


def test_object_types_never_take_plain_json() -> None:
    assert "PE cannot pass" in refused("Target", "web01")
    assert "PE cannot pass" in refused("Timespan", "1h")
    ok("Optional[Target]", None)


def test_a_nested_sensitive_never_takes_a_plain_value() -> None:
    assert "only a type that starts with Sensitive is wrapped" in refused("Optional[Sensitive[String]]", "s3cret")
    ok("Optional[Sensitive[String]]", None)
    ok("Variant[Sensitive[String], String]", "plain is fine here")
    ok("Array[Sensitive[String]]", [])


# -- generated values -------------------------------------------------------------------


@given(st.integers(), st.integers(), st.integers())
def test_integer_ranges_accept_exactly_what_lies_between(low: int, high: int, value: int) -> None:
    low, high = min(low, high), max(low, high)
    inside = low <= value <= high
    assert pt.parse_type(f"Integer[{low}, {high}]").fits(value) is inside


@given(st.text(max_size=30), st.integers(0, 10), st.integers(0, 10))
def test_string_bounds_count_characters(value: str, low: int, extra: int) -> None:
    assert pt.parse_type(f"String[{low}, {low + extra}]").fits(value) is (low <= len(value) <= low + extra)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_any_value_either_fits_or_gets_a_message(value: Any) -> None:
    for text in (
        "Array[Integer[0, 5], 1, 3]",
        "Hash[String, Variant[String, Boolean]]",
        "Optional[Struct[{a => Integer}]]",
    ):
        t = pt.parse_type(text)
        if not t.fits(value):
            with pytest.raises(pt.TypeMismatch, match=r"\w"):
                t.check(value)


@given(
    st.lists(
        st.sampled_from(["String", "Integer[1, 5]", "Boolean", "Array[String]", "Optional[Float]"]),
        min_size=1,
        max_size=4,
    )
)
def test_generated_variants_print_back_and_parse_to_the_same_type(members: list[str]) -> None:
    t = pt.parse_type(f"Variant[{', '.join(members)}]")
    assert pt.parse_type(str(t)) == t


# -- JSON a plan can receive ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"ratio": NaN}', "NaN is not a number JSON can carry"),
        ("[Infinity]", "Infinity is not a number JSON can carry"),
        ("1e400", "too large"),
        ("1" * 5000, "more than this app reads"),
        ("[" * 20_000 + "]" * 20_000, "nested too deeply"),
        ("[" * 70 + "]" * 70, "nested too deeply"),
        ('{"a": 1,}', "not valid JSON"),
        ('"nul \\u0000"', "cannot carry"),
        ('"\\ud800"', "cannot carry"),
    ],
)
def test_json_a_plan_cannot_receive_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(pt.JSONProblem) as caught:
        pt.read_json(text)
    assert message in str(caught.value)


def test_plain_json_reads_as_itself() -> None:
    assert pt.read_json('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


# -- defaults -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("'graceful'", "graceful"),
        ('"plain\\tescape"', "plain\tescape"),
        ("'it\\'s'", "it's"),
        ("-3", -3),
        ("0755", 493),
        ("10.0", 10.0),
        ("false", False),
        ("['a', 'b',]", ["a", "b"]),
        ("{timeout => 2, 'mode' => 'fast'}", {"timeout": 2, "mode": "fast"}),
        ("forever", "forever"),
        ("hello world", "hello world"),  # a YAML plan's string: not Puppet source
        ("/var/tmp", "/var/tmp"),
        ("10.0.0.1", "10.0.0.1"),
        (5, 5),  # a YAML plan's number
        (["a"], ["a"]),
    ],
)
def test_literal_defaults_are_read(raw: Any, value: Any) -> None:
    default = pt.read_default(raw)
    assert default.kind is pt.DefaultKind.LITERAL
    assert default.value == value


@pytest.mark.parametrize(
    "raw",
    [
        "$facts['fqdn']",
        '"${name}.example"',
        "lookup('x')",
        "$format ? { 'json' => false, default => true }",
        "mymod::is_windows()",
        "Sensitive('Initial-Pw')",
        "1 + 2",
        "$a and $b",
    ],
)
def test_expressions_are_computed_by_pe(raw: str) -> None:
    assert pt.read_default(raw).kind is pt.DefaultKind.COMPUTED


def test_undef_is_its_own_kind_of_default() -> None:
    assert pt.read_default("undef").kind is pt.DefaultKind.UNDEF
    assert pt.read_default(None, present=False).kind is pt.DefaultKind.NONE


# -- the rules of a plan call -----------------------------------------------------------------


def test_a_parameter_is_optional_only_when_it_has_a_default() -> None:
    assert parameter("Optional[String]").required is False  # empty: sent as null
    assert parameter("Optional[String]").when_empty() is None
    assert parameter("Optional[String]", "'x'", has_default=True).when_empty() is pt.OMIT
    assert parameter("String").required is True
    assert parameter("Stdlib::Absolutepath").required is True
    assert parameter("Mymod::Unknown").required is True  # unknown: ask for a value
    with pytest.raises(pt.Required):
        parameter("String").when_empty()


def test_only_a_top_level_sensitive_is_wrapped_but_every_one_is_secret() -> None:
    top = parameter("Sensitive[String[1]]")
    assert (top.wrapped, top.secret) == (True, True)
    top.check("s3cret")
    nested = parameter("Optional[Sensitive[String[1]]]")
    assert (nested.wrapped, nested.secret, nested.required) == (False, True, False)
    with pytest.raises(pt.TypeMismatch):
        nested.check("s3cret")
    via_array = parameter("Array[Sensitive[String]]")
    assert via_array.secret and not via_array.wrapped


def test_a_wrapped_sensitive_checks_only_the_general_form_of_its_type() -> None:
    # Puppet keeps only the general form of what Sensitive holds: String[12] becomes String.
    parameter("Sensitive[String[12]]").check("short")
    parameter("Sensitive[Enum['ab', 'abc']]").check("xyz")
    with pytest.raises(pt.TypeMismatch):
        parameter("Sensitive[Integer[1, 5]]").check("five")
    parameter("Sensitive[Integer[1, 5]]").check(99)


def test_a_call_sends_null_leaves_out_defaults_and_names_every_problem() -> None:
    parameters = {
        "note": pt.plan_parameter("note", "Optional[String]", registry=pt.SHIPPED),
        "size": pt.plan_parameter("size", "Integer", "1", has_default=True, registry=pt.SHIPPED),
        "path": pt.plan_parameter("path", "Stdlib::Absolutepath", registry=pt.SHIPPED),
    }
    call = pt.plan_call("mod::plan", parameters, {"path": "/opt/data"})
    assert (call.params, call.problems, call.defaulted) == ({"note": None, "path": "/opt/data"}, {}, ["size"])
    call = pt.plan_call("mod::plan", parameters, {"path": "relative/path", "sise": 2})
    assert set(call.problems) == {"path", "sise"}
    assert call.problems["path"].startswith("This parameter expects Stdlib::Windowspath or Stdlib::Unixpath")
    assert "has no parameter 'sise'" in call.problems["sise"]
    assert pt.plan_call("mod::plan", parameters, {}).problems == {"path": "This parameter is required."}


def test_a_call_never_quotes_a_secrets_value_in_its_problems() -> None:
    parameters = {
        "pin": pt.plan_parameter("pin", "Sensitive[Integer]", registry=pt.SHIPPED),
        "creds": pt.plan_parameter(
            "creds", "Optional[Struct[{user => String, pw => Sensitive[String]}]]", registry=pt.SHIPPED
        ),
        "plain": pt.plan_parameter("plain", "Integer", registry=pt.SHIPPED),
    }
    call = pt.plan_call("mod::plan", parameters, {"pin": "S3cret-1", "creds": "S3cret-2", "plain": "x"})
    assert call.problems["pin"] == "This parameter expects a whole number (Integer)."
    assert call.problems["creds"] == "This parameter expects a Hash (a JSON object) with the keys user, pw."
    assert call.problems["plain"] == "This parameter expects a whole number (Integer), got the String 'x'."
    assert "S3cret" not in json.dumps(call.problems)


def test_a_yaml_plans_string_default_is_told_from_puppet_source_by_the_type() -> None:
    # PE gives `7` for both `Integer $x = 7` and a YAML plan's `default: "7"`: the type decides.
    assert parameter("String", "7", has_default=True).default.value == "7"
    assert parameter("Optional[String]", "true", has_default=True).default.value == "true"
    assert parameter("Integer", "7", has_default=True).default.value == 7
    assert parameter("Boolean", "true", has_default=True).default.value is True
    assert parameter("Variant[Integer, String]", "7", has_default=True).default.value == 7  # both fit: Puppet's


def test_a_default_that_does_not_fit_its_type_does_not_make_a_parameter_optional() -> None:
    # Puppet evaluates the defaults of a plan call, then checks every argument against its type.
    assert parameter("String", "undef", has_default=True).required
    assert parameter("Sensitive[String]", "'changeme'", has_default=True).required  # a default is never wrapped
    assert parameter("Float", "5", has_default=True).required
    with pytest.raises(pt.Required):
        parameter("String", "undef", has_default=True).when_empty()
    assert not parameter("Sensitive[String]", "Sensitive('x')", has_default=True).required  # PE works it out
    assert not parameter("Optional[String]", "undef", has_default=True).required
    assert not parameter("Mymod::Unknown", "undef", has_default=True).required  # PE checks it
