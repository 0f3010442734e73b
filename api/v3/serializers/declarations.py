from datetime import datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.jsonapi.dates import parse_rfc3339
from api.jsonapi.fields import BlankAsNullChoiceField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer
from api.v3.schema import request_body
from ecf.choices import (
    REFUNDABLE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
    EvidenceHeld,
    IneligibleReason,
)
from ecf.models import Declaration

# The declaration was paid: still paid, or paid and then (being) clawed back.
PAID_STATES = (DeclarationState.PAID, *REFUNDABLE_DECLARATION_STATES)


class ParticipantDeclarationAttributesSerializer(RowSerializer):
    participant_id = serializers.UUIDField(help_text="The participant's id.")
    declaration_type = serializers.ChoiceField(
        choices=DeclarationType.choices, help_text="The milestone the declaration is for."
    )
    declaration_date = UtcDateTimeField(help_text="When the participant reached the milestone.")
    course_identifier = serializers.ChoiceField(
        choices=CourseIdentifier.choices,
        help_text="The course: ecf-induction for an ECT, ecf-mentor for a mentor.",
    )
    state = serializers.ChoiceField(
        choices=DeclarationState.choices,
        help_text="Where the declaration is in payment: submitted (not yet fundable), eligible (on a statement), "
        "payable, paid, voided, ineligible (a duplicate), awaiting-clawback (voided after payment, to be "
        "recovered on the clawback statement), clawed-back.",
    )
    updated_at = UtcDateTimeField(
        source="api_updated_at", help_text="When data shown for this declaration last changed."
    )
    created_at = UtcDateTimeField(help_text="When the declaration was submitted.")
    delivery_partner_id = serializers.UUIDField(
        allow_null=True, help_text="The participant's delivery partner at the declaration date."
    )
    statement_id = serializers.UUIDField(
        source="payment_statement_id",
        allow_null=True,
        help_text="The statement the declaration is (or will be) paid on; null while submitted, ineligible or voided.",
    )
    clawback_statement_id = serializers.UUIDField(
        allow_null=True, help_text="The statement the payment is (or will be) clawed back on, if any."
    )
    ineligible_for_funding_reason = BlankAsNullChoiceField(
        IneligibleReason.choices,
        source="ineligible_reason",
        help_text="Why the declaration is ineligible; null unless its state is ineligible.",
    )
    mentor_id = serializers.UUIDField(
        allow_null=True, help_text="The ECT's mentor (participant id) at the declaration date; null for mentors."
    )
    uplift_paid = serializers.SerializerMethodField(
        help_text="Whether a pupil premium or sparsity uplift was paid with this declaration."
    )
    evidence_held = BlankAsNullChoiceField(
        EvidenceHeld.choices, help_text="The evidence you hold that the milestone was reached, if given."
    )
    has_passed = serializers.SerializerMethodField(help_text="Always null: kept for clients of the original service.")
    lead_provider_name = serializers.CharField(help_text="The lead provider that submitted the declaration.")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_uplift_paid(self, declaration: Declaration) -> bool:
        return declaration.state in PAID_STATES and (declaration.pupil_premium_uplift or declaration.sparsity_uplift)

    @extend_schema_field({"type": "boolean", "nullable": True, "example": None})
    def get_has_passed(self, declaration: Declaration) -> None:
        return None


class ParticipantDeclarationSerializer(ResourceSerializer):
    """A participant declaration: a lead provider's claim that a participant reached a milestone of their
    training, which drives output payments."""

    resource_type = "participant-declaration"
    attributes_serializer = ParticipantDeclarationAttributesSerializer
    # What the fields above read: lists fetch only these columns (a declaration row has a dozen more).
    columns = (
        "participant_id",
        "declaration_type",
        "declaration_date",
        "course_identifier",
        "state",
        "api_updated_at",
        "created_at",
        "delivery_partner_id",
        "payment_statement_id",
        "clawback_statement_id",
        "ineligible_reason",
        "mentor_id",
        "pupil_premium_uplift",
        "sparsity_uplift",
        "evidence_held",
    )


@extend_schema_field({"type": "string", "format": "date-time", "example": "2025-10-01T10:00:00Z"})
class Rfc3339DateTimeField(serializers.Field):
    """An RFC 3339 date and time (`2025-10-01T10:00:00Z`, `2025-10-01T11:00:00+01:00`); a date alone is
    refused. Without an offset the time is read as London time."""

    default_error_messages = {
        "invalid": "it must be an RFC 3339 date and time, such as 2025-10-01T10:00:00Z (a date alone is not enough)."
    }

    def to_internal_value(self, data: Any) -> datetime:
        moment = parse_rfc3339(data) if isinstance(data, str) else None
        if moment is None:
            self.fail("invalid")
        return moment

    def to_representation(self, value: datetime) -> str:
        return UtcDateTimeField().to_representation(value)


@extend_schema_field({"type": "string", "enum": CourseIdentifier.values, "example": CourseIdentifier.ECT.value})
class CourseIdentifierField(serializers.CharField):
    """A course identifier, checked by the service (which also answers NPQ courses)."""


@extend_schema_field({"type": "string", "enum": EvidenceHeld.values, "nullable": True, "example": "other"})
class EvidenceHeldField(serializers.CharField):
    """Evidence held, checked by the service: what is accepted depends on the cohort, course and type."""


class ParticipantDeclarationCreateSerializer(serializers.Serializer):
    """The attributes of a declaration (POST)."""

    participant_id = serializers.UUIDField(
        help_text="The participant's id (a retired id from `participant_id_changes` also works). You must be "
        "training the participant on the course."
    )
    declaration_type = serializers.ChoiceField(
        choices=DeclarationType.choices,
        help_text="The milestone reached. It must be a milestone of the participant's schedule: extended-1 to "
        "extended-3 only on extended schedules; mentors from the 2025 cohort only started or completed.",
    )
    declaration_date = Rfc3339DateTimeField(
        help_text="When the participant reached the milestone: an RFC 3339 date and time, not in the future, "
        "within the milestone's window (from its start date to its milestone date, London days). From the 2025 "
        "cohort, dates must follow the milestone order of the participant's other declarations for the course."
    )
    course_identifier = CourseIdentifierField(
        help_text="The course: ecf-induction for an ECT, ecf-mentor for a mentor. NPQ courses are no longer supported."
    )
    evidence_held = EvidenceHeldField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The evidence you hold that the milestone was reached. Required, except for started "
        "declarations before the 2025 cohort (where it is ignored and stored as null). Up to the 2024 cohort: "
        "training-event-attended, self-study-material-completed or other. From the 2025 cohort: for started, "
        "retained-1, retained-3, retained-4 and extended-1 to extended-3 also materials-engaged-with-offline; "
        "retained-2: 75-percent-engagement-met or 75-percent-engagement-met-reduced-induction; completed: those "
        "two, and for ECTs also one-term-induction.",
    )
    has_passed = serializers.BooleanField(
        required=False, allow_null=True, help_text="Accepted for clients of the original service, and ignored."
    )


ParticipantDeclarationCreateBodySerializer = request_body(
    "ParticipantDeclarationCreateBody", "participant-declaration", ParticipantDeclarationCreateSerializer
)
