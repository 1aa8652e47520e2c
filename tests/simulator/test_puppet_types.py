"""The stand-in's Puppet types (orchestrator_web/simulator/puppet.py).

The expected words are Puppet 7.23's: each message here is what real Puppet said when the
same plan signature was called with the same arguments (orchestrator-api.md 6.1, 8.10).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from orchestrator_web.simulator.puppet import (
    STDLIB_TYPES,
    Param,
    PuppetTypeError,
    TypeSystem,
    is_sensitive_text,
    parse_alias_declarations,
    plan_call_problem,
    wraps_sensitive,
)

TYPES = TypeSystem.standard()
MODULE = TYPES.with_aliases(
    {
        "Mymod::Version": r"Pattern[/^\d+\.\d+$/]",
        "Mymod::Secret": "Sensitive[String]",
        "Mymod::Tree": "Struct[{name => String, children => Array[Mymod::Tree]}]",
        "Mymod::Hosts": "Array[Mymod::Host, 1]",
        "Mymod::Host": "Variant[Stdlib::Fqdn, Stdlib::IP::Address]",
    }
)


def matches(type_text: str, value: Any, types: TypeSystem = TYPES) -> bool:
    return types.parse(type_text).matches(value)


def problem(type_text: str, value: Any, *, default: bool = False, types: TypeSystem = TYPES) -> str | None:
    """What Bolt says when `mymod::p` with one parameter `x` of this type is given the value."""
    param = Param("x", types.parse(type_text), default, wraps_sensitive(type_text))
    return plan_call_problem("mymod::p", [param], {"x": value})


# -- reading type expressions ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Struct[{\n  name => String[1],\n  port => Stdlib::Port,  # the listener\n  Optional[tls] => Boolean,\n}]",
        "Enum[init, pair]",
        "Enum['init', \"pair\"]",
        "Integer[-5, default]",
        "Float[-1.5, default]",
        "Integer[0x10, 020]",
        r"Pattern[/a\/b/]",
        "Variant[String, Array[String,]]",
        "Tuple[String, Integer, 1, default]",
        "Optional[Struct[{'a-b' => Integer, NotUndef['c'] => Optional[String]}]]",
        "::String",
        "/* a comment */ String",
    ],
)
def test_it_reads_type_expressions_as_plan_metadata_spells_them(text: str) -> None:
    TYPES.parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "string",
        "Stdlib::port",
        "Array[]",
        "Array[String",
        "Integer[1.5]",
        "Integer[10, 1]",
        "Enum[1, 2]",
        "Pattern[/(/]",
        "Struct[{'' => String}]",
        "Variant[String, Integer,]",
        "Data[String]",
        "Stdlib::Port[1]",
        'Enum["$x"]',
        "",
    ],
)
def test_it_refuses_what_puppet_cannot_read(text: str) -> None:
    with pytest.raises(PuppetTypeError):
        TYPES.parse(text)


def test_it_refuses_a_comma_before_the_outer_bracket_of_a_signature_type_as_puppet_does() -> None:
    with pytest.raises(PuppetTypeError, match="Syntax error at ']'"):
        TYPES.parse("Enum[init, pair,]")


def test_it_reads_a_regex_with_escaped_slashes_as_puppet_does() -> None:
    assert matches(r"Pattern[/\Aa\/b\z/]", "a/b")


def test_it_prints_types_as_puppet_does() -> None:
    assert str(TYPES.parse("Enum[stopped, running]")) == "Enum['running', 'stopped']"
    assert str(TYPES.parse("Struct[{a => Integer, b => Optional[String]}]")) == (
        "Struct[{'a' => Integer, 'b' => Optional[String]}]"
    )
    assert TYPES.parse("Stdlib::Port").expanded() == "Stdlib::Port = Integer[0, 65535]"


# -- what fits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_text", "value"),
    [
        ("Any", None),
        ("Boolean", False),
        ("String[2, 4]", "abc"),
        ("String[2]", "éé"),
        ("Integer[1, 10]", 10),
        ("Integer", -(2**63)),
        ("Integer", 2**64),  # Puppet 7 takes integers beyond 64 bits in a plan call
        ("Float[0.0, 100.0]", 99.5),
        ("Numeric", 5),
        ("Numeric", 5.5),
        ("Enum['init', 'pair']", "pair"),
        ("Enum[init, pair]", "init"),
        ("Enum['a', 'b', true]", "A"),
        ("Array[String, 1]", ["a"]),
        ("Array", [1, "a", None]),
        ("Tuple[String, Integer]", ["a", 1]),
        ("Tuple[String, Integer, 1]", ["a", 1, 2]),
        ("Hash[String, Integer, 1, 2]", {"a": 1}),
        ("Struct[{a => Integer, Optional[b] => String}]", {"a": 1}),
        ("Struct[{a => Integer, b => Optional[String]}]", {"a": 1}),
        ("Struct[{a => Integer, b => Optional[String]}]", {"a": 1, "b": None}),
        ("Optional[String]", None),
        ("Variant[Integer[1, 365], Enum['forever']]", "forever"),
        ("Scalar", True),
        ("ScalarData", "x"),
        ("Data", {"a": [1, {"b": None}]}),
        ("RichData", {"a": [1.5]}),
        ("Collection[1]", [1]),
        ("NotUndef", 0),
        ("Iterable[String]", "abc"),
        ("TargetSpec", "web01,web02"),
        ("TargetSpec", ["web01", ["web02"]]),
        ("Boltlib::PlanResult", {"a": [True, 1, "x", None]}),
        ("Stdlib::Port", 8140),
        ("Stdlib::Absolutepath", "/etc/hosts"),
        ("Stdlib::Absolutepath", "C:\\Windows"),
        ("Stdlib::Fqdn", "web-01.example.net"),
        ("Stdlib::HTTPSUrl", "HTTPS://example.net/x"),
        ("Stdlib::Ensure::Service", "running"),
        ("Stdlib::IP::Address", "2001:db8::1"),
        ("Stdlib::IP::Address::V4::CIDR", "10.0.0.0/8"),
        ("Stdlib::Base32", "mzxw6==="),
        ("Stdlib::Datasize", "10GB"),
        ("Stdlib::Yes_no", "YES"),
        ("Stdlib::Filesource", "puppet:///modules/x/y"),
    ],
)
def test_it_accepts_what_puppet_accepts(type_text: str, value: Any) -> None:
    assert matches(type_text, value)


@pytest.mark.parametrize(
    ("type_text", "value"),
    [
        ("Undef", 0),
        ("Boolean", "true"),
        ("String", 5),
        ("String[1]", ""),
        ("Integer", 5.0),
        ("Integer", True),
        ("Float", 5),
        ("Float[0.0, 100.0]", 100.5),
        ("Numeric", "5"),
        ("Enum['init', 'pair']", "Init"),
        ("Array[String, 1]", []),
        ("Array[String]", "a"),
        ("Tuple[String, Integer]", ["a", 1, 2]),
        ("Hash[String, Integer]", {"a": "1"}),
        ("Struct[{a => Integer}]", {"a": None}),
        ("Struct[{a => Integer}]", {"a": 1, "b": 2}),
        ("Struct[{NotUndef[a] => Optional[Integer]}]", {}),
        ("Scalar", [1]),
        ("NotUndef", None),
        ("Collection[1]", {}),
        ("Iterable[String]", 3),
        ("Sensitive[String]", "plain"),
        ("TargetSpec", ""),
        ("TargetSpec", ["web01", 2]),
        ("Target", "web01"),
        ("ResultSet", []),
        ("Timestamp", "2026-01-01T00:00:00Z"),
        ("Stdlib::Port", 65536),
        ("Stdlib::Absolutepath", "etc/hosts"),
        ("Stdlib::Fqdn", "web 01"),
        ("Stdlib::HTTPSUrl", "http://example.net"),
        ("Stdlib::Ensure::Service", "started"),
        ("Stdlib::IP::Address::V4", "300.1.1.1"),
    ],
)
def test_it_refuses_what_puppet_refuses(type_text: str, value: Any) -> None:
    assert not matches(type_text, value)


def test_a_json_integer_is_not_a_float() -> None:
    assert not matches("Float[0.0, 100.0]", 10)
    assert matches("Float[0.0, 100.0]", 10.0)


# -- Ruby's regexes, which Python's re reads differently ---------------------------------------


@pytest.mark.parametrize("value", ["web-01", "a", "WEB01"])
def test_a_posix_bracket_class_reads_as_ruby_reads_it(value: str) -> None:
    assert matches(r"Pattern[/\A[[:alnum:]-]+\z/]", value)


@pytest.mark.parametrize("value", ["web_01", "a b", "web-01\n", ""])
def test_a_posix_bracket_class_refuses_what_ruby_refuses(value: str) -> None:
    assert not matches(r"Pattern[/\A[[:alnum:]-]+\z/]", value)


def test_caret_and_dollar_are_line_anchors_as_in_ruby() -> None:
    assert matches(r"Pattern[/^v\d+$/]", "release\nv12\nnotes")
    assert re.search(r"^v\d+$", "release\nv12\nnotes") is None  # what Python would have said


def test_backslash_z_is_the_end_of_the_string_and_capital_z_may_leave_a_newline() -> None:
    assert not matches(r"Pattern[/\Ax\z/]", "x\n")
    assert matches(r"Pattern[/\Ax\Z/]", "x\n")


def test_dot_does_not_match_a_newline() -> None:
    assert not matches(r"Pattern[/\Aa.b\z/]", "a\nb")


@pytest.mark.parametrize(
    ("type_text", "value"),
    [
        (r"Pattern[/\A\h+\z/]", "beef"),
        (r"Pattern[/(?<year>\d{4})-\d{2}/]", "2026-01"),
        (r"Pattern[/\A\p{Alpha}+\z/]", "Été"),
        (r"Pattern['^a', /b$/]", "xb"),
        (r"Pattern[/(?i:\Ahttps:\/\/.*\z)/]", "HTTPS://x"),
    ],
)
def test_ruby_only_syntax_matches(type_text: str, value: str) -> None:
    assert matches(type_text, value)


@pytest.mark.parametrize(
    ("type_text", "value", "fits"),
    [
        (r"Pattern[/\A\w+\z/]", "abc_1", True),
        (r"Pattern[/\A\w+\z/]", "été", False),
        (r"Pattern[/\d/]", "٣", False),
        (r"Pattern[/\s/]", "\u00a0", False),
        (r"Pattern[/\A[[:alpha:]]+\z/]", "été", True),
        (r"Pattern[/\A[\w.-]+\z/]", "wéb.x", False),
        (r"Pattern[/(?u)\A\w+\z/]", "été", True),
        (r"Pattern[/(?a)\A\w+\z/]", "abc", True),
        (r"Pattern[/(?a)[[:alpha:]]/]", "é", False),
        (r"Pattern[/(?a:x)\w/]", "xé", False),
    ],
)
def test_backslash_w_d_and_s_are_ascii_as_in_ruby_unless_the_regex_says_u(
    type_text: str, value: str, fits: bool
) -> None:
    assert matches(type_text, value) is fits


def test_a_pattern_searches_anywhere_in_the_string_like_rubys_match_operator() -> None:
    assert matches(r"Pattern[/\d/]", "abc1def")


# -- aliases --------------------------------------------------------------------------------------


def test_it_knows_every_stdlib_alias() -> None:
    declared = parse_alias_declarations(STDLIB_TYPES.read_text())
    assert len(declared) == 52
    for name in declared:
        TYPES.parse(name)


@pytest.mark.parametrize("name", ["BoltLib::TargetSpec", "Boltlib::TARGETSPEC", "STDLIB::PORT", "STRING", "Integer"])
def test_type_names_resolve_case_insensitively(name: str) -> None:
    TYPES.parse(name)


def test_a_module_alias_resolves_case_insensitively() -> None:
    assert matches("MyMod::VERSION", "1.2", types=MODULE)
    assert not matches("MyMod::VERSION", "1.2.3", types=MODULE)


def test_aliases_may_refer_to_each_other_and_to_stdlib() -> None:
    assert matches("Mymod::Hosts", ["web01.example.net", "10.0.0.1"], types=MODULE)
    assert not matches("Mymod::Hosts", ["web 01"], types=MODULE)


def test_an_alias_may_be_recursive_through_a_collection() -> None:
    tree = {"name": "root", "children": [{"name": "leaf", "children": []}]}
    assert matches("Mymod::Tree", tree, types=MODULE)
    assert not matches("Mymod::Tree", {"name": "root", "children": [{"name": 1, "children": []}]}, types=MODULE)


def test_data_is_recursive() -> None:
    assert matches("Data", [[[[{"a": [None]}]]]])


def test_it_refuses_an_alias_that_is_only_itself() -> None:
    loop = TYPES.with_aliases({"Mymod::Loop": "Variant[Mymod::Loop, String]"})
    with pytest.raises(PuppetTypeError, match="cannot be resolved"):
        loop.parse("Mymod::Loop")


def test_it_refuses_an_unknown_type_name() -> None:
    with pytest.raises(PuppetTypeError, match="unresolved type 'Stdlib::Nope'"):
        TYPES.parse("Optional[Stdlib::Nope]")


def test_it_refuses_an_alias_that_names_an_unknown_type() -> None:
    broken = TYPES.with_aliases({"Mymod::Broken": "Array[Mymod::Missing]"})
    with pytest.raises(PuppetTypeError, match="Mymod::Missing"):
        broken.parse("Mymod::Broken")


def test_it_refuses_an_alias_that_redefines_a_core_type() -> None:
    with pytest.raises(PuppetTypeError, match="core type"):
        TYPES.with_aliases({"Integer": "String"})


def test_it_reads_alias_declarations_with_comments_between_them() -> None:
    source = "# one\ntype Mymod::A = Integer\n\n# two\ntype Mymod::B = Variant[\n  Mymod::A,\n  String,\n]\n"
    assert parse_alias_declarations(source) == {
        "Mymod::A": "Integer",
        "Mymod::B": "Variant[\n  Mymod::A,\n  String,\n]",
    }


# -- Puppet's words for a mismatch -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_text", "value", "expected"),
    [
        ("Integer", "8080", "parameter 'x' expects an Integer value, got String"),
        ("Integer[1, 10]", 11, "parameter 'x' expects an Integer[1, 10] value, got Integer[11, 11]"),
        ("String[1]", "", "parameter 'x' expects a String[1] value, got String"),
        ("Float", 5, "parameter 'x' expects a Float value, got Integer"),
        ("Array[Integer]", [80, 443, "8080"], "parameter 'x' index 2 expects an Integer value, got String"),
        ("Array[Integer, 1]", [], "parameter 'x' expects size to be at least 1, got 0"),
        ("Tuple[String, Integer]", ["a", "b"], "parameter 'x' index 1 expects an Integer value, got String"),
        ("Hash[String, Integer]", {"a": "b"}, "parameter 'x' entry 'a' expects an Integer value, got String"),
        ("Hash[String, Integer, 1]", {}, "parameter 'x' expects size to be at least 1, got 0"),
        (
            "Struct[{port => Integer, Optional[tls] => Boolean}]",
            {"port": "80"},
            "parameter 'x' entry 'port' expects an Integer value, got String",
        ),
        (
            "Struct[{port => Integer, Optional[tls] => Boolean}]",
            {"tls": True},
            "parameter 'x' expects a value for key 'port'",
        ),
        (
            "Struct[{port => Integer, Optional[tls] => Boolean}]",
            {"port": 80, "colour": "red"},
            "parameter 'x' unrecognized key 'colour'",
        ),
        ("String", None, "parameter 'x' expects a String value, got Undef"),
        (
            "Variant[Integer[1, 365], Enum['forever']]",
            "never",
            "parameter 'x' expects a value of type Integer[1, 365] or Enum['forever'], got String",
        ),
        (
            "Optional[Enum['init', 'pair']]",
            "other",
            "parameter 'x' expects an undef value or a match for Enum['init', 'pair'], got 'other'",
        ),
        (
            "Stdlib::Port",
            70000,
            "parameter 'x' expects a Stdlib::Port = Integer[0, 65535] value, got Integer[70000, 70000]",
        ),
        ("Stdlib::Port", "80", "parameter 'x' expects a Stdlib::Port = Integer[0, 65535] value, got String"),
        (
            "Stdlib::Ensure::Service",
            "started",
            "parameter 'x' expects a match for Stdlib::Ensure::Service = Enum['running', 'stopped'], got 'started'",
        ),
        (
            "Stdlib::HTTPSUrl",
            "http://example.net",
            "parameter 'x' expects a match for Stdlib::HTTPSUrl = Pattern[/(?i:\\Ahttps:\\/\\/.*\\z)/], "
            "got 'http://example.net'",
        ),
        (
            r"Pattern[/\A[[:alnum:]-]+\z/]",
            "web_01",
            "parameter 'x' expects a match for Pattern[/\\A[[:alnum:]-]+\\z/], got 'web_01'",
        ),
    ],
)
def test_it_describes_a_mismatch_in_puppets_words(type_text: str, value: Any, expected: str) -> None:
    assert problem(type_text, value) == f"mymod::p: {expected}"


def test_it_describes_an_alias_of_variants_as_the_alias() -> None:
    text = problem("Stdlib::Absolutepath", "etc/hosts")
    assert text is not None
    assert text.startswith("mymod::p: parameter 'x' expects a Stdlib::Absolutepath = Variant[Stdlib::Windowspath = ")
    assert text.endswith("] value, got String")


@pytest.mark.parametrize(
    ("text", "flagged", "wrapped"),
    [
        ("Sensitive", True, True),
        ("Sensitive[String[1]]", True, True),
        ("Optional[Sensitive[String]]", False, False),
        ("Array[Sensitive]", False, False),
        ("Sensitive[\n  String\n]", False, True),
        ("sensitive[String]", False, False),
    ],
)
def test_bolt_flags_and_wraps_only_a_top_level_sensitive(text: str, flagged: bool, wrapped: bool) -> None:
    assert is_sensitive_text(text) is flagged
    assert wraps_sensitive(text) is wrapped


def test_it_names_every_variant_when_they_fail_differently() -> None:
    assert problem("TargetSpec", ["web01", 2]) == (
        "mymod::p:\n"
        "  parameter 'x' variant 0 expects a String value, got Tuple\n"
        "  parameter 'x' variant 1 expects a Target value, got Tuple\n"
        "  parameter 'x' variant 2 index 1 expects a Boltlib::TargetSpec = "
        "Variant[String[1], Target, Array[Boltlib::TargetSpec]] value, got Integer"
    )
