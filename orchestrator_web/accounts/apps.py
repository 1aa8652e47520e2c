from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orchestrator_web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from orchestrator_web.accounts import (
            protection,  # noqa: F401 - counts failed logins per address
            zones,  # noqa: F401 - a person's time zone into their session
        )
