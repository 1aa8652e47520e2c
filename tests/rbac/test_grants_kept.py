"""A person's grants are read once per request (as Django reads their permissions), and a change
to a grant or a membership is seen at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orchestrator_web.rbac import access
from orchestrator_web.rbac.models import PlanGrant
from tests.plans.test_launch import review, run

pytestmark = pytest.mark.usefixtures("orchestrator_settings")


def grant_reads(queries: CaptureQueriesContext) -> int:
    return sum('FROM "rbac_plangrant"' in q["sql"] for q in queries.captured_queries)


def test_run_plan_reads_the_persons_grants_once(client: Client, alice: User) -> None:
    client.force_login(alice)
    reviewed = review(client)
    with CaptureQueriesContext(connection) as queries:
        response = run(client, reviewed)
    assert response.status_code == 302
    assert grant_reads(queries) == 1


def test_a_grant_taken_away_is_seen_at_once_by_the_same_user_object(alice: User, operators: Group) -> None:
    assert access.can_run(alice, "facts::info", "production")
    PlanGrant.objects.get(group=operators, plan="facts::info").delete()
    assert not access.can_run(alice, "facts::info", "production")


def test_a_membership_lost_is_seen_at_once_by_the_same_user_object(alice: User, operators: Group) -> None:
    assert access.can_run(alice, "facts::info", "production")
    alice.groups.remove(operators)
    assert not access.can_run(alice, "facts::info", "production")


def test_a_grant_added_is_seen_at_once(alice: User, operators: Group) -> None:
    assert not access.can_run(alice, "ops::new_plan", "production")
    PlanGrant.objects.create(group=operators, plan="ops::new_plan")
    assert access.can_run(alice, "ops::new_plan", "production")


def test_a_user_loaded_again_reads_them_afresh(alice: User, operators: Group) -> None:
    assert access.can_run(alice, "webapp::rolling_restart", "production")
    # update() sends no signal; each request loads its user, and so its grants, anew.
    PlanGrant.objects.filter(group=operators, plan="webapp::rolling_restart").update(environments="development")
    assert not access.can_run(User.objects.get(pk=alice.pk), "webapp::rolling_restart", "production")
