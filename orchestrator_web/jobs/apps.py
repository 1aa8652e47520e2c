from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "orchestrator_web.jobs"
    label = "jobs"
    verbose_name = "Jobs"
