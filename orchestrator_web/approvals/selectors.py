"""What the approvals pages and the job page's approval panel show. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import QuerySet

from orchestrator_web.approvals.models import Approval, ApprovalRequest, Outcome
from orchestrator_web.jobs.models import Job, State
from orchestrator_web.rbac import access

RECENT = 20
SHOWN_APPROVERS = 12


def waiting_for(user: User) -> QuerySet[ApprovalRequest]:
    """Launches waiting for an approval `user` may give: in their approver groups, not their
    own, not approved by them already. Oldest first (they expire first)."""
    return (
        ApprovalRequest.objects.filter(
            outcome=Outcome.WAITING,
            job__state=State.AWAITING_APPROVAL,
            approver_group__in=access.approver_groups(user).values("pk"),
        )
        .exclude(job__requested_by=user)
        .exclude(approvals__approver_username=user.get_username(), approvals__counted=True)
        .select_related("job")
        .order_by("expires_at", "pk")
    )


def asked_by(user: User) -> tuple[QuerySet[ApprovalRequest], QuerySet[ApprovalRequest]]:
    """`user`'s launches still waiting, and their most recently decided ones."""
    mine = ApprovalRequest.objects.filter(job__requested_by=user).select_related("job")
    return (
        mine.filter(outcome=Outcome.WAITING).order_by("expires_at", "pk"),
        mine.exclude(outcome=Outcome.WAITING).order_by("-decided_at", "-pk")[:RECENT],
    )


def decided_by(user: User) -> QuerySet[ApprovalRequest]:
    """The launches `user` most recently approved or rejected (newest first)."""
    name = user.get_username()
    mine = ApprovalRequest.objects.filter(approvals__approver_username=name) | ApprovalRequest.objects.filter(
        decided_by_username=name, outcome=Outcome.REJECTED
    )
    return mine.distinct().select_related("job").order_by("-created_at", "-pk")[:RECENT]


@dataclass
class Panel:
    """The job page's approval panel for one reader."""

    approval: ApprovalRequest
    approvals: list[Approval]
    approvers: list[str]  # who may still approve it (never the requester, nor who did)
    more_approvers: int
    may_decide: bool
    refusal: str  # why the reader may not, when they may not
    may_withdraw: bool
    approved_by_reader: bool
    counted: int = 0
    needed: int = 0
    dropped: list[Approval] = field(default_factory=list)


def panel(job: Job, user: User) -> Panel | None:
    """The approval panel of `job` for `user`, or None for a job that needed no approval."""
    try:
        approval = job.approval
    except ApprovalRequest.DoesNotExist:
        return None
    approvals = list(approval.approvals.all())
    waiting = approval.waiting and job.state == State.AWAITING_APPROVAL
    given = {approved.approver_username for approved in approvals if approved.counted}
    eligible = access.approvers_of(approval.approver_group_id, job.requested_by_id).exclude(username__in=given)
    approvers = list(eligible.values_list("username", flat=True)[: SHOWN_APPROVERS + 1])
    refusal = access.approval_refusal(
        user, job.requested_by_id, approval.approver_group_id, approval.approver_group_name
    )
    mine = any(given.approver_username == user.get_username() and given.counted for given in approvals)
    counted = [given for given in approvals if given.counted]
    return Panel(
        approval=approval,
        approvals=counted,
        dropped=[given for given in approvals if not given.counted],
        approvers=approvers[:SHOWN_APPROVERS],
        more_approvers=max(0, len(approvers) - SHOWN_APPROVERS),
        may_decide=waiting and not refusal and not mine,
        refusal=refusal,
        may_withdraw=waiting and access.may_withdraw(user, job),
        approved_by_reader=mine,
        counted=len(counted),
        needed=approval.required,
    )
