from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orchestrator_web.accounts import api_tokens


class Command(BaseCommand):
    help = (
        "Make an API token for a person (an automation account, say) and print it alone on one line. "
        "Only its digest is kept: it cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for (up to 100 characters).")
        parser.add_argument(
            "--expires-days", type=int, default=None, help=f"Days until it expires (1 to {api_tokens.MAX_DAYS})."
        )

    def handle(self, *args: Any, username: str, name: str, expires_days: int | None, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username} is deactivated: a token of theirs would not work.")
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters.")
        if expires_days is not None and not 1 <= expires_days <= api_tokens.MAX_DAYS:
            raise CommandError(f"--expires-days must be between 1 and {api_tokens.MAX_DAYS}.")
        _, token = api_tokens.create(user, name, expires_days, actor_name="create_api_token")
        self.stdout.write(token)
