from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from api.jsonapi.fields import BlankAsNullCharField, BlankAsNullChoiceField, CohortField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer
from api.v3.schema import request_body
from ecf import clock
from ecf.choices import (
    SCHEDULE_IDENTIFIERS,
    CourseIdentifier,
    DeferReason,
    MentorIneligibleReason,
    ParticipantStatus,
    ParticipantType,
    TrainingStatus,
    WithdrawReason,
    WorkingPattern,
)
from ecf.models import Participant
from ecf.selectors.participants import Enrolment, participant_enrolments


class RequiredChoiceField(serializers.ChoiceField):
    """A choice field for which an empty string is a missing value ("Enter a '#/field'."), not a wrong one."""

    def to_internal_value(self, data: Any) -> Any:
        if data == "":
            self.fail("required")
        return super().to_internal_value(data)


class NamedEnumField(RequiredChoiceField):
    """A choice field documented as the enum component `enum_name`, shared by every field that names it.
    For enums read and written under one attribute name (`reason`, `course_identifier`): drf-spectacular
    cannot name such a shared choice set by itself and fails the build with a naming collision."""

    def __init__(self, choices: Any, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(choices, **kwargs)


class NamedEnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedEnumField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field: NamedEnumField = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={"type": "string", "enum": list(field.choices)},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class ParticipantWithdrawalSerializer(RowSerializer):
    reason = NamedEnumField(
        WithdrawReason.choices, enum_name="WithdrawReasonEnum", help_text="Why you withdrew the participant."
    )
    date = UtcDateTimeField(source="changed_at", help_text="When you withdrew the participant.")


class ParticipantDeferralSerializer(RowSerializer):
    reason = NamedEnumField(
        DeferReason.choices, enum_name="DeferReasonEnum", help_text="Why you deferred the participant."
    )
    date = UtcDateTimeField(source="changed_at", help_text="When you deferred the participant.")


class EnrolmentListSerializer(serializers.ListSerializer):
    """A participant's enrolments, read from the rows `participant_list` prefetched. As a nested list field
    its child serializer is built once per response, not once per participant (DRF deep-copies every field
    of a serializer it builds, which cost more than the rest of a large page together)."""

    def get_attribute(self, instance: Participant) -> list[Enrolment]:
        return participant_enrolments(instance, today=clock.today())


class ParticipantEnrolmentSerializer(RowSerializer):
    """One training record of the participant (as an ECT or as a mentor) that you train or trained.
    School, delivery partner and statuses come from your latest training period for it."""

    training_record_id = serializers.UUIDField(
        source="training_record.id",
        help_text="The unique identifier of the participant's training record (one for the ECT role, one for "
        "the mentor role). It does not change if the department merges duplicate participants.",
    )
    email = serializers.CharField(
        source="training_record.email", help_text="The email address registered for this training record."
    )
    mentor_id = serializers.UUIDField(
        allow_null=True,
        help_text="The participant id of the ECT's current mentor; null for mentors and ECTs without a mentor.",
    )
    school_urn = serializers.CharField(
        source="period.school_urn", help_text="The URN of the school of your latest training period for this record."
    )
    participant_type = serializers.ChoiceField(
        ParticipantType.choices, source="training_record.participant_type", help_text="ECT or mentor."
    )
    working_pattern = BlankAsNullChoiceField(
        WorkingPattern.choices,
        source="training_record.working_pattern",
        help_text="Whether the ECT works full time or part time; null for mentors and when not known.",
    )
    cohort = CohortField(
        source="training_record.cohort_year",
        help_text="The cohort funding this training, e.g. 2021 for training that starts in the 2021/22 academic year.",
    )
    training_status = serializers.ChoiceField(
        TrainingStatus.choices,
        source="period.training_status",
        help_text="The training status you control: withdraw, defer and resume change it.",
    )
    participant_status = serializers.ChoiceField(
        ParticipantStatus.choices,
        help_text="What the school reports, as of today: joining (starts in future), active, leaving (end date in "
        "future), left, or withdrawn (by the school).",
    )
    teacher_reference_number_validated = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the participant's TRN has been validated; null when the participant has no TRN.",
    )
    eligible_for_funding = serializers.BooleanField(
        source="training_record.eligible_for_funding",
        allow_null=True,
        help_text="Whether the department funds this training; null while not yet known.",
    )
    pupil_premium_uplift = serializers.BooleanField(
        source="training_record.pupil_premium_uplift",
        help_text="Whether the participant qualifies for the pupil premium uplift payment.",
    )
    sparsity_uplift = serializers.BooleanField(
        source="training_record.sparsity_uplift",
        help_text="Whether the participant qualifies for the sparsity uplift payment.",
    )
    schedule_identifier = serializers.ChoiceField(
        [(identifier, identifier) for identifier in SCHEDULE_IDENTIFIERS],
        source="training_record.schedule_identifier",
        help_text="The participant's training schedule.",
    )
    delivery_partner_id = serializers.UUIDField(
        allow_null=True,
        help_text="The delivery partner of your partnership with the school; null until you confirm a "
        "partnership with the school.",
    )
    withdrawal = ParticipantWithdrawalSerializer(
        allow_null=True, help_text="Your withdrawal of the participant, when the training status is withdrawn."
    )
    deferral = ParticipantDeferralSerializer(
        allow_null=True, help_text="Your deferral of the participant, when the training status is deferred."
    )
    created_at = UtcDateTimeField(
        source="training_record.created_at", help_text="When the training record was created."
    )
    induction_end_date = serializers.DateField(
        source="training_record.induction_end_date",
        allow_null=True,
        help_text="When the ECT completed induction; null for mentors.",
    )
    most_recent_induction_period_end_date = serializers.DateField(
        source="training_record.most_recent_induction_period_end_date",
        allow_null=True,
        help_text="When the ECT's most recent induction period ended; null for mentors.",
    )
    overall_induction_start_date = serializers.DateField(
        source="training_record.induction_start_date",
        allow_null=True,
        help_text="When the ECT's induction started, as reported by the appropriate body; null for mentors.",
    )
    mentor_funding_end_date = serializers.DateField(
        source="training_record.mentor_funding_end_date",
        allow_null=True,
        help_text="When the mentor's funded training ended; null for ECTs.",
    )
    cohort_changed_after_payments_frozen = serializers.BooleanField(
        source="training_record.cohort_changed_after_payments_frozen",
        help_text="Whether the participant moved to a new cohort because payments were frozen on their first one.",
    )
    mentor_ineligible_for_funding_reason = BlankAsNullChoiceField(
        MentorIneligibleReason.choices,
        source="training_record.mentor_ineligible_reason",
        help_text="Why funding for the mentor's training has ended; null for ECTs and funded mentors.",
    )

    class Meta:
        list_serializer_class = EnrolmentListSerializer


class ParticipantIdChangeSerializer(RowSerializer):
    from_participant_id = serializers.UUIDField(help_text="The retired participant id (a merged duplicate).")
    to_participant_id = serializers.UUIDField(help_text="The participant id that replaced it.")
    changed_at = UtcDateTimeField(source="created_at", help_text="When the participant id changed.")


class ParticipantAttributesSerializer(RowSerializer):
    full_name = serializers.CharField(help_text="The participant's full name.")
    teacher_reference_number = BlankAsNullCharField(
        source="trn", help_text="The participant's teacher reference number (TRN); null when not known."
    )
    updated_at = UtcDateTimeField(
        source="api_updated_at", help_text="When any data shown for the participant last changed."
    )
    ecf_enrolments = ParticipantEnrolmentSerializer(
        many=True,
        source="*",
        read_only=True,
        help_text="The participant's training records (as an ECT, as a mentor) that you train or trained.",
    )
    participant_id_changes = ParticipantIdChangeSerializer(
        source="id_change_list",
        many=True,
        help_text="Participant ids retired in favour of this one when duplicates were merged.",
    )


# Named as in the public document: the component "Participant" would name its `type` enum
# "ParticipantTypeEnum", the name of the enrolments' `participant_type` enum.
@extend_schema_serializer(component_name="ECFParticipant")
class ParticipantSerializer(ResourceSerializer):
    """A participant (an ECT, a mentor, or both) that you train or trained; `id` is the participant id."""

    resource_type = "participant"
    attributes_serializer = ParticipantAttributesSerializer


# Request bodies of the participant actions: `{"data": {"type": ..., "attributes": <one of these>}}`.
# The views validate `attributes` with these serializers; the envelopes below only document the body.

COURSE_IDENTIFIER_HELP = (
    "The course the action is about: ecf-induction for the participant's ECT training record, ecf-mentor for "
    "their mentor training record."
)


def course_identifier_field() -> NamedEnumField:
    return NamedEnumField(
        CourseIdentifier.choices, enum_name="ParticipantCourseIdentifierEnum", help_text=COURSE_IDENTIFIER_HELP
    )


@extend_schema_serializer(component_name="ECFParticipantWithdrawAttributes")
class ParticipantWithdrawSerializer(serializers.Serializer):
    reason = NamedEnumField(
        WithdrawReason.choices,
        enum_name="WithdrawReasonEnum",
        help_text="Why the participant is withdrawing. mentor-no-longer-being-mentor is for mentors only.",
    )
    course_identifier = course_identifier_field()


@extend_schema_serializer(component_name="ECFParticipantDeferAttributes")
class ParticipantDeferSerializer(serializers.Serializer):
    reason = NamedEnumField(
        DeferReason.choices, enum_name="DeferReasonEnum", help_text="Why the participant is deferring."
    )
    course_identifier = course_identifier_field()


@extend_schema_serializer(component_name="ECFParticipantResumeAttributes")
class ParticipantResumeSerializer(serializers.Serializer):
    course_identifier = course_identifier_field()


@extend_schema_serializer(component_name="ECFParticipantChangeScheduleAttributes")
class ParticipantChangeScheduleSerializer(serializers.Serializer):
    schedule_identifier = RequiredChoiceField(
        [(identifier, identifier) for identifier in SCHEDULE_IDENTIFIERS],
        help_text="The new schedule. Replacement schedules are for mentors only; mentors cannot go on reduced "
        "schedules.",
    )
    course_identifier = course_identifier_field()
    cohort = serializers.RegexField(
        r"^[0-9]{4}\Z",
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The cohort of the new schedule, as a year such as 2024; leave it out to keep the participant's "
        "cohort. Changing the cohort needs a partnership with the participant's school in that cohort and no "
        "declarations for the course (void them first); participants in a cohort whose payments are frozen can "
        "move to 2024, and back.",
    )

    def validate_cohort(self, value: str | None) -> int | None:
        return int(value) if value else None


# Component names gain "Request" in the document: ECFParticipantWithdrawRequest, as in the public document.
ParticipantWithdrawRequestSerializer = request_body(
    "ECFParticipantWithdraw", "participant-withdraw", ParticipantWithdrawSerializer
)
ParticipantDeferRequestSerializer = request_body("ECFParticipantDefer", "participant-defer", ParticipantDeferSerializer)
ParticipantResumeRequestSerializer = request_body(
    "ECFParticipantResume", "participant-resume", ParticipantResumeSerializer
)
ParticipantChangeScheduleRequestSerializer = request_body(
    "ECFParticipantChangeSchedule", "participant-change-schedule", ParticipantChangeScheduleSerializer
)
