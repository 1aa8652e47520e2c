"""The admin's group page: members, team flag, the app's own permissions and plan grants, each
grant checked with PE's catalogue when saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from orchestrator_web.audit.models import AuditEntry
from orchestrator_web.rbac import access
from orchestrator_web.rbac.models import GroupProfile, PlanGrant
from tests.helpers import Html

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


@pytest.fixture
def as_admin(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


def page_of(client: Client, group: Group) -> Html:
    response = client.get(f"/admin/auth/group/{group.pk}/change/")
    assert response.status_code == 200
    return Html(response)


def form_data(page: Html) -> dict[str, Any]:
    """What a browser would send from the group form as it stands."""
    form = page.soup.find("form", id="group_form")
    assert form is not None
    data: dict[str, Any] = {}
    for tag in form.find_all(["input", "select", "textarea"]):
        name = tag.get("name")
        if not name or "__prefix__" in name or tag.get("type") in ("submit", "button"):
            continue
        if tag.name == "select":
            chosen = [str(o.get("value", "")) for o in tag.find_all("option", selected=True)]
            data[name] = chosen if tag.has_attr("multiple") else (chosen[0] if chosen else "")
        elif tag.get("type") == "checkbox":
            if tag.has_attr("checked"):
                data.setdefault(name, []).append(str(tag.get("value", "on")))
        elif tag.name == "textarea":
            data[name] = tag.get_text()
        else:
            data[name] = str(tag.get("value", ""))
    return data


def save(client: Client, group: Group, **changes: Any) -> Any:
    data = form_data(page_of(client, group))
    data.update(changes)
    return client.post(f"/admin/auth/group/{group.pk}/change/", data)


def new_grant(plan: str, environments: str = "", *, unknown_to_pe: bool = False) -> dict[str, str]:
    """The inline's extra row filled in (row 0 when the group has no grant yet)."""
    row = {"plan_grants-0-plan": plan, "plan_grants-0-environments": environments}
    if unknown_to_pe:
        row["plan_grants-0-unknown_to_pe"] = "on"
    return row


def errors(response: Any) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in Html(response).soup.select(".errorlist li")]


@pytest.fixture
def empty_group(db: None) -> Group:
    return Group.objects.create(name="Maintainers")


# -- grants, checked with PE --------------------------------------------------------------


def test_it_saves_a_grant_pe_knows(as_admin: Client, empty_group: Group) -> None:
    response = save(as_admin, empty_group, **new_grant("maintenance::drain_node", "production"))
    assert response.status_code == 302
    assert [g.describe() for g in empty_group.plan_grants.all()] == ["maintenance::drain_node in production"]


def test_it_refuses_a_grant_for_an_unknown_plan(as_admin: Client, empty_group: Group) -> None:
    response = save(as_admin, empty_group, **new_grant("maintenance::drain_nod", "production"))
    assert response.status_code == 200
    assert (
        "PE does not know the plan 'maintenance::drain_nod' in production. Close names: maintenance::drain_node."
        in errors(response)
    )
    assert "tick \u201cPE does not know it yet\u201d." in " ".join(errors(response))
    assert not PlanGrant.objects.exists()


def test_it_refuses_a_grant_for_an_unknown_environment(as_admin: Client, empty_group: Group, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_ENVIRONMENTS = ["production", "development"]
    response = save(as_admin, empty_group, **new_grant("maintenance::drain_nod", "prod"))
    assert response.status_code == 200
    said = errors(response)
    assert (
        "'prod' is not an environment people may choose here (ORCHESTRATOR_ENVIRONMENTS: production, development)."
        " Close names: production." in said
    )
    assert (
        "PE does not know the plan 'maintenance::drain_nod' in production, development."
        " Close names: maintenance::drain_node." in said
    )
    assert not PlanGrant.objects.exists()


def test_it_keeps_an_unknown_plan_when_told_pe_does_not_know_it_yet(as_admin: Client, empty_group: Group) -> None:
    response = save(as_admin, empty_group, **new_grant("maintenance::drain_nod", "production", unknown_to_pe=True))
    assert response.status_code == 302
    grant = PlanGrant.objects.get()
    assert grant.unknown_to_pe
    entry = AuditEntry.objects.get(action="grant_added")
    assert entry.details["grant"] == "plans:run:maintenance::drain_nod in production (PE does not know it yet)"


def test_it_says_when_pe_cannot_be_asked(as_admin: Client, empty_group: Group, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    response = save(as_admin, empty_group, **new_grant("facts::info", "production"))
    assert response.status_code == 200
    said = " ".join(errors(response))
    assert "PE could not be asked which plans production has." in said
    assert "could not be reached" in said
    assert "tick \u201cPE does not know it yet\u201d" in said
    assert not PlanGrant.objects.exists()


def test_pe_not_answering_is_no_dead_end(as_admin: Client, empty_group: Group, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"
    response = save(as_admin, empty_group, **new_grant("facts::info", "production", unknown_to_pe=True))
    assert response.status_code == 302
    assert PlanGrant.objects.get().unknown_to_pe


def test_grants_left_as_they_were_are_not_asked_about(as_admin: Client, operators: Group, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORCHESTRATOR_URL = "http://127.0.0.1:9"  # and "canary" is not even in PE's catalogue
    response = save(as_admin, operators, team="on")
    assert response.status_code == 302
    assert GroupProfile.objects.get(group=operators).is_team


# -- members, team flag and the app's own permissions ---------------------------------------


def test_the_group_page_shows_members_team_and_the_apps_own_permissions(
    as_admin: Client, operators: Group, alice: User
) -> None:
    page = page_of(as_admin, operators)
    assert page.value("members") == str(alice.pk)
    assert page.value("team") == ""
    labels = [label.get_text(" ", strip=True) for label in page.soup.select("#id_own_permissions label")]
    assert any(label.startswith("Can view all jobs") for label in labels)
    assert any(label.startswith("Can stop any job") for label in labels)
    assert any(label.startswith("Can view audit trail") for label in labels)


def test_djangos_own_permissions_are_folded_away(as_admin: Client, operators: Group) -> None:
    page = page_of(as_admin, operators)
    folded = page.field("permissions").find_parent("details")
    assert folded is not None
    assert "All Django permissions" in folded.summary.get_text()
    assert not folded.has_attr("open")
    names = [text for _, text in page.options("permissions")]
    assert any("Can change plan grant" in name for name in names)
    assert not any("Can view all jobs" in name for name in names)


def test_it_adds_and_removes_members_from_the_group_page(
    as_admin: Client, operators: Group, alice: User, outsider: User
) -> None:
    response = save(as_admin, operators, members=[str(outsider.pk)])
    assert response.status_code == 302
    assert list(operators.user_set.all()) == [outsider]
    assert access.can_run(outsider, "facts::info", "production")
    assert not access.can_run(User.objects.get(pk=alice.pk), "facts::info", "production")
    added = AuditEntry.objects.get(action="member_added")
    removed = AuditEntry.objects.get(action="member_removed")
    assert (added.target, added.details) == ("Operators", {"user": "oscar", "source": "admin"})
    assert (removed.target, removed.details) == ("Operators", {"user": "alice", "source": "admin"})


def test_the_apps_own_permissions_are_given_beside_djangos(as_admin: Client, operators: Group, alice: User) -> None:
    view_all = Permission.objects.get(codename="view_all_jobs")
    change_grant = Permission.objects.get(codename="change_plangrant")
    response = save(as_admin, operators, own_permissions=[str(view_all.pk)], permissions=[str(change_grant.pk)])
    assert response.status_code == 302
    assert set(operators.permissions.all()) == {view_all, change_grant}
    assert access.sees_all_jobs(User.objects.get(pk=alice.pk))
    assert page_of(as_admin, operators).soup.find("input", attrs={"value": str(view_all.pk), "checked": True})
    entry = AuditEntry.objects.get(action="group_changed")
    assert entry.details["permissions_added"] == ["jobs.view_all_jobs", "rbac.change_plangrant"]


def test_saving_the_page_keeps_the_apps_own_permissions(as_admin: Client, operators: Group) -> None:
    view_all = Permission.objects.get(codename="view_all_jobs")
    operators.permissions.add(view_all)
    assert save(as_admin, operators).status_code == 302
    assert list(operators.permissions.all()) == [view_all]


def test_the_group_list_says_who_and_what(as_admin: Client, operators: Group, alice: User) -> None:
    page = Html(as_admin.get("/admin/auth/group/")).plain()
    assert "db::failover in production" in page
