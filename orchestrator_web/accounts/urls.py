from django.urls import path

from orchestrator_web.accounts import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("whoami", views.whoami, name="whoami"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("token/", views.token_paste, name="token_paste"),
    path("token/login/", views.token_login, name="token_login"),
    path("token/remove/", views.token_remove, name="token_remove"),
    path("api-tokens/", views.api_token_create, name="api_token_create"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
