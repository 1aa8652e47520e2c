from django.urls import path, re_path

from orchestrator_web.api import views

app_name = "api"
urlpatterns = [
    path("whoami", views.whoami, name="whoami"),
    path("plans", views.plan_list, name="plans"),
    path("plans/<str:plan_name>", views.plan_detail, name="plan"),
    path("jobs", views.jobs, name="jobs"),
    path("jobs/<int:job_id>", views.job_detail, name="job"),
    path("jobs/<int:job_id>/events", views.job_events, name="job_events"),
    path("jobs/<int:job_id>/stop", views.job_stop, name="job_stop"),
    path("jobs/<int:job_id>/approve", views.job_approve, name="job_approve"),
    path("jobs/<int:job_id>/reject", views.job_reject, name="job_reject"),
    path("jobs/<int:job_id>/withdraw", views.job_withdraw, name="job_withdraw"),
    path("approvals", views.approval_list, name="approvals"),
    path("openapi.json", views.OpenApiView.as_view(), name="openapi"),
    path("docs", views.DocsView.as_view(), name="docs"),
    # Last: whatever else is asked under /api/v1/ answers a JSON 404.
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
