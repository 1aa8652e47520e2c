from django.apps import AppConfig


class RbacConfig(AppConfig):
    name = "orchestrator_web.rbac"
    label = "rbac"
    verbose_name = "Permissions"
