from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from orchestrator_web.rbac.models import GroupProfile, PlanGrant


class DemoUser(NamedTuple):
    password: str
    role: str  # what they show in the demo
    superuser: bool = False
    permissions: tuple[str, ...] = ()  # codenames


DEMO_USERS = {
    "admin": DemoUser("admin-demo", "superuser: runs everything, sees everything, manages permissions", True),
    "alice": DemoUser("alice-demo", "operator"),
    "bob": DemoUser("bob-demo", "database operator"),
    "victor": DemoUser("victor-demo", "auditor", permissions=("view_all_jobs",)),
}

# group: (members, [(plan, environments)])
DEMO_GROUPS = {
    "Operators": (
        ["alice"],
        [("webapp::rolling_restart", ""), ("facts::info", ""), ("patching::run", ""), ("*", "modules")],
    ),
    "Database operators": (["bob"], [("db::failover", "production"), ("backup::snapshot", "")]),
    "Developers": (["alice", "bob"], [("*", "development")]),
}


class Command(BaseCommand):
    help = "Create the demo users (idempotent). For demos only: the passwords are public."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        for login, demo in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=login)
            if created:
                user.set_password(demo.password)
                user.is_superuser = user.is_staff = demo.superuser
                user.save()
                user.user_permissions.set(Permission.objects.filter(codename__in=demo.permissions))
                self.stdout.write(f"created demo user {login}")
        for name, (members, grants) in DEMO_GROUPS.items():
            group, created = Group.objects.get_or_create(name=name)
            if created:
                group.user_set.set(User.objects.filter(username__in=members))
                for plan, environments in grants:
                    PlanGrant.objects.create(group=group, plan=plan, environments=environments)
                # Operators see each other's jobs.
                GroupProfile.objects.create(group=group, is_team=name == "Operators")
                self.stdout.write(f"created demo group {name}")
