from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.participants import ParticipantFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.participants import ParticipantSerializer
from ecf.selectors.participants import participant_list

DESCRIPTION = (
    "Participants (ECTs and mentors) you train or trained: anyone with a training period with you, also "
    "after they leave, unless the school challenged your partnership. Each of their training records "
    "with you is one item of `ecf_enrolments`, read from your latest training period for it."
)


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve multiple participants",
        description=DESCRIPTION + " Ordered by `created_at` unless you `sort`; every cohort unless you filter.",
        responses={200: ParticipantSerializer(many=True), **ERRORS_LIST},
        tags=["Participants"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a single participant",
        description=DESCRIPTION,
        responses={200: single(ParticipantSerializer), **ERRORS_SHOW},
        tags=["Participants"],
    ),
)
class ParticipantViewSet(ResourceViewSet):
    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    sort_fields = {"created_at": "created_at", "updated_at": "api_updated_at"}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return participant_list(lead_provider=self.lead_provider)
