from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.jsonapi.requests import validated_attributes
from api.jsonapi.views import ResourceViewSet
from api.v3.documents.declarations import DECLARATION_VALUES, declaration_documents
from api.v3.filters.declarations import DeclarationFilter
from api.v3.schema import ERRORS_CREATE, ERRORS_LIST, ERRORS_SHOW, ErrorsSerializer, single
from api.v3.serializers.declarations import (
    ParticipantDeclarationCreateBodySerializer,
    ParticipantDeclarationCreateSerializer,
    ParticipantDeclarationSerializer,
)
from ecf.models import Declaration
from ecf.selectors.declarations import declaration_list
from finance.services.declarations import declaration_create, declaration_void

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
    create=extend_schema(
        summary="Declare a participant's progress",
        description="Tell the DfE that a participant you train reached a milestone (started, retained-1 to "
        "retained-4, completed, extended-1 to extended-3), so that you are paid for it. Answers 200 with the "
        "declaration.\n\n"
        "**Safe to retry.** Sending exactly the same declaration again (same participant, course, type, date "
        "and evidence) while it is live answers 200 with the declaration you first created, unchanged. Any "
        "other declaration for a milestone that already has a live declaration (submitted, eligible, payable "
        "or paid; by you or another provider) is refused with a 422 titled `declaration_type`: void the first "
        "one before declaring again.\n\n"
        "**State.** A participant eligible for funding gets an `eligible` declaration on your next open "
        "output statement for the participant's cohort (the `statement_id`); without one, the declaration is "
        "refused (422 titled `cohort`). While funding is not yet decided, or the participant is not funded, "
        "the declaration stays `submitted` with no statement. If the same person (same TRN) already has a "
        "live declaration for this milestone under another participant id, the new one is `ineligible` with "
        "`ineligible_for_funding_reason` duplicate_declaration.\n\n"
        "**Refused (422, nothing saved)** when the participant is not one you train, the date is in the "
        "future, outside the milestone's window (London days) or, from the 2025 cohort, out of order with the "
        "participant's other declarations, on or after a withdrawal or deferral you recorded and have not "
        "resumed, the type is not in the participant's schedule, or the evidence is missing or not accepted. "
        "Each error is titled with the attribute at fault.",
        request=ParticipantDeclarationCreateBodySerializer,
        responses={200: single(ParticipantDeclarationSerializer), **ERRORS_CREATE},
        tags=["Participant declarations"],
    ),
)
class ParticipantDeclarationViewSet(ResourceViewSet):
    serializer_class = ParticipantDeclarationSerializer
    filterset_class = DeclarationFilter
    sort_fields: dict[str, str] = {}
    default_sort = ("created_at",)

    def get_queryset(self) -> QuerySet[Any]:
        return declaration_list(lead_provider=self.lead_provider).only(*ParticipantDeclarationSerializer.columns)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Read as values straight into the documents (`api.v3.documents`), not through the serializer."""
        queryset = declaration_list(lead_provider=self.lead_provider).values_list(*DECLARATION_VALUES, named=True)
        rows = self.requested_page(queryset)
        return self.get_paginated_response(declaration_documents(rows))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        attributes = validated_attributes(ParticipantDeclarationCreateSerializer, request)
        declaration = declaration_create(
            lead_provider=self.lead_provider,
            participant_id=attributes["participant_id"],
            course_identifier=attributes["course_identifier"],
            declaration_type=attributes["declaration_type"],
            declaration_date=attributes["declaration_date"],
            evidence_held=attributes.get("evidence_held"),
        )
        return self._show(declaration)

    @extend_schema(
        operation_id="participant_declarations_void",
        summary="Void a participant declaration",
        description="Withdraw one of your own declarations. A declaration not yet paid (submitted, eligible, "
        "payable or ineligible) becomes `voided` and leaves its statement (`statement_id` becomes null). A "
        "paid declaration becomes `awaiting-clawback`: its payment is recovered on your next open output "
        "statement for its cohort (`clawback_statement_id`), and is refused (422 titled `cohort`) when there "
        "is none. A declaration already voided, awaiting clawback or clawed back cannot be voided (422 titled "
        "`id`). Another provider's declaration answers 404. Voiding a 2025 mentor's completed declaration "
        "restores the mentor's funding. Answers 200 with the declaration. No request body.",
        request=None,
        responses={200: single(ParticipantDeclarationSerializer), **ERRORS_SHOW, 422: ErrorsSerializer},
        tags=["Participant declarations"],
    )
    @action(detail=True, methods=["put"], url_path="void", url_name="void")
    def void(self, request: Request, pk: UUID) -> Response:
        return self._show(declaration_void(lead_provider=self.lead_provider, declaration_id=pk))

    def _show(self, declaration: Declaration) -> Response:
        # Read back as the lists read it (with the columns the serializer expects), as the provider will see it.
        return Response({"data": self.get_serializer(self.get_queryset().get(pk=declaration.pk)).data})
