from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "orchestrator_web.plans"
    label = "plans"
    verbose_name = "Plans"
