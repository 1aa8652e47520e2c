from django.urls import path

from orchestrator_web.schedules import views

app_name = "schedules"
urlpatterns = [
    path("", views.schedule_list, name="list"),
    path("<str:pe_id>/change/", views.change, name="change"),
    path("<str:pe_id>/remove/", views.remove, name="remove"),
]
