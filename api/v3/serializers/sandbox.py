"""Bodies of the sandbox-only endpoints: `{"data": {"type": ..., "attributes": <these>}}` in, participants out."""

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from api.v3.schema import request_body
from api.v3.serializers.participants import ParticipantSerializer, RequiredChoiceField
from ecf.choices import SCHEDULE_IDENTIFIERS, DeclarationType, FundingEligibility, ParticipantType, TrainingStatus
from sandbox.services.participants import MAX_PER_PROVIDER, MAX_PER_REQUEST, REQUESTABLE_STATES, DeclarationSpec

DECLARATION_TYPES = list(DeclarationType.values)
DECLARATION_STATES = [str(state) for state in REQUESTABLE_STATES]
DECLARATION_KEYS = ("declaration_type", "state")


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "string",
                "enum": DECLARATION_TYPES,
                "description": "A milestone, declared now: submitted or eligible, as your own declaration would be.",
            },
            {
                "type": "object",
                "description": "A milestone and the state it has reached.",
                "properties": {
                    "declaration_type": {"type": "string", "enum": DECLARATION_TYPES},
                    "state": {
                        "type": "string",
                        "enum": DECLARATION_STATES,
                        "description": "submitted (participants not funded) or eligible (funded): declared now; "
                        "payable or paid (funded): made in the past, on your statement of that status.",
                    },
                },
                "required": list(DECLARATION_KEYS),
                "additionalProperties": False,
            },
        ],
        "example": "started",
    }
)
class SandboxDeclarationField(serializers.Field):
    """One milestone already declared: its name (`"started"`), or its name and state
    (`{"declaration_type": "started", "state": "paid"}`)."""

    default_error_messages = {
        "invalid": 'Give a milestone (such as "started") or an object such as '
        '{{"declaration_type": "started", "state": "paid"}}.',
        "unknown_keys": "Only declaration_type and state can be given, not {keys}.",
        "type": "The declaration_type {value} is not one of the accepted values: {accepted}.",
        "state": "The state {value} is not one of the accepted values: {accepted}.",
        "missing": "Give the {name} of each declaration given as an object.",
    }

    def to_internal_value(self, data: Any) -> DeclarationSpec:
        if isinstance(data, str):
            return DeclarationSpec(self._valid(data, "type", DECLARATION_TYPES))
        if not isinstance(data, dict):
            self.fail("invalid")
        if unknown := sorted(str(key) for key in set(data) - set(DECLARATION_KEYS)):
            self.fail("unknown_keys", keys=", ".join(unknown))
        for key in DECLARATION_KEYS:
            if data.get(key) in (None, ""):
                self.fail("missing", name=key)
        return DeclarationSpec(
            self._valid(data["declaration_type"], "type", DECLARATION_TYPES),
            self._valid(data["state"], "state", DECLARATION_STATES),
        )

    def _valid(self, value: Any, key: str, accepted: list[str]) -> str:
        if not isinstance(value, str) or value not in accepted:
            self.fail(key, value=value, accepted=", ".join(accepted))
        return value

    def to_representation(self, value: DeclarationSpec) -> Any:
        if value.state is None:
            return value.declaration_type
        return {"declaration_type": value.declaration_type, "state": value.state}


@extend_schema_serializer(component_name="SandboxParticipantsCreateAttributes")
class SandboxParticipantsCreateSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        required=False,
        default=1,
        help_text=f"How many participants to add, 1 to {MAX_PER_REQUEST}. Your sandbox holds at most "
        f"{MAX_PER_PROVIDER} participants you added; a reset removes them all.",
    )
    cohort = serializers.RegexField(
        r"^[0-9]{4}\Z",
        required=False,
        allow_null=True,
        help_text="The cohort, as a year such as 2025; the newest cohort when left out.",
    )
    participant_type = RequiredChoiceField(
        ParticipantType.choices, required=False, default=ParticipantType.ECT, help_text="ect or mentor."
    )
    schedule_identifier = RequiredChoiceField(
        [(identifier, identifier) for identifier in SCHEDULE_IDENTIFIERS],
        required=False,
        default="ecf-standard-september",
        help_text="The training schedule. Replacement schedules are for mentors only.",
    )
    funding_eligibility = RequiredChoiceField(
        FundingEligibility.choices,
        required=False,
        default=FundingEligibility.ELIGIBLE,
        help_text="Whether the participant is funded: eligible (declarations go on your statements), "
        "not_yet_known or ineligible (declarations stay submitted).",
    )
    school_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A school you partner in the cohort (see the schools endpoint); participants are spread over "
        "your partnerships in the cohort when left out.",
    )
    training_status = RequiredChoiceField(
        TrainingStatus.choices,
        required=False,
        default=TrainingStatus.ACTIVE,
        help_text="active, or deferred or withdrawn by you (reason other) after any declarations.",
    )
    declarations = serializers.ListField(
        child=SandboxDeclarationField(),
        required=False,
        default=list,
        max_length=len(DeclarationType),
        help_text='Milestones already declared, in the order they were made. A milestone alone (`"started"`) is '
        "declared as you would declare it: now (or at the end of its window if it has closed), so a funded "
        "participant's declaration is eligible on your open statement and an unfunded one's is submitted. A "
        "milestone whose window has not opened is refused (422 titled `declarations`): send `X-With-Server-Date` "
        'to act at a later moment. An object (`{"declaration_type": "started", "state": "paid"}`) also says the '
        "state it has reached: `submitted` (funding_eligibility not eligible) or `eligible` (eligible) are declared "
        "now; `payable` or `paid` (funded participants only) are history, declared in the past: dated on a day in "
        "the milestone's window that lands on your newest statement of that status for the cohort (a day after "
        "the previous output statement's cut-off and on or before its own), and shown on that statement. List "
        "paid ones first, then payable ones, then those declared now. Refused (422 titled `declarations`, naming "
        "the cohorts and statements where it is possible) when no such statement exists, for example in a cohort "
        "with no paid statement yet, in a cohort that takes no new declarations, or on or before a statement the "
        "department authorised in the back office. `POST /sandbox/reset` removes them.",
    )

    def validate_cohort(self, value: str | None) -> int | None:
        return int(value) if value else None


SandboxParticipantsCreateRequestSerializer = request_body(
    "SandboxParticipantsCreate", "sandbox-participants", SandboxParticipantsCreateSerializer
)


class SandboxParticipantsResponseSerializer(serializers.Serializer):
    data = ParticipantSerializer(many=True)  # type: ignore[assignment]


class SandboxResetAttributesSerializer(serializers.Serializer):
    removed = serializers.DictField(
        child=serializers.IntegerField(), help_text="How many rows of each kind the reset removed."
    )
    restored = serializers.DictField(
        child=serializers.IntegerField(), help_text="How many rows of each kind it wrote back as seeded."
    )


class SandboxResetDataSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="sandbox-reset")
    attributes = SandboxResetAttributesSerializer()


class SandboxResetResponseSerializer(serializers.Serializer):
    data = SandboxResetDataSerializer()  # type: ignore[assignment]
