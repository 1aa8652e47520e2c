from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from orchestrator_web.accounts import api_tokens
from orchestrator_web.jobs.models import Job
from orchestrator_web.jobs.services import search_text
from orchestrator_web.rbac.models import GroupProfile


class Api:
    """A client of /api/v1/ holding one API token (or none)."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client, self.token = client, token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        found = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**found, **(extra or {})}

    def get(self, path: str, query: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get("/api/v1/" + path, query or {}, headers=self.headers(headers))

    def post(self, path: str, body: Any = None, *, raw: bytes | None = None, **headers: str) -> Any:
        data = raw if raw is not None else (b"" if body is None else json_bytes(body))
        return self.client.generic(
            "POST", "/api/v1/" + path, data, content_type="application/json", headers=self.headers(headers)
        )

    def call(self, method: str, path: str) -> Any:
        return self.client.generic(method, "/api/v1/" + path, headers=self.headers())


def json_bytes(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()


@pytest.fixture
def team(alice: User) -> Group:
    """alice and bob are a team; oscar (the outsider) is not in it."""
    group = Group.objects.create(name="Web team")
    GroupProfile.objects.create(group=group, is_team=True)
    group.user_set.add(alice)
    return group


@pytest.fixture
def bob(team: Group, operators: Group) -> User:
    """alice's team mate, who may run the same plans."""
    user = User.objects.create_user("bob", password="bob-password")
    team.user_set.add(user)
    user.groups.add(operators)
    return user


@pytest.fixture
def auditor(db: None) -> User:
    """Sees every job; runs and stops nothing."""
    user = User.objects.create_user("victor", password="victor-password")
    user.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))
    return user


def token_for(user: User, name: str = "ci", **kwargs: Any) -> str:
    return api_tokens.create(user, name, **kwargs)[1]


@pytest.fixture
def api_for(client: Client):  # type: ignore[no-untyped-def]
    """api_for(user) -> an Api with a fresh token of `user`; api_for(None) sends no token."""

    def make(user: User | None, **kwargs: Any) -> Api:
        return Api(Client(), token_for(user, **kwargs) if user is not None else None)

    return make


@pytest.fixture
def make_job(db: None):  # type: ignore[no-untyped-def]
    """make_job(user, **fields) -> a Job row, as if launched earlier."""
    return _make_job


def _make_job(user: User | None, **fields: Any) -> Job:
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
    defaults.setdefault("search_text", search_text(defaults["description"], defaults["params"]))
    return Job.objects.create(**defaults)
