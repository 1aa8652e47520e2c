from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from orchestrator_web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", include("orchestrator_web.plans.urls")),
    path("jobs/", include("orchestrator_web.jobs.urls")),
    path("approvals/", include("orchestrator_web.approvals.urls")),
    path("schedules/", include("orchestrator_web.schedules.urls")),
    path("audit/", include("orchestrator_web.audit.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include("orchestrator_web.api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", include("orchestrator_web.accounts.urls")),
    path("admin/", admin.site.urls),
]
