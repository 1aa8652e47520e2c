"""/audit/: the audit trail for those who may see all of it ("Can view audit trail", superusers),
with filters, free text, keyset pages and a CSV export. Anyone else gets 404, as for a job
outside their scope."""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from orchestrator_web import paging
from orchestrator_web.audit.forms import AuditFilterForm
from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.csv_export import export_links, streaming_csv
from orchestrator_web.http import SignedInRequest
from orchestrator_web.rbac import access

FIELDS = ["id", "at", "actor_name", "address", "action", "target", "details"]
NEWEST_FIRST = paging.Order("at")
ACTION_LABELS = dict(Action.choices)


def _trail_for(request: SignedInRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    """The filtered trail, for those who may see all of it; 404 for anyone else."""
    if not access.sees_audit_trail(request.user):
        raise Http404("No audit trail here.")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # invalid filters are shown and left out; valid ones still apply
    return form, form.filter(access.visible_audit_entries(request.user))


@never_cache
@login_required
@require_GET
def audit_list(request: SignedInRequest) -> HttpResponse:
    form, entries = _trail_for(request)
    before, after = request.GET.get("before"), request.GET.get("after")
    page = paging.keyset_page(entries, FIELDS, NEWEST_FIRST, before, after, settings.JOBS_PER_PAGE)
    export, excel = export_links(reverse("audit:export"), request.GET)
    ctx = {
        "form": form,
        "page": page,
        "list_url": reverse("audit:list"),
        "count_cap": paging.COUNT_CAP,
        "export_url": export,
        "excel_url": excel,
        "people": sorted({row["actor_name"] for row in page.rows}),
        "action_labels": ACTION_LABELS,
    }
    template = "audit/list.html#table" if request.htmx and not request.htmx.boosted else "audit/list.html"
    return render(request, template, ctx)


CSV_COLUMNS = ["at", "actor", "address", "action", "target", "details"]


def _rows(entries: QuerySet[AuditEntry]) -> Iterator[list[Any]]:
    yield CSV_COLUMNS
    # ISO 8601 with the offset, in the site's zone (TIME_ZONE), whoever downloads it.
    site = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    for entry in entries.values_list("at", "actor_name", "address", "action", "target", "details").iterator(
        chunk_size=2000
    ):
        at, actor, address, action, target, details = entry
        yield [
            at.astimezone(site).isoformat(timespec="seconds"),
            actor,
            address or "",
            action,
            target,
            json.dumps(details, ensure_ascii=False, sort_keys=True),
        ]


@never_cache  # the trail is for auditors only: no copy in any cache
@login_required
@require_GET
def audit_export(request: SignedInRequest) -> StreamingHttpResponse:
    """The filtered trail as CSV, newest first, streamed; cells that a spreadsheet would run as
    formulas are kept as text (csv_export)."""
    _, entries = _trail_for(request)
    excel = request.GET.get("excel") == "1"
    return streaming_csv(_rows(entries.order_by(*NEWEST_FIRST.by())), "orchestrator_web-audit.csv", excel=excel)
