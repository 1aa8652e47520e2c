"""rbac.access: the decisions about who may run what and see which jobs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from orchestrator_web.jobs.models import Job
from orchestrator_web.rbac import access
from orchestrator_web.rbac.models import PlanGrant


def test_a_grant_lets_its_group_run_the_plan_everywhere(alice: User) -> None:
    assert access.can_run(alice, "facts::info", "production")
    assert access.can_run(alice, "facts::info", "development")


def test_no_grant_no_run(alice: User, outsider: User) -> None:
    assert not access.can_run(alice, "users::rotate_keys", "production")
    assert not access.can_run(outsider, "facts::info", "production")


def test_a_grant_can_be_narrowed_to_environments(alice: User) -> None:
    assert access.can_run(alice, "db::failover", "production")
    assert not access.can_run(alice, "db::failover", "development")


def test_a_star_grant_covers_every_plan(outsider: User) -> None:
    group = Group.objects.create(name="Everything in dev")
    PlanGrant.objects.create(group=group, plan="*", environments="development, test_env")
    outsider.groups.add(group)
    assert access.can_run(outsider, "anything::at_all", "test_env")
    assert not access.can_run(outsider, "anything::at_all", "production")


def test_superusers_may_run_everything(admin_user: User) -> None:
    assert access.can_run(admin_user, "anything::at_all", "production")


def test_inactive_and_anonymous_people_may_run_nothing(alice: User) -> None:
    from django.contrib.auth.models import AnonymousUser

    alice.is_active = False
    assert not access.can_run(alice, "facts::info", "production")
    assert not access.can_run(AnonymousUser(), "facts::info", "production")


def test_runnable_plans_filters_and_keeps_order(alice: User, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        names = access.runnable_plans(alice, "production", ["users::rotate_keys", "tools::noop", "facts::info"])
    assert names == ["tools::noop", "facts::info"]


@pytest.mark.parametrize("plan", ["Bad", "a::", "a b", "", "**"])
def test_grants_refuse_bad_plan_names(operators: Group, plan: str) -> None:
    with pytest.raises(ValidationError):
        PlanGrant(group=operators, plan=plan).full_clean()


def test_grants_refuse_bad_environment_names(operators: Group) -> None:
    with pytest.raises(ValidationError, match="is not an environment name"):
        PlanGrant(group=operators, plan="x::y", environments="production, dev-1").full_clean()


def test_people_see_their_own_jobs_only(alice: User, outsider: User) -> None:
    mine = Job.objects.create(
        plan_name="a", environment="production", requested_by=alice, requested_by_username="alice"
    )
    Job.objects.create(plan_name="a", environment="production", requested_by=outsider, requested_by_username="oscar")
    assert list(access.visible_jobs(alice)) == [mine]
    with pytest.raises(Http404):
        access.get_job_for_user(outsider, mine.pk)


def test_view_all_jobs_sees_everything(alice: User, outsider: User) -> None:
    Job.objects.create(plan_name="a", environment="production", requested_by=alice, requested_by_username="alice")
    outsider.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))
    outsider = User.objects.get(pk=outsider.pk)  # permissions are cached per instance
    assert access.visible_jobs(outsider).count() == 1


@pytest.mark.usefixtures("orchestrator_settings")
def test_the_admin_edits_grants_inline_on_the_group(client: Client, admin_user: User, operators: Group) -> None:
    client.force_login(admin_user)
    page = client.get(f"/admin/auth/group/{operators.pk}/change/").content.decode()
    assert 'name="plan_grants-0-plan"' in page
    response = client.post(
        "/admin/auth/group/add/",
        {
            "name": "Auditors",
            "team": "on",
            "plan_grants-TOTAL_FORMS": "1",
            "plan_grants-INITIAL_FORMS": "0",
            "plan_grants-0-plan": "facts::info",
            "plan_grants-0-environments": "production",
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Auditors")
    assert str(group.plan_grants.get()) == "plans:run:facts::info in production"
    assert group.profile.is_team
