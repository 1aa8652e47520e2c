from django.urls import path

from orchestrator_web.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<str:plan_name>/", views.launch, name="launch"),
]
