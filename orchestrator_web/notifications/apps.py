from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "orchestrator_web.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from orchestrator_web.jobs.services import job_finished
        from orchestrator_web.notifications.services import on_job_finished

        job_finished.connect(on_job_finished, dispatch_uid="notifications-job-finished")
