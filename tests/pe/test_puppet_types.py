"""Parsing Puppet type strings, checking values against them, reading default values."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestrator_web.pe import puppet_types as pt


def ok(type_text: str, value: Any) -> Any:
    return pt.check(pt.parse_type(type_text), value)


def refused(type_text: str, value: Any) -> str:
    with pytest.raises(pt.TypeMismatch) as caught:
        pt.check(pt.parse_type(type_text), value)
    return str(caught.value)


# -- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("String", pt.String()),
        ("String[1]", pt.String(1)),
        ("String[1, 253]", pt.String(1, 253)),
        ("Integer", pt.Integer()),
        ("Integer[1, 10]", pt.Integer(1, 10)),
        ("Integer[default, 10]", pt.Integer(-math.inf, 10)),
        ("Integer[-5]", pt.Integer(-5)),
        ("Float[0.0, 100.0]", pt.Float(0.0, 100.0)),
        ("Numeric", pt.Float(numeric=True)),
        ("Boolean", pt.Boolean()),
        ("Enum['graceful', 'hard']", pt.Enum(("graceful", "hard"))),
        ('Enum["a", b]', pt.Enum(("a", "b"))),
        ("Optional[String]", pt.Optional(pt.String())),
        ("Sensitive[String[12]]", pt.Sensitive(pt.String(12))),
        ("Array", pt.Array()),
        ("Array[String[1], 1]", pt.Array(pt.String(1), 1)),
        ("Array[Integer, 1, 3]", pt.Array(pt.Integer(), 1, 3)),
        ("Hash[String, Integer]", pt.Hash(pt.String(), pt.Integer())),
        ("Tuple[String, Integer[1, 100]]", pt.Tuple((pt.String(), pt.Integer(1, 100)), 2, 2)),
        ("Variant[Integer[1, 365], Enum['forever']]", pt.Variant((pt.Integer(1, 365), pt.Enum(("forever",))))),
        ("TargetSpec", pt.TargetSpec()),
        ("Boltlib::TargetSpec", pt.TargetSpec()),
        ("Any", pt.Any_()),
        ("Data", pt.Any_()),
        ("  Optional[ Array[ String ] ]  ", pt.Optional(pt.Array(pt.String()))),
    ],
)
def test_it_parses_the_types_plans_use(text: str, expected: pt.PType) -> None:
    assert pt.parse_type(text) == expected


def test_it_parses_structs_with_optional_keys() -> None:
    t = pt.parse_type(
        "Struct[{timeout => Integer[1, 30], Optional['attempts'] => Integer, 'mode' => Optional[String]}]"
    )
    assert t == pt.Struct(
        (
            ("timeout", pt.Integer(1, 30), False),
            ("attempts", pt.Integer(), True),
            ("mode", pt.Optional(pt.String()), True),
        )
    )


def test_it_parses_patterns_into_regexes() -> None:
    t = pt.parse_type(r"Pattern[/^v\d+\.\d+\.\d+$/, /^latest$/]")
    assert isinstance(t, pt.Pattern)
    assert t.sources == (r"^v\d+\.\d+\.\d+$", "^latest$")


def test_unknown_types_and_aliases_become_unknown() -> None:
    assert pt.parse_type("Stdlib::Port") == pt.Unknown("Stdlib::Port")
    assert pt.parse_type("Timespan[1, 2]") == pt.Unknown("Timespan[1, 2]")


@pytest.mark.parametrize(
    "text", ["", "string", "Integer[", "Integer[1, 2, 3]", "Integer[5, 1]", "Enum[]", "Array[1]", "Pattern[/(/]"]
)
def test_malformed_type_strings_are_syntax_errors(text: str) -> None:
    with pytest.raises(pt.TypeSyntaxError):
        pt.parse_type(text)


def test_a_malformed_type_string_can_fall_back_to_unknown() -> None:
    assert pt.parse_type_or_unknown("Integer[") == pt.Unknown("Integer[")


@pytest.mark.parametrize(
    "text",
    [
        "String[1, 253]",
        "Integer[1, 10]",
        "Enum['graceful', 'hard']",
        "Optional[Array[String[1], 1, 3]]",
        "Hash[String, Integer]",
        "Variant[Integer[1, 365], Enum['forever']]",
        "Sensitive[String]",
        "Tuple[String, Integer[1, 100]]",
    ],
)
def test_types_print_back_as_puppet_spells_them(text: str) -> None:
    assert str(pt.parse_type(text)) == text


# -- checking values --------------------------------------------------------------------


def test_strings_are_checked_for_length() -> None:
    assert ok("String[2, 4]", "abc") == "abc"
    assert "needs 2 to 4 characters" in refused("String[2, 4]", "a")
    assert "expects a String" in refused("String", 5)


def test_patterns_search_like_puppet() -> None:
    assert ok("Pattern[/\\d+/]", "build-42") == "build-42"
    assert "must match /^v\\d+/" in refused("Pattern[/^v\\d+/]", "1.0")


def test_integers_are_whole_numbers_in_range() -> None:
    assert ok("Integer[1, 10]", 10) == 10
    assert "between 1 and 10, got 11" in refused("Integer[1, 10]", 11)
    assert "whole number" in refused("Integer", 1.5)
    assert "whole number" in refused("Integer", True)


def test_floats_want_decimals_and_numeric_takes_both() -> None:
    assert ok("Float[0.0, 100.0]", 10.5) == 10.5
    assert "decimal" in refused("Float", 5)
    assert ok("Numeric", 5) == 5
    assert "at most 1.0" in refused("Float[default, 1.0]", 2.0)


def test_booleans_are_booleans_only() -> None:
    assert ok("Boolean", False) is False
    assert "true or false" in refused("Boolean", "false")


def test_enums_take_their_values_only() -> None:
    assert ok("Enum['a', 'b']", "b") == "b"
    assert "one of 'a', 'b'" in refused("Enum['a', 'b']", "c")


def test_optional_takes_null() -> None:
    assert ok("Optional[Integer]", None) is None
    assert "expects Integer, got nothing" in refused("Integer", None)


def test_arrays_check_size_and_each_item_with_its_path() -> None:
    assert ok("Array[String[1], 1]", ["a"]) == ["a"]
    assert "at least 1 items" in refused("Array[String[1], 1]", [])
    assert refused("Array[Integer]", [1, "two"]).startswith("[1]: ")


def test_hashes_check_keys_and_values() -> None:
    assert ok("Hash[String, Integer]", {"a": 1}) == {"a": 1}
    assert ".b: expects a whole number" in refused("Hash[String, Integer]", {"a": 1, "b": "x"})


def test_structs_require_their_keys_and_refuse_others() -> None:
    t = "Struct[{timeout => Integer[1, 30], attempts => Optional[Integer[1, 5]]}]"
    assert ok(t, {"timeout": 2}) == {"timeout": 2}
    assert "needs the key 'timeout'" in refused(t, {"attempts": 1})
    assert "has no key 'retries'" in refused(t, {"timeout": 2, "retries": 1})
    assert refused(t, {"timeout": 99}).startswith("timeout: ")


def test_tuples_check_each_position() -> None:
    assert ok("Tuple[String, Integer[1, 100]]", ["web01", 50]) == ["web01", 50]
    assert "exactly 2 items" in refused("Tuple[String, Integer[1, 100]]", ["web01"])
    assert refused("Tuple[String, Integer[1, 100]]", ["web01", 500]).startswith("[1]: ")


def test_variants_take_any_member() -> None:
    t = "Variant[Integer[1, 365], Enum['forever']]"
    assert ok(t, 30) == 30
    assert ok(t, "forever") == "forever"
    assert "expects Integer[1, 365] or Enum['forever']" in refused(t, "never")


def test_target_specs_take_a_name_or_a_list_of_names() -> None:
    assert ok("TargetSpec", "web01,web02") == "web01,web02"
    assert ok("TargetSpec", ["web01", "web02"]) == ["web01", "web02"]
    assert "at least one target" in refused("TargetSpec", [])
    assert "target name" in refused("TargetSpec", 5)


def test_sensitive_checks_the_inner_type() -> None:
    assert "needs at least 12 characters" in refused("Sensitive[String[12]]", "short")


def test_unknown_types_accept_any_json() -> None:
    assert ok("Stdlib::Port", {"anything": [1]}) == {"anything": [1]}


# -- generated values -------------------------------------------------------------------


@given(st.integers(), st.integers(), st.integers())
def test_integer_ranges_accept_exactly_what_lies_between(low: int, high: int, value: int) -> None:
    low, high = min(low, high), max(low, high)
    t = pt.parse_type(f"Integer[{low}, {high}]")
    if low <= value <= high:
        assert pt.check(t, value) == value
    else:
        with pytest.raises(pt.TypeMismatch):
            pt.check(t, value)


@given(st.text(max_size=30), st.integers(0, 10), st.integers(0, 10))
def test_string_bounds_count_characters(value: str, low: int, extra: int) -> None:
    t = pt.parse_type(f"String[{low}, {low + extra}]")
    if low <= len(value) <= low + extra:
        assert pt.check(t, value) == value
    else:
        with pytest.raises(pt.TypeMismatch):
            pt.check(t, value)


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
        try:
            result = pt.check(pt.parse_type(text), value)
        except pt.TypeMismatch as exc:
            message = exc.message
            assert message
        else:
            assert result == value


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


# -- defaults -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("'graceful'", "graceful"),
        ('"plain"', "plain"),
        ("'it\\'s'", "it's"),
        ("1", 1),
        ("-3", -3),
        ("10.0", 10.0),
        ("true", True),
        ("false", False),
        ("undef", None),
        ("[]", []),
        ("['a', 'b']", ["a", "b"]),
        ("{}", {}),
        ("{timeout => 2, 'mode' => 'fast'}", {"timeout": 2, "mode": "fast"}),
        ("forever", "forever"),
    ],
)
def test_literal_defaults_are_read(source: str, value: Any) -> None:
    assert pt.parse_default(source) == value


@pytest.mark.parametrize("source", ["$facts['fqdn']", '"${name}.example"', "lookup('x')", "1 + 2", "[1,", ""])
def test_expressions_are_not_defaults_to_prefill(source: str) -> None:
    assert pt.parse_default(source) is pt.NO_DEFAULT
