from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.partnerships import PartnershipFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.partnerships import PartnershipSerializer
from partnerships.selectors import partnership_list

VISIBILITY = (
    "You see only your own partnerships, in every cohort. A partnership the school has challenged stays "
    "visible, with status challenged and the reason, until you report it again."
)


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve your partnerships",
        description=f"Your partnerships with schools, oldest first unless you ask for another `sort`. {VISIBILITY} "
        "Also served without `/ecf`, at `/api/v3/partnerships`.",
        responses={200: PartnershipSerializer(many=True), **ERRORS_LIST},
        tags=["Partnerships"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a partnership",
        description=f"One of your partnerships. {VISIBILITY} Also served at `/api/v3/partnerships/{{id}}`.",
        responses={200: single(PartnershipSerializer), **ERRORS_SHOW},
        tags=["Partnerships"],
    ),
)
class PartnershipViewSet(ResourceViewSet):
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    sort_fields = {"created_at": "created_at", "updated_at": "api_updated_at"}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return partnership_list(lead_provider=self.lead_provider)
