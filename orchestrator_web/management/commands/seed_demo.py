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
    "alice": DemoUser("alice-demo", "operator, and approver of database launches"),
    "bob": DemoUser("bob-demo", "database operator: db::failover in production waits for alice's approval"),
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
    "DB approvers": (["alice"], []),
}
# Four eyes: (group, plan) → the approver group whose member must approve it in production.
DEMO_APPROVALS = {("Database operators", "db::failover"): "DB approvers"}


class Command(BaseCommand):
    help = "Create the demo users (idempotent). For demos only: the passwords are public."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        for login, demo in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=login)
            if created:
                user.email = f"{login}@example.net"  # the demo prints its e-mails on the console
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
        for (name, plan), approvers in DEMO_APPROVALS.items():
            PlanGrant.objects.filter(group__name=name, plan=plan, requires_approval=False).update(
                requires_approval=True,
                approver_group=Group.objects.get(name=approvers),
                approval_environments="production",
            )
