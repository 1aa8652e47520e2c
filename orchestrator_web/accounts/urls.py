from django.urls import path

from orchestrator_web.accounts import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("whoami", views.whoami, name="whoami"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("token/", views.token_paste, name="token_paste"),
    path("token/login/", views.token_login, name="token_login"),
    path("token/remove/", views.token_remove, name="token_remove"),
]
