from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.jsonapi.requests import validated_attributes
from api.jsonapi.views import ResourceViewSet
from api.v3.documents.participants import participant_documents
from api.v3.filters.participants import ParticipantFilter
from api.v3.schema import (
    ERRORS_LIST,
    ERRORS_SHOW,
    ERRORS_UPDATE,
    single,
)
from api.v3.serializers.participants import (
    ParticipantChangeScheduleRequestSerializer,
    ParticipantChangeScheduleSerializer,
    ParticipantDeferRequestSerializer,
    ParticipantDeferSerializer,
    ParticipantResumeRequestSerializer,
    ParticipantResumeSerializer,
    ParticipantSerializer,
    ParticipantWithdrawRequestSerializer,
    ParticipantWithdrawSerializer,
)
from ecf import clock
from ecf.selectors.participants import PARTICIPANT_VALUES, participant_list, visible_participant_list
from ecf.services.participants import (
    participant_change_schedule,
    participant_defer,
    participant_resume,
    participant_withdraw,
)

DESCRIPTION = (
    "Participants (ECTs and mentors) you train or trained: anyone with a training period with you, also "
    "after they leave, unless the school challenged your partnership. Each of their training records "
    "with you is one item of `ecf_enrolments`, read from your latest training period for it."
)
ACTION_DESCRIPTION = (
    " `course_identifier` chooses the training record: ecf-induction for the ECT record, ecf-mentor for the "
    "mentor record; you must train the participant on that course. The change applies to your latest training "
    "period for the record and takes effect now. The response is the participant as `GET` then shows it to you. "
    "404 when you cannot see the participant; 422 (one error per problem, titled with the attribute at fault) "
    "when the request breaks a rule."
)
PARTICIPANT_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The participant id (not the training record id)."
)


def _action_schema(summary: str, description: str, request: type[serializers.Serializer]) -> Any:
    return extend_schema(
        summary=summary,
        description=description + ACTION_DESCRIPTION,
        parameters=[PARTICIPANT_ID],
        request=request,
        responses={200: single(ParticipantSerializer), **ERRORS_UPDATE},
        tags=["Participants"],
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

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Read as values straight into the documents (`api.v3.documents`), not through the serializer."""
        queryset = visible_participant_list(lead_provider=self.lead_provider).values_list(
            *PARTICIPANT_VALUES, named=True
        )
        rows = self.requested_page(queryset)
        documents = participant_documents(rows, lead_provider=self.lead_provider, today=clock.today())
        return self.get_paginated_response(documents)

    @_action_schema(
        "Withdraw a participant",
        "Notify us that the participant has withdrawn from training with you on a course. You can withdraw an "
        "active or deferred participant; resume them to undo it. Declarations dated after the withdrawal are "
        "refused. An ECT cannot be withdrawn as mentor-no-longer-being-mentor.",
        ParticipantWithdrawRequestSerializer,
    )
    @action(detail=True, methods=["put"], url_path="withdraw")
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._act(request, ParticipantWithdrawSerializer, participant_withdraw)

    @_action_schema(
        "Defer a participant",
        "Notify us that the participant is taking a break from training with you on a course. You can defer "
        "an active participant only; resume them when they come back.",
        ParticipantDeferRequestSerializer,
    )
    @action(detail=True, methods=["put"], url_path="defer")
    def defer(self, request: Request, pk: str) -> Response:
        return self._act(request, ParticipantDeferSerializer, participant_defer)

    @_action_schema(
        "Resume a participant",
        "Notify us that a deferred or withdrawn participant is training with you again on a course.",
        ParticipantResumeRequestSerializer,
    )
    @action(detail=True, methods=["put"], url_path="resume")
    def resume(self, request: Request, pk: str) -> Response:
        return self._act(request, ParticipantResumeSerializer, participant_resume)

    @_action_schema(
        "Change a participant's schedule",
        "Put the participant on another training schedule, and optionally in another cohort. Existing "
        "declarations must still fall within the new schedule's milestone dates. A withdrawn participant must "
        "be resumed first.",
        ParticipantChangeScheduleRequestSerializer,
    )
    @action(detail=True, methods=["put"], url_path="change-schedule")
    def change_schedule(self, request: Request, pk: str) -> Response:
        return self._act(request, ParticipantChangeScheduleSerializer, participant_change_schedule)

    def _act(
        self, request: Request, input_serializer: type[serializers.Serializer], service: Callable[..., Any]
    ) -> Response:
        """404 unless the provider sees the participant; then validate the body, run the service, and answer
        with the participant as a GET now shows it."""
        pk = self.kwargs["pk"]
        if not self.get_queryset().filter(pk=pk).exists():
            raise Http404
        attributes = validated_attributes(input_serializer, request)
        service(lead_provider=self.lead_provider, participant_id=pk, **attributes)
        return Response({"data": self.get_serializer(self.get_object()).data})
