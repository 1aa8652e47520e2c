"""The cast of the approval tests: alice (an operator) runs db::failover in production only
after a member of "DB approvers" (bob or carol) approves it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from orchestrator_web.jobs.models import Job
from orchestrator_web.plans.forms import Launch
from orchestrator_web.plans.services import submit
from orchestrator_web.rbac.models import PlanGrant
from tests.helpers import Html

SECRET = "vault-s3cret-token-4711"
FAILOVER = "/plans/db::failover/"


@pytest.fixture(autouse=True)
def _at_the_stand_in(orchestrator_settings: Any) -> None:
    """Every test here talks to a fresh stand-in orchestrator."""


@pytest.fixture
def approvers(db: None) -> Group:
    return Group.objects.create(name="DB approvers")


@pytest.fixture
def bob(approvers: Group) -> User:
    user = User.objects.create_user("bob", password="bob-password", email="bob@example.net")
    user.groups.add(approvers)
    return user


@pytest.fixture
def carol(approvers: Group) -> User:
    user = User.objects.create_user("carol", password="carol-password", email="carol@example.net")
    user.groups.add(approvers)
    return user


@pytest.fixture
def rule(operators: Group, approvers: Group) -> PlanGrant:
    """The operators' db::failover grant (production) now needs one approval by DB approvers."""
    grant = PlanGrant.objects.get(group=operators, plan="db::failover")
    grant.requires_approval, grant.approver_group, grant.approvals_required = True, approvers, 1
    grant.save()
    return grant


def failover(secret: str = SECRET, **overrides: Any) -> Launch:
    fields: dict[str, Any] = {
        "plan_name": "db::failover",
        "environment": "production",
        "params": {"primary": "db01", "replica": "db02", "vault_token": secret, "dry_run": False},
        "sensitive": ["vault_token"],
        "description": "Fail over to db02 (CHG-7)",
        "timeout": None,
        "userdata": {"ticket": "CHG-7"},
        "param_types": {"vault_token": "Sensitive[String]"},
    }
    return Launch(**(fields | overrides))


def launch(user: User, secret: str = SECRET, **overrides: Any) -> Job:
    """alice's (or anyone's) launch of db::failover, through the same service as the page."""
    job, created = submit(user, failover(secret, **overrides), uuid.uuid4())
    assert created
    return job


def launch_from_the_page(client: Client, secret: str = SECRET) -> Job:
    """Fill in the form, review, Run plan: as a person does."""
    form = {
        "environment": "production",
        "mode": "form",
        "param__primary": "db01",
        "param__replica": "db02",
        "param__vault_token": secret,
        "description": "Fail over to db02",
        "timeout": "",
        "userdata": "",
        "action": "review",
    }
    reviewed = Html(client.post(FAILOVER, form))
    response = client.post(FAILOVER, {"action": "run", "submission": reviewed.sealed()})
    assert response.status_code == 302, response.content.decode()[:1000]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def decide(client: Client, job: Job, decision: str, comment: str = "", **extra: str):  # type: ignore[no-untyped-def]
    return client.post(f"/approvals/{job.pk}/", {"decision": decision, "comment": comment, **extra})


def plan_runs(stand_in: Any) -> list[dict[str, Any]]:
    return [request["body"] for request in stand_in.sim.requests_to("/command/plan_run")]


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def said(response) -> str:  # type: ignore[no-untyped-def]
    """The last message the response left for the person (shown on the page it redirects to)."""
    return [str(m) for m in response.wsgi_request._messages][-1]
