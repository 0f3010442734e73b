from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.participants import UnfundedMentorFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.unfunded_mentors import UnfundedMentorSerializer
from ecf.selectors.unfunded_mentors import unfunded_mentor_list

DESCRIPTION = (
    "Mentors currently assigned to your ECTs whom you do not train (they train with another lead provider, "
    "or are not registered for provider-led training with you), so that you can give them access to your "
    "training materials."
)


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve multiple unfunded mentors",
        description=DESCRIPTION + " Ordered by `created_at` unless you `sort`.",
        responses={200: UnfundedMentorSerializer(many=True), **ERRORS_LIST},
        tags=["Unfunded mentors"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a single unfunded mentor",
        description=DESCRIPTION + " Not found when the mentor is not currently one of your unfunded mentors.",
        responses={200: single(UnfundedMentorSerializer), **ERRORS_SHOW},
        tags=["Unfunded mentors"],
    ),
)
class UnfundedMentorViewSet(ResourceViewSet):
    serializer_class = UnfundedMentorSerializer
    filterset_class = UnfundedMentorFilter
    sort_fields = {"created_at": "created_at", "updated_at": "api_updated_at"}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return unfunded_mentor_list(lead_provider=self.lead_provider)
