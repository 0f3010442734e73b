from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.statements import StatementFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.statements import StatementSerializer
from finance.selectors import statement_list


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve financial statements",
        description="Your output-fee statements, ordered by payment date.",
        responses={200: StatementSerializer(many=True), **ERRORS_LIST},
        tags=["Statements"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a financial statement",
        responses={200: single(StatementSerializer), **ERRORS_SHOW},
        tags=["Statements"],
    ),
)
class StatementViewSet(ResourceViewSet):
    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    default_sort = ("payment_date", "created_at")

    def get_queryset(self) -> QuerySet[Any]:
        return statement_list(lead_provider=self.lead_provider)
