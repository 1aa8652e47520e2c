from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac.models import GroupProfile


@pytest.fixture
def team(alice: User) -> Group:
    """alice and bob are a team; oscar (the outsider) is not in it."""
    group = Group.objects.create(name="Web team")
    GroupProfile.objects.create(group=group, is_team=True)
    group.user_set.add(alice)
    return group


@pytest.fixture
def bob(team: Group) -> User:
    user = User.objects.create_user("bob", password="bob-password")
    team.user_set.add(user)
    return user


@pytest.fixture
def auditor(db: None) -> User:
    user = User.objects.create_user("victor", password="victor-password")
    user.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))
    return user


def make_job(user: User | None, **fields: Any) -> Job:
    defaults: dict[str, Any] = {
        "plan_name": "facts::info",
        "environment": "production",
        "params": {"targets": ["web01.example.net"]},
        "requested_by": user,
        "requested_by_username": user.get_username() if user else "gone",
        "state": "success",
        "description": "",
    }
    defaults.update(fields)
    from orchestrator_web.jobs.services import search_text

    defaults.setdefault("search_text", search_text(defaults["description"], defaults["params"]))
    return Job.objects.create(**defaults)


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
