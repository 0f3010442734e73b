from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from api.jsonapi.requests import validated_attributes
from api.jsonapi.views import ResourceViewSet
from api.v3.filters.partnerships import PartnershipFilter
from api.v3.schema import (
    ERRORS_CREATE,
    ERRORS_LIST,
    ERRORS_SHOW,
    ERRORS_UPDATE,
    single,
)
from api.v3.serializers.partnerships import (
    PartnershipCreateBodySerializer,
    PartnershipCreateSerializer,
    PartnershipSerializer,
    PartnershipUpdateBodySerializer,
    PartnershipUpdateSerializer,
)
from partnerships.selectors import partnership_list
from partnerships.services import partnership_create, partnership_update

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
    create=extend_schema(
        summary="Report a partnership with a school",
        description="Tell the DfE that you will train the school's early career teachers and mentors in a "
        "cohort, with one of your delivery partners. Other providers may partner the same school in the same "
        "cohort; you can have one partnership per school and cohort. The school can challenge the "
        "partnership until 00:00 London time on the later of two days: the last day of the second month of "
        "the cohort's academic year (31 October for a September start) and the day 14 days after you report it. "
        "If the school has challenged your partnership, report it again to restore it: it keeps its id and "
        "takes the delivery partner you send. A 422 names each problem with the request (`cohort`, "
        "`school_id`, `delivery_partner_id`); nothing is saved then. Also served at `/api/v3/partnerships`.",
        request=PartnershipCreateBodySerializer,
        responses={200: single(PartnershipSerializer), **ERRORS_CREATE},
        tags=["Partnerships"],
    ),
    update=extend_schema(
        summary="Change the delivery partner of a partnership",
        description="Name another of your delivery partners for one of your partnerships; the partnership "
        "keeps its id, and the school gets a new window to challenge it. Naming the current delivery partner "
        "changes nothing. A partnership the school has challenged cannot be changed (422 titled `id`): "
        "report it again instead. Declarations you have already made keep the delivery partner they were "
        "made with. Also served at `/api/v3/partnerships/{id}`.",
        request=PartnershipUpdateBodySerializer,
        responses={200: single(PartnershipSerializer), **ERRORS_UPDATE},
        tags=["Partnerships"],
    ),
)
class PartnershipViewSet(ResourceViewSet):
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    sort_fields = {"created_at": "created_at", "updated_at": "api_updated_at"}
    default_sort = ("created_at",)
    # PUT only: a partnership has one attribute a provider may change, so PATCH is not offered (405).
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        return partnership_list(lead_provider=self.lead_provider)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        attributes = validated_attributes(PartnershipCreateSerializer, request)
        partnership = partnership_create(lead_provider=self.lead_provider, **attributes)
        return self._show(partnership.pk)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.get_object()
        attributes = validated_attributes(PartnershipUpdateSerializer, request)
        updated = partnership_update(
            lead_provider=self.lead_provider,
            partnership_id=partnership.pk,
            delivery_partner_id=attributes["delivery_partner_id"],
        )
        return self._show(updated.pk)

    def _show(self, pk: UUID) -> Response:
        return Response({"data": self.get_serializer(self.get_queryset().get(pk=pk)).data})
