from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "orchestrator_web.api"
    label = "api"
    verbose_name = "JSON API"
