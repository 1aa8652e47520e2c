"""Who calls the API: a personal API token (`Authorization: Bearer ...`), or a browser session.

A token request needs no CSRF token (no browser sends it by itself); a session request does,
as on every page: DRF's SessionAuthentication enforces it for unsafe methods.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from orchestrator_web.accounts import api_tokens
from orchestrator_web.accounts.models import ApiToken


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None  # not ours (Basic ...): the session, if any, decides
        token = token.strip()
        if not token or " " in token:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer <token>.", "token_invalid")
        try:
            row = api_tokens.authenticate(token, request._request)
        except api_tokens.TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message, refused.code) from None
        return row.user, row

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="orchestrator_web"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How drf-spectacular describes the token in the OpenAPI document."""

    target_class = BearerTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on your profile page or with `manage.py create_api_token`.",
        }
