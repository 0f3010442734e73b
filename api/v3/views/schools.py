from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.schools import SchoolFilter, requested_cohort_year
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, ErrorsSerializer, single
from api.v3.serializers.schools import SchoolSerializer
from ecf.selectors.schools import school_list

VISIBILITY = (
    "Schools are shown as they are in the cohort of `filter[cohort]` (required: one year). You see every "
    "school eligible for funded training, and any other school with a partnership in that cohort; every lead "
    "provider sees the same schools. An unknown cohort has no schools. `expression_of_interest` and the "
    "induction tutor's details are for you alone: they show whether the school has chosen you for the cohort."
)


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve schools for a cohort",
        description=f"Schools you may partner with, oldest first unless you ask for another `sort`. {VISIBILITY} "
        "Also served without `/ecf`, at `/api/v3/schools`.",
        responses={200: SchoolSerializer(many=True), **ERRORS_LIST},
        tags=["Schools"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a school for a cohort",
        description=f"One school. {VISIBILITY} Also served at `/api/v3/schools/{{id}}`.",
        parameters=[
            OpenApiParameter(
                "filter[cohort]",
                str,
                OpenApiParameter.QUERY,
                required=True,
                description="Required. The cohort start year (e.g. 2024): the school is shown as it is in that cohort.",
            )
        ],
        responses={200: single(SchoolSerializer), 400: ErrorsSerializer, **ERRORS_SHOW},
        tags=["Schools"],
    ),
)
class SchoolViewSet(ResourceViewSet):
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    sort_fields = {"created_at": "created_at", "updated_at": "updated_at_in_cohort"}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return school_list(lead_provider=self.lead_provider, cohort_year=requested_cohort_year(self.request))
