"""Sandbox-only endpoints (product beyond-item 9): a provider adds its own test participants and puts its sandbox
back as seeded, without asking anyone. Outside the sandbox (the `SANDBOX` setting off) they answer 404."""

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.jsonapi.requests import validated_attributes
from api.jsonapi.views import ResourceViewSet
from api.v3.schema import ERRORS_CREATE, TOO_MANY, ErrorsSerializer
from api.v3.serializers.participants import ParticipantSerializer
from api.v3.serializers.sandbox import (
    SandboxParticipantsCreateRequestSerializer,
    SandboxParticipantsCreateSerializer,
    SandboxParticipantsResponseSerializer,
    SandboxResetResponseSerializer,
)
from ecf.selectors.participants import participant_list
from sandbox.services.participants import (
    MAX_PER_PROVIDER,
    MAX_PER_REQUEST,
    ParticipantSpec,
    sandbox_participants_create,
)
from sandbox.services.reset import sandbox_reset

SANDBOX_ONLY = " Sandbox only: answers 404 elsewhere."
NOT_FOUND_OUTSIDE_SANDBOX = {404: ErrorsSerializer}


class SandboxViewSet(ResourceViewSet):
    serializer_class = ParticipantSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before authentication: outside the sandbox these paths do not exist, whoever asks.
        if not settings.SANDBOX:
            raise Http404
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="sandbox_participants_create",
        summary="Add test participants",
        description=f"Add up to {MAX_PER_REQUEST} participants you train, in the cohort, schedule, funding and "
        "training status you choose, optionally with milestones already declared (now, or in the past and "
        "already paid or payable). They are registered at a school you partner in the cohort and declared, "
        "deferred or withdrawn through the same rules as your own requests, so statements and every other "
        "endpoint show them as they would show real participants. "
        f"Your sandbox holds at most {MAX_PER_PROVIDER} participants you added; `POST /sandbox/reset` removes "
        "them. Answers 200 with the participants as `GET /participants` shows them. Refused (422, nothing "
        "saved; each error titled with the attribute at fault) when a value is not allowed, the school is not "
        "one you partner in the cohort, or a declaration breaks a rule or cannot have reached the state asked "
        "for." + SANDBOX_ONLY,
        request=SandboxParticipantsCreateRequestSerializer,
        responses={200: SandboxParticipantsResponseSerializer, **ERRORS_CREATE, **NOT_FOUND_OUTSIDE_SANDBOX},
        tags=["Sandbox"],
    )
    def participants(self, request: Request) -> Response:
        attributes = validated_attributes(SandboxParticipantsCreateSerializer, request)
        attributes["declarations"] = tuple(attributes["declarations"])
        created = sandbox_participants_create(lead_provider=self.lead_provider, spec=ParticipantSpec(**attributes))
        rows = participant_list(lead_provider=self.lead_provider).filter(pk__in=[p.pk for p in created])
        return Response({"data": self.get_serializer(rows.order_by("created_at", "id"), many=True).data})

    @extend_schema(
        operation_id="sandbox_reset",
        summary="Reset your sandbox",
        description="Put your sandbox data back as it was seeded: removes the participants you added and the "
        "declarations, partnerships, withdrawals and deferrals you made, and writes back the seeded values of "
        "your participants, declarations, partnerships and statements you changed. Other providers' data is "
        "untouched. What was written back shows a new `updated_at`, so `filter[updated_since]` finds it; after "
        "a reset, sync everything again. Safe to repeat: a second reset finds nothing to do. Refused (422, nothing "
        "changed) when the sandbox seed did not make your data, as there is then no seeded state to return to. "
        "No request body." + SANDBOX_ONLY,
        request=None,
        responses={
            200: SandboxResetResponseSerializer,
            422: ErrorsSerializer,
            **TOO_MANY,
            **NOT_FOUND_OUTSIDE_SANDBOX,
        },
        tags=["Sandbox"],
    )
    def reset(self, request: Request) -> Response:
        result = sandbox_reset(lead_provider=self.lead_provider)
        attributes = {"removed": dict(result.removed), "restored": dict(result.restored)}
        return Response({"data": {"type": "sandbox-reset", "attributes": attributes}})
