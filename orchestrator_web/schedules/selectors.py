"""Reading schedules: PE's list (the truth about each one), with who made it here and what the
reader may see and do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import Http404

from orchestrator_web.connection import orchestrator
from orchestrator_web.explain import explain
from orchestrator_web.pe import errors
from orchestrator_web.pe.types import ScheduledJob
from orchestrator_web.plans import catalogue
from orchestrator_web.rbac import access
from orchestrator_web.rbac.access import User
from orchestrator_web.schedules.models import Schedule, Status
from orchestrator_web.schedules.services import adopt, is_ours
from orchestrator_web.schedules.timing import every_words

PAGE = 200
MAX_PAGES = 10  # PE's scheduler holds a few hundred schedules at most in practice
HIDDEN = "(sensitive: PE keeps it; not shown)"


@dataclass
class Row:
    """One schedule as the page shows it. `values` are its parameters with Sensitive ones
    replaced by HIDDEN; `notes` say what was done to it in PE directly."""

    pe: ScheduledJob
    local: Schedule | None
    values: dict[str, Any]
    secret_names: list[str]
    can_manage: bool
    notes: list[str] = field(default_factory=list)
    # Why a change would be refused though the reader manages it (no grant to schedule the plan
    # there now, or its grant requires approval): the list then offers Remove only.
    no_change: str = ""

    @property
    def removed(self) -> bool:
        return not self.pe.enabled

    @property
    def ran_once(self) -> bool:
        """A one-time schedule PE has run: still enabled in PE, with no run left."""
        return self.pe.enabled and self.pe.schedule.interval_seconds is None and self.pe.next_run_time is None

    @property
    def next_run(self) -> datetime | None:
        return self.pe.next_run_time if self.pe.enabled else None

    @property
    def repeats(self) -> str:
        return every_words(self.pe.schedule.interval_seconds)


@dataclass
class Listing:
    active: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    problem: str = ""


def _secret_names(item: ScheduledJob, local: Schedule | None) -> list[str] | None:
    """Which parameters are Sensitive: as recorded here, else from the plan's metadata; None
    when that cannot be told (all values are then hidden)."""
    if local is not None:
        return list(local.sensitive_params)
    try:
        parameters = catalogue.plan_parameters(catalogue.plan_detail(item.plan_name, item.environment))
    except (errors.PEError, ValueError):
        return None
    return [name for name, p in parameters.items() if p.secret]


def _row(item: ScheduledJob, local: Schedule | None, can_manage: bool) -> Row:
    names = _secret_names(item, local)
    secret = list(item.parameters) if names is None else [n for n in item.parameters if n in names]
    values = {k: (HIDDEN if k in secret else v) for k, v in item.parameters.items()}
    row = Row(item, local, values, secret, can_manage)
    if local is None:
        row.notes.append("Made in PE directly, not here.")
    else:
        if not item.enabled and local.status != Status.REMOVED:
            row.notes.append("Disabled in PE directly.")
        shown = {k: v for k, v in item.parameters.items() if k not in secret}
        if (item.schedule.start_time, item.schedule.interval_seconds) != (local.start_time, local.interval_seconds):
            row.notes.append("Its time or interval was changed in PE directly.")
        elif shown != local.params or item.plan_name != local.plan_name or item.environment != local.environment:
            row.notes.append("Its plan or values were changed in PE directly.")
    return row


def _pe_schedules() -> list[ScheduledJob]:
    client = orchestrator()
    items: list[ScheduledJob] = []
    for number in range(MAX_PAGES):
        page = client.list_scheduled_jobs(type="plan", order_by="next_run_time", limit=PAGE, offset=number * PAGE)
        items.extend(page.items)
        if len(page.items) < PAGE or len(items) >= page.total:
            break
    return items


def schedules_for(user: User) -> Listing:
    """The plan schedules PE holds that `user` may see (rbac.sees_schedule: their own, their
    team's; everyone's, and those made in PE directly, for "Can view all jobs"), next run
    first; removed (disabled) ones apart. A PE failure is `problem`, in words."""
    listing = Listing()
    try:
        items = [item for item in _pe_schedules() if item.type == "plan"]
    except errors.PEError as exc:
        listing.problem = explain(exc)
        return listing
    adopt(items)
    local = {s.pe_scheduled_job_id: s for s in Schedule.objects.filter(pe_scheduled_job_id__in=[i.name for i in items])}
    # Who sees and who manages what, worked out once for the whole list (access.sees_schedule
    # and access.can_manage_schedule, without a query per schedule).
    everyone = access.sees_all_jobs(user)
    seen_ids = set() if everyone else _seen_creators(user)
    manager = access.manages_any_schedule(user)
    refusals: dict[tuple[str, str], str] = {}  # one check per plan and environment
    for item in items:
        mine = local.get(item.name)
        if mine is not None and not is_ours(item, mine):
            mine = None  # PE's id is taken by a schedule that does not carry our key: made in PE
        if not everyone and (mine is None or mine.created_by_id not in seen_ids):
            continue
        creator = mine.created_by_id if mine else None
        row = _row(item, mine, manager or (creator is not None and creator == user.pk))
        if row.can_manage and not row.removed:
            where = (item.plan_name, item.environment)
            if where not in refusals:
                refusals[where] = change_refusal(user, *where)
            row.no_change = refusals[where]
        (listing.removed if row.removed else listing.active).append(row)
    return listing


def change_refusal(user: User, plan_name: str, environment: str) -> str:
    """Why `user` may not change a schedule of `plan_name` in `environment` (empty: they may, if
    they manage it): the grant to schedule it is checked again, and four eyes apply."""
    if not access.can_schedule(user, plan_name, environment):
        return (
            f"You may not schedule {plan_name} in {environment} now, so you may not change this schedule. "
            "You may still remove it."
        )
    if access.approval_rule(user, plan_name, environment, how=access.SCHEDULE) is not None:
        return NEEDS_APPROVAL
    return ""


NEEDS_APPROVAL = (
    "Changes to this schedule need approval: remove it and schedule it again; the new request waits for approval."
)


def _seen_creators(user: User) -> set[int | None]:
    person = access.signed_in(user)
    if person is None:
        return set()
    return {person.pk, *access.team_mates(person).values_list("pk", flat=True)}


def schedule_for_user(user: User, pe_id: str) -> Row:
    """One schedule from PE if `user` may see it; otherwise 404 (which does not confirm it
    exists). Raises PEError when PE cannot be asked."""
    if not pe_id.isdecimal() or len(pe_id) > 18:
        raise Http404("That is not a schedule id.")
    local = Schedule.objects.filter(pe_scheduled_job_id=pe_id).first()
    if not access.sees_schedule(user, local.created_by_id if local else None):
        raise Http404("No such schedule.")
    try:
        item = orchestrator().get_scheduled_job(pe_id)
    except errors.APIError as exc:
        if exc.status == 404:
            raise Http404("PE has no such schedule.") from exc
        raise
    if item.type != "plan":
        raise Http404("That schedule does not run a plan.")
    if local is not None and not is_ours(item, local):
        local = None  # PE's id is taken by a schedule made in PE directly: not this row's
        if not access.sees_schedule(user, None):
            raise Http404("No such schedule.")
    return _row(item, local, access.can_manage_schedule(user, local.created_by_id if local else None))
