from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

PLAN_NAME = re.compile(r"^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$")
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def validate_plan_pattern(value: str) -> None:
    if value != "*" and not PLAN_NAME.match(value):
        raise ValidationError(f"{value!r} is not a plan name (like webapp::rolling_restart) or *.")


def split_environments(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def validate_environments(value: str) -> None:
    for name in split_environments(value):
        if not ENVIRONMENT_NAME.match(name):
            raise ValidationError(f"{name!r} is not an environment name (letters, digits and _).")


MAX_APPROVALS = 10


class Launches(models.TextChoices):
    """How a grant lets its plans be launched. PE's `plans:run` allows both (section 2.3)."""

    BOTH = "both", "Run now and schedule"
    NOW = "now", "Run now only"
    SCHEDULE = "schedule", "Schedule only"


class PlanGrant(models.Model):
    """PE's `plans:run:<plan>` permission on a role, mirrored on a Django group.

    Unlike PE, a grant may be narrowed to some environments, and may require its launches to be
    approved first by members of an approver group (in all its environments or some of them).
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="plan_grants")
    plan = models.CharField(
        max_length=200,
        validators=[validate_plan_pattern],
        help_text="A plan name such as webapp::rolling_restart, or * for every plan.",
    )
    environments = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_environments],
        help_text="Comma-separated environments this grant is limited to; empty means all.",
    )
    launches = models.CharField(
        "may",
        max_length=10,
        choices=Launches.choices,
        default=Launches.BOTH,
        help_text="Run the plan now, schedule it in PE's scheduler, or both (as PE's plans:run allows).",
    )
    unknown_to_pe = models.BooleanField(
        "PE does not know it yet",
        default=False,
        help_text="Keep it although PE does not know its plan or environment, or could not be asked.",
    )
    approver_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approves_grants",
        verbose_name="approval by",
        help_text="Launches under this grant wait for approval by members of this group. Empty: none.",
    )
    approvals_required = models.PositiveSmallIntegerField(
        "approvals needed",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_APPROVALS)],
        help_text="How many different approvers (never the requester).",
    )
    approval_environments = models.CharField(
        "approval only in",
        max_length=500,
        blank=True,
        validators=[validate_environments],
        help_text="Comma-separated environments where approval is needed; empty: wherever the grant allows.",
    )
    # Set with the approver group and kept when that group is deleted: a rule whose approvers
    # are gone keeps its launches waiting (nobody may approve them) rather than letting them run.
    requires_approval = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["group__name", "plan"]
        constraints = [models.UniqueConstraint(fields=["group", "plan"], name="one_grant_per_group_and_plan")]
        verbose_name = "plan grant"

    def __str__(self) -> str:
        where = f" in {self.environments}" if self.environments else ""
        unknown = " (PE does not know it yet)" if self.unknown_to_pe else ""
        return f"plans:run:{self.plan}{where}{self.launch_words()}{unknown}{self.approval_words()}"

    def describe(self) -> str:
        """The grant in words, for people: "db::failover in production", "every plan"."""
        plan = "every plan" if self.plan == "*" else self.plan
        where = f" in {', '.join(split_environments(self.environments))}" if self.environments else ""
        unknown = " (PE does not know it yet)" if self.unknown_to_pe else ""
        return f"{plan}{where}{self.launch_words()}{unknown}{self.approval_words()}"

    def launch_words(self) -> str:
        """ " (run now only)", " (schedule only)"; "" for both, PE's own meaning of plans:run."""
        return "" if self.launches == Launches.BOTH else f" ({self.get_launches_display().lower()})"

    def approval_words(self) -> str:
        """The rule in words, " (approved by 2 of DB approvers in production)"; "" without one."""
        if not self.requires_approval:
            return ""
        group = self.approver_group.name if self.approver_group is not None else "a deleted group: nobody"
        where = f" in {', '.join(split_environments(self.approval_environments))}" if self.approval_environments else ""
        return f" (approved by {self.approvals_required} of {group}{where})"

    def allows(self, plan_name: str, environment: str, how: str | None = None) -> bool:
        """Does this grant cover `plan_name` in `environment`, launched `how` ("now",
        "schedule"; None: either way)?"""
        if self.plan not in ("*", plan_name):
            return False
        if how is not None and self.launches not in (Launches.BOTH, how):
            return False
        environments = split_environments(self.environments)
        return not environments or environment in environments

    def needs_approval_in(self, environment: str) -> bool:
        """Do launches under this grant in `environment` wait for approval?"""
        if not self.requires_approval:
            return False
        environments = split_environments(self.approval_environments)
        return not environments or environment in environments


class GroupProfile(models.Model):
    """What orchestrator_web adds to a Django group: the team flag."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="profile")
    is_team = models.BooleanField(
        "team", default=False, help_text="Members of a team see each other's jobs in the history."
    )

    def __str__(self) -> str:
        return f"{self.group.name}{' (team)' if self.is_team else ''}"


class PERole(models.Model):
    """A group that sync_rbac made for a PE role. sync_rbac touches no other group."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="pe_role")
    role_id = models.IntegerField("PE role id", unique=True)

    class Meta:
        verbose_name = "PE role"

    def __str__(self) -> str:
        return f"PE role {self.role_id} → {self.group.name}"
