"""What the API reads and writes. Reading only checks JSON types and unknown keys: the values
are checked by the launch form itself (plans/forms.py), so both faces give the same messages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orchestrator_web.api.errors import CODES
from orchestrator_web.jobs.models import State
from orchestrator_web.plans.forms import MAX_DESCRIPTION
from orchestrator_web.rbac.models import PLAN_NAME

MAX_TIMEOUT = 7 * 24 * 3600  # the launch form's


class StrictCharField(serializers.CharField):
    """A string, and only a string (DRF's CharField takes 12 for "12")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, not "12", 12.0 or true."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(data)


class AnyValue(serializers.JSONField):
    """Any JSON value, null included (documented as {}: allow_null would make it oneOf any or
    null, which a null then matches twice)."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return True, None
        result: tuple[bool, Any] = super().validate_empty_values(data)
        return result


class ObjectField(serializers.DictField):
    """A JSON object of any values."""

    child = AnyValue()


@extend_schema_field({"type": "string", "pattern": PLAN_NAME.pattern, "maxLength": 200})
class PlanNameField(StrictCharField):
    pass


# Limits checked by the launch form (its messages), documented here.
@extend_schema_field({"type": "string", "maxLength": MAX_DESCRIPTION})
class DescriptionField(StrictCharField):
    pass


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_TIMEOUT})
class TimeoutField(StrictIntegerField):
    pass


class LaunchSerializer(serializers.Serializer[dict[str, Any]]):
    plan = PlanNameField(help_text="The plan's full name, like webapp::rolling_restart.")
    environment = StrictCharField(
        required=False,
        help_text="The Puppet environment. Default: the first of ORCHESTRATOR_ENVIRONMENTS where you may run the plan.",
    )
    params = ObjectField(required=False, help_text="The plan's parameters, checked against their Puppet types.")
    description = DescriptionField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Shown with the job in PE and here."
    )
    timeout = TimeoutField(required=False, allow_null=True, help_text="Seconds; empty: PE's default.")
    userdata = ObjectField(
        required=False, help_text='Extra data kept with the PE job; the key "orchestrator_web" is reserved.'
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        unknown: dict[str, list[str]] = {}
        if isinstance(data, dict):
            unknown = {
                key: [f"Unknown field; a launch takes {', '.join(self.fields)}."]
                for key in data
                if key not in self.fields
            }
        try:
            value: dict[str, Any] = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            raise serializers.ValidationError({**unknown, **detail}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


# -- answers ------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=list(CODES))
    message = serializers.CharField()
    # A declared field named like Serializer.fields: DRF takes it off the class, so it does not
    # hide the property at run time.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field (request body keys, query parameters, headers); {} when none.",
    )


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()


class TokenInfoSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class WhoamiSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    full_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    sees_all_jobs = serializers.BooleanField(help_text="Superusers and holders of “Can view all jobs”.")
    may_stop_any_job = serializers.BooleanField()
    teams = serializers.ListField(child=serializers.CharField(), help_text="Team groups: their members' jobs are seen.")
    authenticated_by = serializers.ChoiceField(choices=["token", "session"])
    token = TokenInfoSerializer(allow_null=True, help_text="The API token used, or null for a session.")


class PlanSummarySerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    environment = serializers.CharField()
    description = serializers.CharField(allow_null=True, help_text="null while PE's metadata is still being fetched.")
    url = serializers.URLField()


class PlanListSerializer(serializers.Serializer[Any]):
    results = PlanSummarySerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class ParameterSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    type = serializers.CharField(help_text="The Puppet type as the plan writes it.")
    required = serializers.BooleanField(  # type: ignore[assignment]  # a declared field, not Field.required
        help_text="Whether a launch must give a value (Puppet's call rules)."
    )
    # Any JSON value, null included (allow_null would describe it as oneOf: any or null).
    default = serializers.JSONField(help_text="The value the launch form pre-fills, or null when it pre-fills none.")
    has_default = serializers.BooleanField()
    default_text = serializers.CharField(allow_null=True, help_text="The default as Puppet source; null for a secret.")
    sensitive = serializers.BooleanField(help_text="Its value is sent to PE and never stored, logged or shown.")
    description = serializers.CharField()


class PlanSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    environment = serializers.CharField()
    description = serializers.CharField()
    environments = serializers.ListField(
        child=serializers.CharField(), help_text="The environments where you may run it."
    )
    parameters = ParameterSerializer(many=True)


def _pk(job: Any) -> int:
    return int(job["id"] if isinstance(job, dict) else job.pk)


class JobSerializer(serializers.Serializer[Any]):
    """A job as the history lists it: from a Job or a row of history_page()."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=State.choices)
    plan = serializers.CharField(source="plan_name")
    environment = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by_username")
    description = serializers.CharField()
    pe_job_id = serializers.CharField(allow_blank=True, help_text="PE's plan job id; empty until PE gave one.")
    submitted_at = serializers.DateTimeField(source="created_at")
    finished_at = serializers.DateTimeField(allow_null=True)
    pe_schedule = serializers.CharField(
        source="pe_scheduled_job_id",
        allow_null=True,
        help_text="The PE schedule (scheduled job id) that started this run, when a schedule made here did; else null.",
    )

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, job: Any) -> str:
        return self._absolute(reverse("api:job", args=[_pk(job)]))

    def get_web_url(self, job: Any) -> str:
        return self._absolute(reverse("jobs:detail", args=[_pk(job)]))


class JobDetailSerializer(JobSerializer):
    params = serializers.JSONField(help_text="The parameters sent, without sensitive values.")
    sensitive_params = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the sensitive parameters sent (never their values)."
    )
    timeout = serializers.IntegerField(allow_null=True)
    userdata = serializers.JSONField(help_text="What the launch added; ours is added on sending.")
    error_kind = serializers.CharField(allow_blank=True)
    error_message = serializers.CharField(allow_blank=True)
    result = serializers.JSONField(help_text="The plan's result once PE has it (any JSON value), else null.")
    stopped_by = serializers.CharField(
        source="stopped_by_username",
        allow_blank=True,
        help_text="Who ended the job early: stopped its run (state failure) or withdrew it while it "
        "waited for approval (state expired).",
    )
    stopped_at = serializers.DateTimeField(allow_null=True)
    events_url = serializers.SerializerMethodField()

    def get_events_url(self, job: Any) -> str:
        return self._absolute(reverse("api:job_events", args=[_pk(job)]))


class JobListSerializer(serializers.Serializer[Any]):
    results = JobSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="Older jobs, or null.")
    previous = serializers.URLField(allow_null=True, help_text="Newer jobs, or null.")


class EventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="event_id")
    type = serializers.CharField()
    timestamp = serializers.DateTimeField(allow_null=True)
    message = serializers.CharField(help_text="The event in words, as the job page says it.")


class EventListSerializer(serializers.Serializer[Any]):
    results = EventSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="Later events, when more are known now, or null.")
    previous = serializers.URLField(allow_null=True)


class PlanRunSerializer(serializers.Serializer[Any]):
    plan_run = serializers.JSONField(help_text="The plan_run body that would be sent, Sensitive values masked.")


class StopSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=["stopped", "outcome unknown"])
    message = serializers.CharField()
    job = JobDetailSerializer()


# -- four eyes -----------------------------------------------------------------------------------


class GivenApprovalSerializer(serializers.Serializer[Any]):
    approver = serializers.CharField(source="approver_username")
    comment = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class ApprovalSerializer(serializers.Serializer[Any]):
    """A launch that waits (or waited) for approval: an approvals.ApprovalRequest."""

    job = JobSerializer()
    approver_group = serializers.CharField(source="approver_group_name", help_text="Whose members may approve it.")
    # Named like Field.required: DRF takes the declared field off the class (see ErrorDetailSerializer).
    required = serializers.IntegerField(help_text="Approvals needed, by different people.")  # type: ignore[assignment]
    approvals = GivenApprovalSerializer(many=True, help_text="The approvals that count so far.")
    expires_at = serializers.DateTimeField(help_text="Nothing is sent if it is not approved by then.")
    outcome = serializers.ChoiceField(choices=["waiting", "approved", "rejected", "expired", "withdrawn", "refused"])
    decided_by = serializers.CharField(source="decided_by_username", allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(allow_blank=True, help_text="Why it was rejected.")
    sensitive_params = serializers.ListField(
        source="job.sensitive_params",
        child=serializers.CharField(),
        help_text="Which parameters are sensitive (an approver never sees their values).",
    )


class ApprovalListSerializer(serializers.Serializer[Any]):
    results = ApprovalSerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class DecisionSerializer(serializers.Serializer[dict[str, Any]]):
    comment = StrictCharField(
        required=False, allow_blank=True, max_length=2000, help_text="Optional to approve; required to reject."
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["A JSON object is expected."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return dict(super().to_internal_value(data))


class DecidedSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(help_text="What happened, as the job page says it.")
    job = JobDetailSerializer()
