from __future__ import annotations

import json
from typing import Any

from django import template
from django.contrib.auth.models import Permission
from django.db.models import Q

from orchestrator_web.rbac import access

register = template.Library()


@register.simple_tag(takes_context=True)
def shows_audit_trail(context: dict[str, Any]) -> bool:
    """Does the menu link to the audit page? What access.sees_audit_trail says, at most one query.

    Every page has the menu. Asking `has_perm` reads a person's permissions with two queries, which
    pages that never needed them (the catalogue) would pay; so unless they were read already
    (the history reads them) or the person is a superuser, one query asks for just this one.
    tests/audit/test_audit_page.py holds the two answers to be the same."""
    person = access.signed_in(context.get("user"))  # type: ignore[arg-type]  # None: an error page without a user
    if person is None:
        return False
    if person.is_superuser or hasattr(person, "_perm_cache"):  # ModelBackend's cache of the permissions read
        return access.sees_audit_trail(person)
    trail = Permission.objects.filter(content_type__app_label="audit", codename="view_audit_trail")
    return trail.filter(Q(user=person) | Q(group__user=person)).exists()


@register.filter
def detail(value: Any) -> str:
    """A value of an entry's details as text: a list or a mapping as JSON, nothing as a dash."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value is None or value == "" else str(value)
