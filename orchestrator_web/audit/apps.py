from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "orchestrator_web.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from orchestrator_web.audit import signals  # noqa: F401 - connects the login receivers
