"""Request types as our middleware leaves them, for type checking views."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class Request(HttpRequest):
    """Any request: django-htmx has added `htmx`."""

    htmx: HtmxDetails


class SignedInRequest(Request):
    """A request to a view behind login_required: `user` is a signed-in account."""

    user: User  # narrower than HttpRequest's: login_required makes it so
