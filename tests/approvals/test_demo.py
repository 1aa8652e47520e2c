"""The demo shows four eyes: bob's db::failover in production waits for alice's approval."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from orchestrator_web.rbac import access


def test_the_demo_seeds_an_approval_rule(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    rule = access.approval_rule(bob, "db::failover", "production")
    assert rule is not None and (rule.group_name, rule.count) == ("DB approvers", 1)
    assert access.approval_rule(bob, "backup::snapshot", "production") is None
    assert access.approval_refusal(alice, bob.pk, rule.group_id, rule.group_name) == ""
    assert alice.email == "alice@example.net"
