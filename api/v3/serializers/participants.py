from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from api.jsonapi.fields import BlankAsNullCharField, BlankAsNullChoiceField, CohortField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer
from ecf import clock
from ecf.choices import (
    SCHEDULE_IDENTIFIERS,
    DeferReason,
    MentorIneligibleReason,
    ParticipantStatus,
    ParticipantType,
    TrainingStatus,
    WithdrawReason,
    WorkingPattern,
)
from ecf.models import Participant
from ecf.selectors.participants import participant_enrolments


class ParticipantWithdrawalSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(WithdrawReason.choices, help_text="Why you withdrew the participant.")
    date = UtcDateTimeField(source="changed_at", help_text="When you withdrew the participant.")


class ParticipantDeferralSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(DeferReason.choices, help_text="Why you deferred the participant.")
    date = UtcDateTimeField(source="changed_at", help_text="When you deferred the participant.")


class ParticipantEnrolmentSerializer(serializers.Serializer):
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
        source="period.school.urn", help_text="The URN of the school of your latest training period for this record."
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
        source="training_record.cohort",
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
        source="training_record.schedule.identifier",
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


class ParticipantIdChangeSerializer(serializers.Serializer):
    from_participant_id = serializers.UUIDField(help_text="The retired participant id (a merged duplicate).")
    to_participant_id = serializers.UUIDField(help_text="The participant id that replaced it.")
    changed_at = UtcDateTimeField(source="created_at", help_text="When the participant id changed.")


class ParticipantAttributesSerializer(serializers.Serializer):
    full_name = serializers.CharField(help_text="The participant's full name.")
    teacher_reference_number = BlankAsNullCharField(
        source="trn", help_text="The participant's teacher reference number (TRN); null when not known."
    )
    updated_at = UtcDateTimeField(
        source="api_updated_at", help_text="When any data shown for the participant last changed."
    )
    ecf_enrolments = serializers.SerializerMethodField(
        help_text="The participant's training records (as an ECT, as a mentor) that you train or trained."
    )
    participant_id_changes = ParticipantIdChangeSerializer(
        source="id_changes",
        many=True,
        help_text="Participant ids retired in favour of this one when duplicates were merged.",
    )

    @extend_schema_field(ParticipantEnrolmentSerializer(many=True))
    def get_ecf_enrolments(self, participant: Participant) -> Any:
        enrolments = participant_enrolments(participant, today=clock.today())
        return ParticipantEnrolmentSerializer(enrolments, many=True).data


# Named as in the public document: the component "Participant" would name its `type` enum
# "ParticipantTypeEnum", the name of the enrolments' `participant_type` enum.
@extend_schema_serializer(component_name="ECFParticipant")
class ParticipantSerializer(ResourceSerializer):
    """A participant (an ECT, a mentor, or both) that you train or trained; `id` is the participant id."""

    resource_type = "participant"
    attributes_serializer = ParticipantAttributesSerializer
