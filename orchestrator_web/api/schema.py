"""OpenAPI details drf-spectacular cannot see by itself: the history's filters, taken from the
history's own form so the two cannot drift apart, and the error answers."""

from __future__ import annotations

from typing import Any

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from orchestrator_web.api.serializers import ErrorSerializer

ERROR_WORDS = {
    400: "A field, header or query parameter is not valid, or the body is not a JSON object (`fields` says which).",
    401: "No credentials, or a token that is not valid, expired, revoked, or whose owner is deactivated.",
    403: "The caller may not do this (recorded in the audit trail).",
    404: "Nothing of that name within the caller's reach.",
    409: "Conflicts with the current state: an Idempotency-Key used for another launch, a job that cannot be stopped.",
    413: "The body is larger than API_MAX_BODY_BYTES.",
    415: "The body is not application/json.",
    429: "Too many launches with this token in the last minute (API_RATE_LIMIT); see Retry-After.",
    502: "PE could not be asked, or its answer could not be used.",
    503: "PE is busy or failing just now; nothing was sent. See Retry-After.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers of an operation (401 and 405 apply to every one)."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_WORDS[code]) for code in (401, *codes)}


def form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """Query parameters for each field of a Django form that reads the query string."""
    parameters = []
    for name, field in form_class.base_fields.items():
        schema: dict[str, Any]
        enum = None
        if isinstance(field, forms.TypedChoiceField) and field.coerce is int:
            schema = {"type": "integer"}
        elif isinstance(field, forms.ChoiceField) and field.choices:
            schema = {"type": "string"}
            enum = [str(value) for value, _ in list(field.choices) if value != ""]  # type: ignore[arg-type]
        elif isinstance(field, forms.DateField):
            schema = {"type": "string", "format": "date"}
        else:
            schema = {"type": "string"}
            max_length = getattr(field, "max_length", None)
            if max_length:
                schema["maxLength"] = max_length
        parameters.append(
            OpenApiParameter(
                name,
                schema if enum is None else OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description=str(field.label or name.replace("_", " ").capitalize()),
                enum=enum,
            )
        )
    return parameters


def close_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook: request bodies take no keys besides those described (the API
    refuses unknown keys, since a misspelt one would otherwise be dropped silently)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
