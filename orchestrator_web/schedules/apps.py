from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "orchestrator_web.schedules"
