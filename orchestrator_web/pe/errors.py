"""One exception family for everything that can go wrong when talking to PE.

The split that matters most to callers is between `Unreachable` (nothing reached PE, so
nothing started) and `OutcomeUnknown` (the request left, no usable answer came back, so a
plan may have started). Answers PE gave on purpose are `APIError` subclasses, one per
documented `kind` (orchestrator-api.md section 1.5).
"""

from __future__ import annotations

from typing import Any


class PEError(Exception):
    """Base class of every error raised by the PE clients."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotConfigured(PEError):
    """The client cannot be used: a required setting is missing."""


class Unreachable(PEError):
    """Nothing reached PE: connection refused, DNS failure, TLS failure, connect timeout."""


class OutcomeUnknown(PEError):
    """The request was sent but no usable answer came back (read timeout, dropped
    connection, 5xx). For a POST the command may or may not have taken effect."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UnexpectedResponse(PEError):
    """PE answered, but not with the JSON shape the API documents."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class APIError(PEError):
    """PE answered with a documented error body `{kind, msg, details}`."""

    kinds: tuple[str, ...] = ()

    def __init__(self, status: int, kind: str, msg: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(msg or kind)
        self.status = status
        self.kind = kind
        self.msg = msg
        self.details = details or {}

    def __str__(self) -> str:
        return f"{self.msg} ({self.kind}, HTTP {self.status})"


class ValidationError(APIError):
    # The Ruby client maps the puppetlabs.validators spelling; the docs use the other.
    kinds = ("puppetlabs.orchestrator/validation-error", "puppetlabs.validators/validation-error")


class NotPermitted(APIError):
    kinds = ("puppetlabs.orchestrator/not-permitted",)


class UnknownEnvironment(APIError):
    kinds = ("puppetlabs.orchestrator/unknown-environment",)


class UnknownPlan(APIError):
    kinds = ("puppetlabs.orchestrator/unknown-plan",)


class UnknownJob(APIError):
    kinds = ("puppetlabs.orchestrator/unknown-job",)


class MismatchedJobEventId(APIError):
    kinds = ("puppetlabs.orchestrator/mismatched-job-event-id",)


class DisabledScheduledJob(APIError):
    """A scheduled job that was disabled (PE's soft delete) cannot be edited (section 2.3)."""

    kinds = ("puppetlabs.orchestrator/disabled-scheduled-job",)


class InvalidTime(APIError):
    """A schedule's start time PE will not take, such as one in the past (section 1.5)."""

    kinds = ("puppetlabs.orchestrator/invalid-time",)


class TargetProblem(APIError):
    """A `query` or `node_group` parameter PE could not turn into targets (section 2.3)."""

    kinds = (
        "puppetlabs.orchestrator/empty-environment",
        "puppetlabs.orchestrator/empty-target",
        "puppetlabs.orchestrator/puppetdb-error",
        "puppetlabs.orchestrator/query-error",
    )


class AuthenticationError(APIError):
    """PE refused the token (HTTP 401, one of the puppetlabs.rbac kinds)."""


class UserUnauthenticated(AuthenticationError):
    kinds = ("puppetlabs.rbac/user-unauthenticated",)


class TokenExpired(AuthenticationError):
    kinds = ("puppetlabs.rbac/token-expired",)


class TokenRevoked(AuthenticationError):
    kinds = ("puppetlabs.rbac/token-revoked",)


class InvalidToken(AuthenticationError):
    kinds = ("puppetlabs.rbac/invalid-token",)


class UserRevoked(AuthenticationError):
    kinds = ("puppetlabs.rbac/user-revoked",)


_BY_KIND: dict[str, type[APIError]] = {
    kind: cls
    for cls in (
        ValidationError,
        NotPermitted,
        UnknownEnvironment,
        UnknownPlan,
        UnknownJob,
        MismatchedJobEventId,
        DisabledScheduledJob,
        InvalidTime,
        TargetProblem,
        UserUnauthenticated,
        TokenExpired,
        TokenRevoked,
        InvalidToken,
        UserRevoked,
    )
    for kind in cls.kinds
}


def api_error(status: int, kind: str, msg: str, details: dict[str, Any] | None) -> APIError:
    """Build the most specific APIError for a `kind`; unknown kinds keep the base class."""
    cls = _BY_KIND.get(kind)
    if cls is None and status == 401:
        cls = AuthenticationError
    return (cls or APIError)(status, kind, msg, details)
