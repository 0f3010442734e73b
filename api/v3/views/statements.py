from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.statements import StatementFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.statements import StatementBreakdownSerializer, StatementSerializer
from finance.choices import StatementStatus
from finance.models import Statement
from finance.selectors import statement_list
from finance.services.statements import statement_breakdown


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

    @extend_schema(
        summary="What a statement pays, line by line",
        description="Beyond the public contract: the same figures the department's finance team sees for your "
        "statement — output payments per declaration type and band, service fee, uplifts, clawbacks, "
        "adjustments, VAT and total, as decimal strings rounded to pence. Once the statement is paid, the figures "
        "it was paid with. Reconcile each line with `GET /participant-declarations?filter[statement_id]=...`.",
        responses={200: single(StatementBreakdownSerializer), **ERRORS_SHOW},
        tags=["Statements"],
    )
    @action(detail=True, methods=["get"])
    def breakdown(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        statement = self.get_object()
        assert isinstance(statement, Statement)
        figures: dict[str, Any] = statement.paid_breakdown or statement_breakdown(statement=statement).as_json()
        figures_as_paid = statement.paid_breakdown is not None
        resource = {
            "pk": statement.pk,
            **figures,
            "paid": statement.status == StatementStatus.PAID,
            "figures_as_paid": figures_as_paid,
        }
        return Response({"data": StatementBreakdownSerializer(resource).data})
