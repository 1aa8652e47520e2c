"""Who may do what. Every permission decision in orchestrator_web is a function here.

Views call these on every request; templates only hide what these would refuse.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, NoReturn

from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.models import User as Account
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.audit.services import record
from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac.models import PlanGrant

User = Account | AnonymousUser  # whoever makes a request, signed in or not


def signed_in(user: User) -> Account | None:
    """The person if they are signed in with an active account, else None."""
    return user if isinstance(user, Account) and user.is_active else None


def grants_of(user: User) -> list[PlanGrant]:
    """The plan grants of every group the user is in (one query)."""
    person = signed_in(user)
    return list(PlanGrant.objects.filter(group__user=person)) if person else []


def can_run(user: User, plan_name: str, environment: str, grants: list[PlanGrant] | None = None) -> bool:
    """May `user` run `plan_name` in `environment`? Superusers may run everything."""
    person = signed_in(user)
    if person is None:
        return False
    if person.is_superuser:
        return True
    grants = grants_of(person) if grants is None else grants
    return any(grant.allows(plan_name, environment) for grant in grants)


def _grants_unless_superuser(user: User) -> list[PlanGrant]:
    return [] if user.is_superuser else grants_of(user)  # an anonymous user is no superuser


def runnable_plans(user: User, environment: str, plan_names: Iterable[str]) -> list[str]:
    """The names among `plan_names` that `user` may run in `environment`, in order."""
    grants = _grants_unless_superuser(user)
    return [name for name in plan_names if can_run(user, name, environment, grants)]


def runnable_environments(user: User, plan_name: str, environments: Iterable[str]) -> list[str]:
    """The environments among `environments` where `user` may run `plan_name`."""
    grants = _grants_unless_superuser(user)
    return [env for env in environments if can_run(user, plan_name, env, grants)]


def team_mates(user: User) -> QuerySet[Account]:
    """People who share a team group with `user` (`user` included when in a team)."""
    return Account.objects.filter(groups__in=teams_of(user)).distinct()


def teams_of(user: User) -> QuerySet[Group]:
    """The team groups `user` is in."""
    person = signed_in(user)
    return Group.objects.filter(user=person, profile__is_team=True) if person else Group.objects.none()


TEAM_CHOICES_SECONDS = 60
_TEAMS_VERSION = "team-choices:version"


def team_choices(user: User) -> list[tuple[int, str]]:
    """(id, name) of the teams `user` may filter the history by, by name: every team for those
    who see every job, otherwise their own.

    Every history page shows them, so they are cached for a minute. A change to groups, team
    flags or memberships shows at once in the server process that made it, and within the
    minute in the others (unless the cache is shared). Only the filter's list can be late:
    which jobs someone sees is always read afresh (visible_jobs).
    """
    everyone = sees_all_jobs(user)
    version = cache.get_or_set(_TEAMS_VERSION, time.time_ns, timeout=None)
    key = f"team-choices:{version}:{'all' if everyone else user.pk}"
    choices = cache.get(key)
    if choices is None:
        teams = Group.objects.filter(profile__is_team=True) if everyone else teams_of(user)
        choices = list(teams.order_by("name").values_list("pk", "name"))
        cache.set(key, choices, TEAM_CHOICES_SECONDS)
    return choices


def forget_team_choices(**_: Any) -> None:
    """A receiver for every change to groups, team flags and memberships (rbac/apps.py)."""
    _new_teams_version()
    # And again once committed: a page read in between still saw the old teams.
    transaction.on_commit(_new_teams_version)


def _new_teams_version() -> None:
    cache.set(_TEAMS_VERSION, time.time_ns(), timeout=None)


def sees_all_jobs(user: User) -> bool:
    """Superusers and holders of "Can view all jobs" (auditors) see every job."""
    person = signed_in(user)
    return bool(person and (person.is_superuser or person.has_perm("jobs.view_all_jobs")))


def visible_jobs(user: User) -> QuerySet[Job]:
    """The jobs `user` may see: their own; their team mates' (groups marked as teams);
    every job for superusers and holders of "Can view all jobs" (auditors)."""
    person = signed_in(user)
    if person is None:
        return Job.objects.none()
    if sees_all_jobs(person):
        return Job.objects.all()
    return Job.objects.filter(Q(requested_by=person) | Q(requested_by__in=team_mates(person).values("pk")))


def sees_audit_trail(user: User) -> bool:
    """Superusers and holders of "Can view audit trail" (auditors) see every audit entry."""
    person = signed_in(user)
    return bool(person and (person.is_superuser or person.has_perm("audit.view_audit_trail")))


def visible_audit_entries(user: User) -> QuerySet[AuditEntry]:
    """The audit entries `user` may see: all for auditors, otherwise only their own."""
    person = signed_in(user)
    if person is None:
        return AuditEntry.objects.none()
    if sees_audit_trail(person):
        return AuditEntry.objects.all()
    return AuditEntry.objects.filter(actor=person)


def get_job_for_user(user: User, job_id: int) -> Job:
    """The job if `user` may see it; otherwise 404, which does not confirm it exists."""
    return get_object_or_404(visible_jobs(user), pk=job_id)


def can_stop(user: User, job: Job) -> bool:
    """The requester may stop their job; so may holders of "Can stop any job" who can see it."""
    person = signed_in(user)
    if person is None:
        return False
    return job.requested_by_id == person.pk or person.is_superuser or person.has_perm("jobs.stop_any_job")


def deny(request: HttpRequest, message: str, target: str) -> NoReturn:
    """Refuse with 403, and keep the attempt in the audit trail."""
    record(Action.DENIED, target, request=request, path=request.path, method=request.method, reason=message)
    raise PermissionDenied(message)
