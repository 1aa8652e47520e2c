"""Administrators' type aliases: in the admin and as code (load_type_aliases /
export_type_aliases), checked as a whole, audited, and used by the launch form at once."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.plans import aliases
from orchestrator_web.plans.models import TypeAlias
from tests.helpers import Html

ADD = "/admin/plans/typealias/add/"


def load(tmp_path: Path, data: object, *args: str) -> str:
    path = tmp_path / "aliases.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    out = StringIO()
    call_command("load_type_aliases", str(path), *args, stdout=out)
    return out.getvalue()


# -- as code ----------------------------------------------------------------------------------


def test_it_loads_aliases_and_the_form_uses_them(tmp_path: Path, db: None) -> None:
    output = load(tmp_path, {"Mymod::Version": r"Pattern[/^\d+\.\d+$/]", "Mymod::Versions": "Array[Mymod::Version]"})
    assert "+ Mymod::Version = Pattern[/^\\d+\\.\\d+$/]" in output
    assert "2 change(s)" in output
    t = aliases.registry().parse("Mymod::Versions")
    assert t.fits(["1.2"]) and not t.fits(["v1"])


def test_a_file_with_any_mistake_changes_nothing_and_names_each_entry(tmp_path: Path, db: None) -> None:
    bad = {
        "Mymod::Good": "String[1]",
        "Mymod::Broken": "Integer[",
        "Mymod::Dangling": "Array[Other::Missing]",
        "String": "Integer",
        "mymod::lower": "String",
    }
    with pytest.raises(CommandError) as caught:
        load(tmp_path, bad)
    message = str(caught.value)
    assert "nothing was changed" in message
    assert "Mymod::Broken: cannot be read as a Puppet type" in message
    assert "Mymod::Dangling: uses Other::Missing, which is not defined" in message
    assert "String: is one of Puppet's own types and cannot be redefined" in message
    assert "mymod::lower: is not a Puppet type name" in message
    assert "Mymod::Good" not in message
    assert not TypeAlias.objects.exists()


@pytest.mark.parametrize(("text", "message"), [("{nope", "not valid JSON"), ('["x"]', "one JSON object")])
def test_a_file_that_is_not_an_object_is_refused(tmp_path: Path, db: None, text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        load(tmp_path, text)


def test_a_dry_run_saves_nothing_and_a_second_load_changes_nothing(tmp_path: Path, db: None) -> None:
    data = {"Mymod::Port": "Integer[1024, 65535]"}
    assert "dry run: nothing was saved" in load(tmp_path, data, "--dry-run")
    assert not TypeAlias.objects.exists()
    load(tmp_path, data)
    assert "no changes" in load(tmp_path, data)
    assert AuditEntry.objects.filter(action="alias_changed", target="Mymod::Port").count() == 1


def test_an_alias_defined_in_another_case_is_changed_not_doubled(tmp_path: Path, db: None) -> None:
    load(tmp_path, {"Mymod::Port": "Integer[1024, 65535]"})
    assert "~ MyMod::Port = Integer[1, 10]" in load(tmp_path, {"MyMod::Port": "Integer[1, 10]"})
    assert list(TypeAlias.objects.values_list("name", "definition")) == [("MyMod::Port", "Integer[1, 10]")]


def test_export_writes_what_load_reads(tmp_path: Path, db: None) -> None:
    load(tmp_path, {"Mymod::Port": "Integer[1024, 65535]", "Mymod::Name": "String[1]"})
    out = StringIO()
    call_command("export_type_aliases", stdout=out)
    assert json.loads(out.getvalue()) == {"Mymod::Name": "String[1]", "Mymod::Port": "Integer[1024, 65535]"}


def test_an_administrators_alias_wins_over_a_shipped_one(db: None) -> None:
    TypeAlias.objects.create(name="Stdlib::Port", definition="Integer[1, 10]")
    assert not aliases.registry().parse("Stdlib::Port").fits(80)
    assert pt.SHIPPED.parse("Stdlib::Port").fits(80)


# -- in the admin -------------------------------------------------------------------------------


@pytest.fixture
def as_admin(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


def test_the_admin_adds_an_alias_and_audits_it(as_admin: Client) -> None:
    response = as_admin.post(ADD, {"name": "Mymod::Version", "definition": r"Pattern[/^\d+\.\d+$/]", "description": ""})
    assert response.status_code == 302
    assert TypeAlias.objects.get().name == "Mymod::Version"
    entry = AuditEntry.objects.get(action="alias_changed")
    assert (entry.actor_name, entry.target) == ("root", "Mymod::Version")


@pytest.mark.parametrize(
    ("name", "definition", "message"),
    [
        ("Mymod::Version", "Array[Nope::Thing]", "Mymod::Version uses Nope::Thing, which is not defined."),
        ("Mymod::Version", "Pattern[/(/]", "Mymod::Version has a regex that cannot be read: /(/."),
        ("Integer", "String", "Integer is one of Puppet's own types and cannot be redefined."),
    ],
)
def test_the_admin_refuses_an_alias_puppet_could_not_use(
    as_admin: Client, name: str, definition: str, message: str
) -> None:
    page = Html(as_admin.post(ADD, {"name": name, "definition": definition, "description": ""}))
    assert message in page.plain()
    assert not TypeAlias.objects.exists()


def test_the_admin_refuses_a_name_taken_in_another_case(as_admin: Client) -> None:
    TypeAlias.objects.create(name="Mymod::Version", definition="String")
    page = Html(as_admin.post(ADD, {"name": "MYMOD::VERSION", "definition": "String", "description": ""}))
    assert "Mymod::Version is already defined (Puppet ignores case in type names)." in page.plain()


def test_the_admin_lists_the_aliases_that_come_with_the_app(as_admin: Client) -> None:
    page = Html(as_admin.get("/admin/plans/typealias/"))
    assert "Stdlib::Absolutepath" in page.plain()


def test_an_alias_deleted_in_the_admin_is_audited(as_admin: Client) -> None:
    alias = TypeAlias.objects.create(name="Mymod::Version", definition="String")
    as_admin.post(f"/admin/plans/typealias/{alias.pk}/delete/", {"post": "yes"})
    assert not TypeAlias.objects.exists()
    assert AuditEntry.objects.filter(action="alias_deleted", target="Mymod::Version").exists()


def test_people_who_are_not_staff_cannot_reach_the_alias_admin(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.get("/admin/plans/typealias/").status_code == 302
