from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orchestrator_web.accounts"
    label = "accounts"
    verbose_name = "Accounts"
