from django.apps import AppConfig
from django.db.models import signals


class PlansConfig(AppConfig):
    name = "orchestrator_web.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from orchestrator_web.plans.aliases import forget
        from orchestrator_web.plans.models import TypeAlias

        signals.post_save.connect(forget, sender=TypeAlias, dispatch_uid="type-aliases-save")
        signals.post_delete.connect(forget, sender=TypeAlias, dispatch_uid="type-aliases-delete")
