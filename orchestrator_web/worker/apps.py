from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "orchestrator_web.worker"
    label = "worker"
    verbose_name = "Background worker"

    def ready(self) -> None:
        # The periodic tasks register themselves when their module is imported.
        from orchestrator_web.worker import tasks  # noqa: F401
