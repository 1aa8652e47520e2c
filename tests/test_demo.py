"""The demo data `make demo` starts with."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from orchestrator_web.rbac import access


def test_seed_demo_gives_each_login_its_role(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    alice, bob, victor, admin = (User.objects.get(username=n) for n in ("alice", "bob", "victor", "admin"))
    assert admin.is_superuser
    assert access.can_run(alice, "webapp::rolling_restart", "production")
    assert access.can_run(bob, "db::failover", "production")
    assert not access.can_run(bob, "users::rotate_keys", "production")
    assert access.sees_all_jobs(victor)
    assert not access.sees_all_jobs(alice)
    assert [name for _, name in access.team_choices(alice)] == ["Operators"]
    assert alice.check_password("alice-demo")
