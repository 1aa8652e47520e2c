from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from orchestrator_web.rbac.models import GroupProfile, PlanGrant

# login: (password, superuser, what they show in the demo)
DEMO_USERS = {
    "admin": ("admin-demo", True, "superuser: runs everything, sees everything, manages permissions"),
    "alice": ("alice-demo", False, "operator"),
    "bob": ("bob-demo", False, "database operator"),
    "victor": ("victor-demo", False, "auditor"),
}


# group: (members, [(plan, environments)])
DEMO_GROUPS = {
    "Operators": (["alice"], [("webapp::rolling_restart", ""), ("facts::info", ""), ("patching::run", "")]),
    "Database operators": (["bob"], [("db::failover", "production"), ("backup::snapshot", "")]),
    "Developers": (["alice", "bob"], [("*", "development")]),
}


class Command(BaseCommand):
    help = "Create the demo users (idempotent). For demos only: the passwords are public."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        for login, (password, superuser, _) in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=login)
            if created:
                user.set_password(password)
                user.is_superuser = user.is_staff = superuser
                user.save()
                if login == "victor":
                    user.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))
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
