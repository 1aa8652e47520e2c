from django.apps import AppConfig
from django.db.models import signals


class RbacConfig(AppConfig):
    name = "orchestrator_web.rbac"
    label = "rbac"
    verbose_name = "Permissions"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from orchestrator_web.rbac.access import forget_grants, forget_team_choices
        from orchestrator_web.rbac.models import GroupProfile, PlanGrant

        # The history's team filter lists teams: a renamed, deleted or (un)flagged group, or a
        # new or lost membership, changes the list.
        for model in (Group, GroupProfile):
            signals.post_save.connect(forget_team_choices, sender=model, dispatch_uid=f"teams-{model.__name__}-save")
            signals.post_delete.connect(forget_team_choices, sender=model, dispatch_uid=f"teams-{model.__name__}-del")
        signals.m2m_changed.connect(
            forget_team_choices, sender=get_user_model().groups.through, dispatch_uid="teams-membership"
        )
        # A person's grants, kept for the request (rbac/access.py grants_of): any change to a
        # grant, a group or a membership forgets them.
        for changed in (PlanGrant, Group):
            name = changed.__name__
            signals.post_save.connect(forget_grants, sender=changed, dispatch_uid=f"grants-{name}-save")
            signals.post_delete.connect(forget_grants, sender=changed, dispatch_uid=f"grants-{name}-del")
        signals.m2m_changed.connect(forget_grants, sender=get_user_model().groups.through, dispatch_uid="grants-member")
