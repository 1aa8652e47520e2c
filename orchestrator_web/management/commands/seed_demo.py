from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

# login: (password, superuser, what they show in the demo)
DEMO_USERS = {
    "admin": ("admin-demo", True, "superuser: runs everything, sees everything, manages permissions"),
    "alice": ("alice-demo", False, "operator"),
    "bob": ("bob-demo", False, "database operator"),
    "victor": ("victor-demo", False, "auditor"),
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
                self.stdout.write(f"created demo user {login}")
