"""Django's debug error page, without the secrets people type."""

from __future__ import annotations

from typing import Any

from django.views.debug import SafeExceptionReporterFilter


class SecretsHiddenFilter(SafeExceptionReporterFilter):
    """Hides what views mark with sensitive_post_parameters and sensitive_variables (passwords,
    PE tokens, Sensitive plan parameters) on the DEBUG error page too, not only in error reports
    when DEBUG is off: a development or staging console still handles real secrets."""

    def is_active(self, request: Any) -> bool:
        return True
