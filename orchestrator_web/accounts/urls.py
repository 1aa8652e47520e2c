from django.urls import path

from orchestrator_web.accounts import views
from orchestrator_web.notifications import views as notifications

urlpatterns = [
    path("", views.profile, name="profile"),
    path("whoami", views.whoami, name="whoami"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("token/", views.token_paste, name="token_paste"),
    path("token/login/", views.token_login, name="token_login"),
    path("token/remove/", views.token_remove, name="token_remove"),
    path("api-tokens/", views.api_token_create, name="api_token_create"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("notifications/", notifications.save_choices, name="notification_choices"),
    path("notifications/webhooks/", notifications.add_webhook, name="notification_webhook_add"),
    path("notifications/<int:channel_id>/remove/", notifications.remove_channel, name="notification_remove"),
    path("notifications/<int:channel_id>/test/", notifications.test_channel, name="notification_test"),
]
