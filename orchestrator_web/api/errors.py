"""Every answer under /api/v1/ that is not a success: `{"error": {"code", "message", "fields"}}`.

DRF's exceptions, Django's Http404 and PermissionDenied (raised by rbac), PE errors that keep
a request from being served, and anything unexpected all come out in this one shape.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from orchestrator_web.explain import explain
from orchestrator_web.pe import errors as pe_errors
from orchestrator_web.pe.guard import CircuitOpen, PEBusy

log = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the resource's current state."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


class PEFailed(exceptions.APIException):
    """PE was asked and the request failed (its words in the message)."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "pe_error"
    code_name = "pe_error"


class PEUnavailable(exceptions.APIException):
    """PE could not be asked (502), or was not asked because it is busy or failing (503)."""

    status_code: int = status.HTTP_502_BAD_GATEWAY
    default_code = "pe_unavailable"

    def __init__(self, error: pe_errors.PEError) -> None:
        super().__init__(explain(error))
        self.retry_after: int | None = None
        if isinstance(error, PEBusy):
            self.status_code, self.code_name, self.retry_after = 503, "pe_busy", 1
        elif isinstance(error, CircuitOpen):
            self.status_code, self.code_name = 503, "pe_unavailable"
            self.retry_after = max(1, math.ceil(error.retry_at - time.time()))
        else:
            self.code_name = "pe_error"


# The codes an error may carry, one per kind of failure; the OpenAPI description lists them.
CODES = {
    "invalid": "A field, header or query parameter is not valid (`fields` says which).",
    "malformed_request": "The body is not a JSON object that can be read.",
    "not_authenticated": "No credentials were given.",
    "token_invalid": "The token is not one of this site's.",
    "token_expired": "The token has expired.",
    "token_revoked": "The token was revoked.",
    "user_inactive": "The token's owner is deactivated.",
    "authentication_failed": "The credentials were refused.",
    "permission_denied": "The caller may not do this.",
    "not_found": "Nothing of that name is within the caller's reach.",
    "method_not_allowed": "The method is not allowed on this path.",
    "not_acceptable": "The response cannot be given in a type the Accept header allows.",
    "unsupported_media_type": "The body is not application/json.",
    "conflict": "The request conflicts with the state of the resource (an Idempotency-Key reused, a finished job).",
    "payload_too_large": "The body is larger than API_MAX_BODY_BYTES.",
    "throttled": "Too many launches with this token in the last minute.",
    "pe_error": "PE could not be asked, or gave an answer that could not be used.",
    "pe_busy": "Too many requests of this server wait on PE already; nothing was sent.",
    "pe_unavailable": "PE failed repeatedly just now; it is not asked for a few seconds.",
    "internal_error": "An error of this server; it is in the server log.",
}

_DRF_CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_response(
    status_code: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    response = Response({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status_code)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [f"{key}: {m}" for key, value in detail.items() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item)]
    return [str(detail)]


def _fields(detail: Any) -> tuple[list[str], dict[str, list[str]]]:
    """(messages about the request as a whole, {field: messages}) of a ValidationError."""
    if not isinstance(detail, dict):
        return _messages(detail), {}
    general = _messages(detail.get("non_field_errors", []))
    fields = {str(key): _messages(value) for key, value in detail.items() if key != "non_field_errors"}
    return general, fields


def handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception of an API view, as the error shape."""
    set_rollback()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if exc.args and str(exc) else "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "You may not do this.")
    elif isinstance(exc, pe_errors.PEError):
        exc = PEUnavailable(exc)

    if isinstance(exc, exceptions.ValidationError):
        general, fields = _fields(exc.detail)
        message = " ".join(general) or "Some fields are not valid; see fields."
        return error_response(400, "invalid", message, fields)
    if isinstance(exc, PEUnavailable):
        retry = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        return error_response(exc.status_code, exc.code_name, str(exc.detail), headers=retry)
    if isinstance(exc, exceptions.APIException):
        code = getattr(exc, "code_name", None) or _code(exc)
        message = " ".join(_messages(exc.detail))
        headers: dict[str, str] = {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        auth = getattr(exc, "auth_header", None)
        if auth:
            headers["WWW-Authenticate"] = auth
        return error_response(exc.status_code, code, message, headers=headers)
    log.exception("API: unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on the server; it is in the server log.")


def _code(exc: exceptions.APIException) -> str:
    for kind, code in _DRF_CODES.items():
        if isinstance(exc, kind):
            detail_code = getattr(exc.detail, "code", None)
            return detail_code if isinstance(detail_code, str) and detail_code in CODES else code
    return str(getattr(exc, "default_code", "error"))
