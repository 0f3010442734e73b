from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.jsonapi.fields import UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer
from ecf.models import DeliveryPartner


class DeliveryPartnerAttributesSerializer(RowSerializer):
    name = serializers.CharField(help_text="The name of the delivery partner.")
    cohort = serializers.SerializerMethodField(
        help_text="The cohorts in which you may report partnerships with this delivery partner, oldest first."
    )
    created_at = UtcDateTimeField(help_text="When the delivery partner was added to the service.")
    updated_at = UtcDateTimeField(
        source="api_updated_at", help_text="When data shown for this delivery partner last changed."
    )

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "example": ["2024", "2025"]})
    def get_cohort(self, delivery_partner: DeliveryPartner) -> list[str]:
        # Prefetched by the selector: the calling provider's relationships, by cohort start year.
        return [str(relationship.cohort.start_year) for relationship in delivery_partner.lead_provider_relationships]  # type: ignore[attr-defined]


class DeliveryPartnerSerializer(ResourceSerializer):
    resource_type = "delivery-partner"
    attributes_serializer = DeliveryPartnerAttributesSerializer
