from django.urls import path

from orchestrator_web.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("export.csv", views.job_export, name="export"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/stop/", views.job_stop, name="stop"),
    path("<int:job_id>/run-again/", views.job_run_again, name="run_again"),
]
