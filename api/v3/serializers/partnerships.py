from rest_framework import serializers

from api.jsonapi.fields import BlankAsNullChoiceField, CohortField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer
from api.v3.schema import request_body
from partnerships.choices import ChallengeReason, PartnershipStatus


class PartnershipAttributesSerializer(RowSerializer):
    cohort = CohortField(help_text="The cohort of the partnership, e.g. 2024.")
    urn = serializers.CharField(source="school.urn", help_text="The Unique Reference Number (URN) of the school.")
    school_id = serializers.UUIDField(help_text="The id of the school you are partnered with.")
    delivery_partner_id = serializers.UUIDField(
        help_text="The id of the delivery partner you work with for this partnership."
    )
    delivery_partner_name = serializers.CharField(
        source="delivery_partner.name", help_text="The name of that delivery partner."
    )
    status = serializers.ChoiceField(
        choices=PartnershipStatus.choices,
        help_text="active, or challenged when the school has said the partnership is not right. A challenged "
        "partnership cannot be changed; report it again (POST) to restore it.",
    )
    challenged_reason = BlankAsNullChoiceField(
        ChallengeReason.choices,
        source="challenge_reason",
        help_text="Why the school challenged the partnership; null unless the status is challenged.",
    )
    challenged_at = UtcDateTimeField(
        allow_null=True, help_text="When the school challenged the partnership; null unless it is challenged."
    )
    induction_tutor_name = serializers.CharField(
        allow_null=True,
        help_text="The school's induction tutor for the partnership's cohort; null when the school has not named one.",
    )
    induction_tutor_email = serializers.CharField(
        allow_null=True,
        help_text="The induction tutor's email address; null when the school has not given one.",
    )
    participants_currently_training = serializers.IntegerField(
        help_text="How many participants (training records) train through this partnership today: their "
        "training at the school with you has started and has not ended."
    )
    updated_at = UtcDateTimeField(
        source="api_updated_at", help_text="When data shown for this partnership last changed."
    )
    created_at = UtcDateTimeField(help_text="When the partnership was first reported.")


class PartnershipSerializer(ResourceSerializer):
    resource_type = "partnership"
    attributes_serializer = PartnershipAttributesSerializer


class PartnershipCreateSerializer(serializers.Serializer):
    """The attributes of a partnership report (POST)."""

    cohort = serializers.CharField(
        help_text="The cohort (its start year, e.g. 2024) in which you will train the school's participants. "
        "Payments for it must not be frozen."
    )
    school_id = serializers.UUIDField(
        help_text="The id of the school (see the schools endpoint). The school must be eligible for DfE funding."
    )
    delivery_partner_id = serializers.UUIDField(
        help_text="The id of the delivery partner who will deliver your training at the school. The DfE must "
        "recognise you as working with it in the cohort (see the delivery partners endpoint)."
    )


class PartnershipUpdateSerializer(serializers.Serializer):
    """The attributes of a change of delivery partner (PUT)."""

    delivery_partner_id = serializers.UUIDField(
        help_text="The id of the delivery partner who will now deliver your training at the school. The DfE "
        "must recognise you as working with it in the partnership's cohort."
    )


PartnershipCreateBodySerializer = request_body("PartnershipCreateBody", "partnership", PartnershipCreateSerializer)
PartnershipUpdateBodySerializer = request_body("PartnershipUpdateBody", "partnership", PartnershipUpdateSerializer)
