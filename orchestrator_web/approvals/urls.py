from django.urls import path

from orchestrator_web.approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:job_id>/", views.decide, name="decide"),
]
