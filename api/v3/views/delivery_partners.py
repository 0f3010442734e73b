from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.delivery_partners import DeliveryPartnerFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.delivery_partners import DeliveryPartnerSerializer
from ecf.selectors.delivery_partners import delivery_partner_list

VISIBILITY = (
    "You see the delivery partners the department allows you to work with, in at least one cohort; "
    "`cohort` lists every cohort in which you may report partnerships with each of them."
)


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve delivery partners",
        description=f"Your delivery partners, oldest first unless you ask for another `sort`. {VISIBILITY}",
        responses={200: DeliveryPartnerSerializer(many=True), **ERRORS_LIST},
        tags=["Delivery partners"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a delivery partner",
        description=f"One of your delivery partners. {VISIBILITY}",
        responses={200: single(DeliveryPartnerSerializer), **ERRORS_SHOW},
        tags=["Delivery partners"],
    ),
)
class DeliveryPartnerViewSet(ResourceViewSet):
    serializer_class = DeliveryPartnerSerializer
    filterset_class = DeliveryPartnerFilter
    sort_fields = {"created_at": "created_at", "updated_at": "api_updated_at"}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return delivery_partner_list(lead_provider=self.lead_provider)
