from __future__ import annotations

from typing import Any

from axes.management.commands import axes_reset_username

from orchestrator_web.accounts.protection import unlock


class Command(axes_reset_username.Command):
    """django-axes' command, recorded in the audit trail like the admin's Unlock (this app comes
    before axes in INSTALLED_APPS, so its command wins)."""

    help = "Lift the login lockouts of the given usernames (from every address); recorded in the audit trail"

    def handle(self, *args: Any, **options: Any) -> None:
        count = sum(
            unlock(username, actor_name="axes_reset_username", source="command") for username in options["username"]
        )
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
