"""The notifications part of the profile page: what to hear about, where, and recent deliveries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from orchestrator_web.http import SignedInRequest
from orchestrator_web.notifications import services
from orchestrator_web.notifications.forms import ChoicesForm, WebhookForm
from orchestrator_web.notifications.models import Channel, Delivery, Kind

RECENT = 10


def profile_context(user: User, webhook_form: WebhookForm | None = None) -> dict[str, Any]:
    """What the profile page's notifications section shows."""
    channels = services.personal_channels(user)
    return {
        "notification_channels": channels,
        "notification_choices": ChoicesForm(channels),
        "webhook_form": webhook_form or WebhookForm(),
        "recent_deliveries": Delivery.objects.filter(Q(recipient=user) | Q(channel__user=user))[:RECENT],
    }


def _own_channel(request: SignedInRequest, channel_id: int) -> Channel:
    return get_object_or_404(Channel, pk=channel_id, user=request.user)


@login_required
@require_POST
def save_choices(request: SignedInRequest) -> HttpResponse:
    form = ChoicesForm(services.personal_channels(request.user), request.POST)
    form.is_valid()  # checkboxes: nothing can be invalid
    services.save_choices(request.user, form.chosen())
    messages.success(request, "Your notification choices are saved.")
    return redirect("profile")


# The URL is a secret: not on Django's error page as a POST value or a local variable.
@sensitive_post_parameters("url")
@sensitive_variables("url")
@login_required
@require_POST
def add_webhook(request: SignedInRequest) -> HttpResponse:
    from orchestrator_web.accounts.views import render_profile

    form = WebhookForm(request.POST)
    if not form.is_valid():
        return render_profile(request, webhook_form=form)
    url = form.cleaned_data["url"]
    channel = services.add_webhook(request.user, form.cleaned_data["name"], url, request)
    messages.success(
        request,
        f"The webhook “{channel.name}” ({channel.url_shown}) is stored. It carries what your e-mail does; "
        "choose below, and send it a test message.",
    )
    return redirect("profile")


@login_required
@require_POST
def remove_channel(request: SignedInRequest, channel_id: int) -> HttpResponse:
    channel = _own_channel(request, channel_id)
    if channel.kind == Kind.EMAIL:
        messages.error(request, "Your e-mail cannot be removed; untick what it should not carry.")
        return redirect("profile")
    services.remove_channel(channel, request)
    messages.success(request, f"The webhook “{channel.name}” is removed.")
    return redirect("profile")


@login_required
@require_POST
def test_channel(request: SignedInRequest, channel_id: int) -> HttpResponse:
    channel = _own_channel(request, channel_id)
    if channel.kind == Kind.EMAIL and not request.user.email:
        messages.error(request, "Your account has no e-mail address: ask an administrator to set it.")
        return redirect("profile")
    services.send_test(channel)
    messages.info(request, f"A test message to “{channel.name}” is queued: its outcome shows under Recent messages.")
    return redirect("profile")
