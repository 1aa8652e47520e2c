from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "orchestrator_web.approvals"
    label = "approvals"
    verbose_name = "Approvals"
