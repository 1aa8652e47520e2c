from django.apps import AppConfig


class OrchestratorWebConfig(AppConfig):
    """The site itself: health check, shared templates tags and management commands."""

    name = "orchestrator_web"
    verbose_name = "orchestrator_web"
