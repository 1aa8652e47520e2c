"""Plain-words explanations of PE errors, for pages and messages."""

from __future__ import annotations

from orchestrator_web.pe import errors, guard


def explain(error: errors.PEError, service: str = "orchestrator") -> str:
    """One sentence a person can act on. Never includes a token."""
    if isinstance(getattr(error, "explained", None), str):  # explained once already (a remembered failure)
        return str(error.explained)  # type: ignore[attr-defined]
    if isinstance(error, errors.NotConfigured):
        return f"The {service} connection is not configured: {error.message}."
    if isinstance(error, (guard.PEBusy, guard.CircuitOpen)):
        return f"{error.message[0].upper()}{error.message[1:]}. Nothing was sent; try again in a moment."
    if isinstance(error, errors.Unreachable):
        return f"The {service} could not be reached: {error.message}."
    if isinstance(error, errors.OutcomeUnknown):
        return f"The {service} did not answer in time or failed: {error.message}."
    if isinstance(error, errors.UnexpectedResponse):
        return f"The {service} gave an answer that could not be understood ({error.message})."
    if isinstance(error, errors.TokenExpired):
        return f"The {service} rejected the token: it has expired. A new token is needed."
    if isinstance(error, errors.TokenRevoked):
        return f"The {service} rejected the token: it has been revoked. A new token is needed."
    if isinstance(error, errors.UserRevoked):
        return f"The {service} rejected the token: its PE user account has been revoked."
    if isinstance(error, errors.AuthenticationError):
        return f"The {service} rejected the token (it is missing or not valid)."
    if isinstance(error, errors.NotPermitted):
        return f"PE refused: you are not permitted to do this ({error.msg})."
    if isinstance(error, errors.APIError):
        return f"PE refused the request: {(error.msg or error.kind).rstrip('.')}."
    return f"The {service} request failed: {error.message}."
