from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.jsonapi.fields import BlankAsNullChoiceField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer
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


class ParticipantDeclarationAttributesSerializer(serializers.Serializer):
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
    lead_provider_name = serializers.CharField(
        source="lead_provider.name", help_text="The lead provider that submitted the declaration."
    )

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
