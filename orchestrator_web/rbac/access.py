"""Who may do what. Every permission decision in orchestrator_web is a function here.

Views call these on every request; templates only hide what these would refuse.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.models import User as Account
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.audit.services import record
from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac.models import PlanGrant

User = Account | AnonymousUser  # whoever makes a request, signed in or not


def signed_in(user: User) -> Account | None:
    """The person if they are signed in with an active account, else None."""
    return user if isinstance(user, Account) and user.is_active else None


# Grants read for a person are kept on their user object, as Django keeps their permissions
# (ModelBackend's _perm_cache): a request loads its user afresh, so a launch that asks about its
# grants several times (the form, the review, the rule, "Run plan") reads them once. Any change
# to a grant or a membership in this process (rbac/apps.py) makes every kept copy stale at once.
_grants_version = 0


def grants_of(user: User) -> list[PlanGrant]:
    """The plan grants of every group the user is in: one query per request (see above)."""
    person = signed_in(user)
    if person is None:
        return []
    kept = person.__dict__.get("_plan_grants")
    if kept is not None and kept[0] == _grants_version:
        return list(kept[1])
    grants = list(PlanGrant.objects.filter(group__user=person))
    person.__dict__["_plan_grants"] = (_grants_version, grants)
    return list(grants)


def forget_grants(**_: Any) -> None:
    """A receiver for every change to grants, groups and memberships (rbac/apps.py)."""
    global _grants_version
    _grants_version += 1


NOW, SCHEDULE = "now", "schedule"  # how a plan is launched: at once, or through PE's scheduler


def can_run(
    user: User, plan_name: str, environment: str, grants: list[PlanGrant] | None = None, *, how: str | None = NOW
) -> bool:
    """May `user` run `plan_name` in `environment` now (`how="now"`), schedule it in PE's
    scheduler (`how="schedule"`), or either (`how=None`, for showing the plan)? A grant allows
    both unless it says "Run now only" or "Schedule only". Superusers may do everything."""
    person = signed_in(user)
    if person is None:
        return False
    if person.is_superuser:
        return True
    grants = grants_of(person) if grants is None else grants
    return any(grant.allows(plan_name, environment, how) for grant in grants)


def can_schedule(user: User, plan_name: str, environment: str) -> bool:
    """May `user` schedule `plan_name` in `environment` (orchestrator-api.md section 2.3)?"""
    return can_run(user, plan_name, environment, how=SCHEDULE)


def _grants_unless_superuser(user: User) -> list[PlanGrant]:
    return [] if user.is_superuser else grants_of(user)  # an anonymous user is no superuser


def runnable_plans(user: User, environment: str, plan_names: Iterable[str], *, how: str | None = NOW) -> list[str]:
    """The names among `plan_names` that `user` may run in `environment` (`how` as for
    can_run), in order."""
    grants = _grants_unless_superuser(user)
    return [name for name in plan_names if can_run(user, name, environment, grants, how=how)]


def runnable_environments(
    user: User, plan_name: str, environments: Iterable[str], *, how: str | None = NOW
) -> list[str]:
    """The environments among `environments` where `user` may run `plan_name` (`how` as for
    can_run)."""
    grants = _grants_unless_superuser(user)
    return [env for env in environments if can_run(user, plan_name, env, grants, how=how)]


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
    return Job.objects.filter(_own_or_team(person))


def _own_or_team(person: Account) -> Q:
    return Q(requested_by=person) | Q(requested_by__in=team_mates(person).values("pk"))


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
    return _job_or_404(visible_jobs(user), job_id)


def _job_or_404(jobs: QuerySet[Job], job_id: int) -> Job:
    """The job, or 404 in words that neither confirm nor deny that it exists."""
    try:
        return jobs.get(pk=job_id)
    except Job.DoesNotExist:
        raise Http404("There is no such job, or it is not yours to see (or to approve).") from None


def get_job_to_review(user: User, job_id: int) -> Job:
    """The job if `user` may see it (get_job_for_user) or was asked to approve it (a member of
    its approver group); otherwise 404. For the job page and the approvals pages."""
    person = signed_in(user)
    if person is None:
        raise Http404("No such job.")
    jobs = Job.objects.select_related("approval")
    if not sees_all_jobs(person):
        jobs = jobs.filter(_own_or_team(person) | Q(approval__approver_group__in=approver_groups(person).values("pk")))
    return _job_or_404(jobs, job_id)


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


# -- approvals (four eyes) -------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalRule:
    """What a launch waits for: `count` approvals by members of the group `group_id` (None when
    that group was deleted: nobody may approve). `grant` names the grant it comes from."""

    group_id: int | None
    group_name: str
    count: int
    grant: str


def approval_rule(user: User, plan_name: str, environment: str, *, how: str = NOW) -> ApprovalRule | None:
    """Must `user`'s launch of `plan_name` in `environment` (`how`: "now", or "schedule" for a
    schedule, approved once before it is sent to PE) be approved first, and by whom?

    Grants add up, as PE's roles do: a person with any grant that lets them run it without
    approval there needs none. Otherwise the rule of their grants that asks the fewest
    approvals applies (then by approver group name). Superusers need no grant to run, so every
    grant's rule for the plan applies to them, unless APPROVAL_SUPERUSER_BYPASS.
    """
    person = signed_in(user)
    if person is None:
        return None
    if person.is_superuser:
        if settings.APPROVAL_SUPERUSER_BYPASS:
            return None
        grants = list(PlanGrant.objects.filter(plan__in=("*", plan_name), requires_approval=True))
        ruled = [g for g in grants if g.allows(plan_name, environment, how) and g.needs_approval_in(environment)]
    else:
        applicable = [g for g in grants_of(person) if g.allows(plan_name, environment, how)]
        if any(not g.needs_approval_in(environment) for g in applicable):
            return None
        ruled = applicable
    if not ruled:
        return None
    best = min(ruled, key=lambda g: (g.approver_group_id is None, g.approvals_required, g.approver_group_id or 0))
    grant = PlanGrant.objects.select_related("group", "approver_group").get(pk=best.pk)
    group = grant.approver_group
    return ApprovalRule(
        group.pk if group else None,
        group.name if group else "",
        grant.approvals_required,
        f"{grant.group.name}: {grant}",
    )


def approver_groups(user: User) -> QuerySet[Group]:
    """The groups whose launches `user` may be asked to approve: the groups they are in."""
    person = signed_in(user)
    return Group.objects.filter(user=person) if person else Group.objects.none()


def approval_refusal(user: User, requester_id: int | None, group_id: int | None, group_name: str) -> str:
    """Why `user` may not approve (or reject) a launch by `requester_id` that waits for members
    of `group_id`; "" when they may. Asked afresh on every click: a person who left the group
    since the page was drawn is refused. Nobody approves their own launch, superusers included."""
    person = signed_in(user)
    if person is None:
        return "You are not signed in."
    if requester_id is not None and person.pk == requester_id:
        return "Nobody approves their own launch: someone else must."
    if group_id is None:
        return "Nobody may approve this launch: its approver group was deleted."
    if not person.groups.filter(pk=group_id).exists():
        return f"Only members of {group_name} may approve or reject this launch."
    return ""


def may_withdraw(user: User, job: Job) -> bool:
    """Only the requester withdraws their waiting launch."""
    person = signed_in(user)
    return person is not None and job.requested_by_id == person.pk


def approvers_of(group_id: int | None, requester_id: int | None) -> QuerySet[Account]:
    """The people who may approve a launch by `requester_id` waiting for `group_id`."""
    if group_id is None:
        return Account.objects.none()
    people = Account.objects.filter(groups=group_id, is_active=True)
    if requester_id is not None:
        people = people.exclude(pk=requester_id)
    return people.order_by("username")


# -- schedules (PE's scheduler) ---------------------------------------------------------------


def sees_schedule(user: User, created_by_id: int | None) -> bool:
    """May `user` see a schedule made here by the person `created_by_id`? The history's rules:
    their own and their team mates'; every schedule, including those made in PE directly
    (`created_by_id` None), for superusers and holders of "Can view all jobs"."""
    person = signed_in(user)
    if person is None:
        return False
    if sees_all_jobs(person):
        return True
    if created_by_id is None:
        return False
    return created_by_id == person.pk or team_mates(person).filter(pk=created_by_id).exists()


def schedule_viewers_filter(user: User) -> Q | None:
    """The people whose schedules `user` sees, as a filter on `created_by` (None: everyone's,
    schedules made in PE directly included). For listing many schedules in one query."""
    person = signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if sees_all_jobs(person):
        return None
    return Q(created_by=person) | Q(created_by__in=team_mates(person).values("pk"))


def can_manage_schedule(user: User, created_by_id: int | None) -> bool:
    """May `user` change or remove (disable) a schedule? Its creator may; so may superusers and
    holders of "Can manage any schedule" (schedules made in PE directly only they). Whoever
    asks must also see it (sees_schedule); PE then decides with the token used."""
    person = signed_in(user)
    if person is None or not sees_schedule(person, created_by_id):
        return False
    return manages_any_schedule(person) or (created_by_id is not None and created_by_id == person.pk)


def manages_any_schedule(user: User) -> bool:
    """Superusers and holders of "Can manage any schedule" change or remove anyone's schedule
    they see."""
    person = signed_in(user)
    return bool(person and (person.is_superuser or person.has_perm("schedules.manage_any_schedule")))
