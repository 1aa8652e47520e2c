from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.notifications.delivery import queue
from orchestrator_web.notifications.forms import GroupChannelForm
from orchestrator_web.notifications.models import Channel, Delivery, DeliveryState


@admin.register(Channel)
class GroupChannelAdmin(admin.ModelAdmin[Channel]):
    """Groups' channels (a team's chat channel or mailing list), with what they hear about.
    People manage their own channels on their profile page."""

    form = GroupChannelForm
    list_display = ["name", "group", "kind", "url_shown", "address", "plans", "environments", "events"]
    list_filter = ["kind", "group"]
    readonly_fields = ["url_shown"]
    fields = ["group", "name", "kind", "address", "url", "url_shown", "events", "plans", "environments"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Channel]:
        return super().get_queryset(request).filter(group__isnull=False).select_related("group")

    def save_model(self, request: HttpRequest, obj: Channel, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change or "url" in form.changed_data:
            group = obj.group.name if obj.group else ""
            record(Action.CHANNEL_ADDED, group, request=request, channel=obj.name, webhook=obj.url_shown)

    def delete_model(self, request: HttpRequest, obj: Channel) -> None:
        group = obj.group.name if obj.group else ""
        record(Action.CHANNEL_REMOVED, group, request=request, channel=obj.name, webhook=obj.url_shown)
        super().delete_model(request, obj)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    """The delivery log: every message, where to, and how sending it went."""

    list_display = ["created_at", "message", "channel_name", "job", "state", "attempts", "last_error", "sent_at"]
    list_filter = ["state", "message"]
    search_fields = ["channel_name", "subject", "last_error"]
    list_select_related = ["job"]
    actions = ["send_again"]
    FIELDS = (
        "created_at",
        "message",
        "channel",
        "channel_name",
        "recipient",
        "job",
        "subject",
        "body",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    )
    readonly_fields = FIELDS
    fields = FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    @admin.action(description="Send the selected failed deliveries again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        failed = list(queryset.filter(state=DeliveryState.FAILED))
        for delivery in failed:
            Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.FAILED).update(
                state=DeliveryState.RETRYING, attempts=0, next_attempt_at=timezone.now()
            )
            queue(delivery)
        self.message_user(request, f"{len(failed)} failed deliveries queued again.", messages.SUCCESS)
