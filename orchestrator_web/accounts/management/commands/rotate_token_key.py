from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from orchestrator_web.accounts.services import rotate_token_key
from orchestrator_web.notifications.services import rotate_urls


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored personal PE token, and every notification webhook URL, with the "
        "newest of TOKEN_ENCRYPTION_KEYS (the first), so the older keys can then be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        result = rotate_token_key(dry_run=dry_run)
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(
            f"{result.rotated} personal token{'s' if result.rotated != 1 else ''} {verb} with the newest key; "
            f"{result.current} already under it."
        )
        if result.unreadable:
            names = ", ".join(result.unreadable)
            self.stderr.write(
                f"{len(result.unreadable)} token{'s' if len(result.unreadable) != 1 else ''} no key opens "
                f"(left as they are; their owners must store them again on their profile page): {names}"
            )
        webhooks = rotate_urls(dry_run=dry_run)
        if webhooks.rotated or webhooks.current:
            self.stdout.write(
                f"{webhooks.rotated} webhook URL{'s' if webhooks.rotated != 1 else ''} {verb} with the newest key; "
                f"{webhooks.current} already under it."
            )
        if webhooks.unreadable:
            self.stderr.write(
                f"{len(webhooks.unreadable)} webhook URL(s) no key opens (left as they are; add them again): "
                + ", ".join(webhooks.unreadable)
            )
