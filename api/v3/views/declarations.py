from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.jsonapi.views import ResourceViewSet
from api.v3.filters.declarations import DeclarationFilter
from api.v3.schema import ERRORS_LIST, ERRORS_SHOW, single
from api.v3.serializers.declarations import ParticipantDeclarationSerializer
from ecf.selectors.declarations import declaration_list

VISIBILITY = (
    "You see every declaration you submitted, in every state. You also see another provider's declarations "
    "for a participant you train (or trained) while they still count for payment (submitted, eligible, "
    "payable or paid) and are dated on or before the end of your training with that participant: a milestone "
    "already declared cannot be declared again until that declaration is voided."
)


@extend_schema_view(
    list=extend_schema(
        summary="Retrieve participant declarations",
        description=f"Declarations you can see, oldest first (by when they were submitted). {VISIBILITY} "
        "Filter by `statement_id` or `clawback_statement_id` to reconcile a statement line by line.",
        responses={200: ParticipantDeclarationSerializer(many=True), **ERRORS_LIST},
        tags=["Participant declarations"],
    ),
    retrieve=extend_schema(
        summary="Retrieve a participant declaration",
        description=f"One declaration you can see. {VISIBILITY}",
        responses={200: single(ParticipantDeclarationSerializer), **ERRORS_SHOW},
        tags=["Participant declarations"],
    ),
)
class ParticipantDeclarationViewSet(ResourceViewSet):
    serializer_class = ParticipantDeclarationSerializer
    filterset_class = DeclarationFilter
    sort_fields: dict[str, str] = {}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return declaration_list(lead_provider=self.lead_provider)
