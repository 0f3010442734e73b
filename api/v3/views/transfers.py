from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.participants import ParticipantTransferFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.transfers import ParticipantTransferSerializer
from ecf.selectors.transfers import participant_transfer_list

DESCRIPTION = (
    "Participants' moves between schools that involve you: you trained them at the school they left, or "
    "train them at the school they joined. A move is `incomplete` until both its leaving and joining dates "
    "have passed; `joining` is null until the new school reports the participant."
)


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve multiple participant transfers",
        description=DESCRIPTION + " Lists only participants with at least one such move, ordered by `created_at` "
        "unless you `sort`.",
        responses={200: ParticipantTransferSerializer(many=True), **ERRORS_LIST},
        tags=["Participants"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a single participant's transfers",
        description=DESCRIPTION + " Not found when the participant has no such move.",
        responses={200: single(ParticipantTransferSerializer), **ERRORS_SHOW},
        tags=["Participants"],
    ),
)
class ParticipantTransferViewSet(ResourceViewSet):
    serializer_class = ParticipantTransferSerializer
    filterset_class = ParticipantTransferFilter
    sort_fields = {"created_at": "created_at", "updated_at": "api_updated_at"}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return participant_transfer_list(lead_provider=self.lead_provider)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lead_provider": self.lead_provider}
