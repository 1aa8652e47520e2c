"""The history's Team filter narrows to that team's members, even for someone who sees more."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group, User
from django.test import Client

from orchestrator_web.rbac.models import GroupProfile

from .conftest import logged_in, make_job


def job_ids(response) -> set[int]:  # type: ignore[no-untyped-def]
    return {int(n) for n in re.findall(r'<td><a href="/jobs/(\d+)/">', response.content.decode())}


def test_the_team_filter_keeps_only_that_teams_jobs(client: Client, alice: User, bob: User, team: Group) -> None:
    databases = Group.objects.create(name="Database team")
    GroupProfile.objects.create(group=databases, is_team=True)
    carol = User.objects.create_user("carol", password="x")
    databases.user_set.add(alice, carol)
    jobs = {"alice": make_job(alice).pk, "bob": make_job(bob).pk, "carol": make_job(carol).pk}
    logged_in(client, alice)
    assert job_ids(client.get("/jobs/")) == set(jobs.values())  # she sees both teams' jobs
    assert job_ids(client.get("/jobs/", {"team": team.pk})) == {jobs["alice"], jobs["bob"]}
    assert job_ids(client.get("/jobs/", {"team": databases.pk})) == {jobs["alice"], jobs["carol"]}
