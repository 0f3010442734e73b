"""Bodies of the sandbox-only endpoints: `{"data": {"type": ..., "attributes": <these>}}` in, participants out."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from api.v3.schema import request_body
from api.v3.serializers.participants import NamedEnumField, ParticipantSerializer, RequiredChoiceField
from ecf.choices import SCHEDULE_IDENTIFIERS, DeclarationType, FundingEligibility, ParticipantType, TrainingStatus
from sandbox.services.participants import MAX_PER_PROVIDER, MAX_PER_REQUEST


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
        child=NamedEnumField(DeclarationType.choices, enum_name="SandboxDeclarationTypeEnum"),
        required=False,
        default=list,
        max_length=len(DeclarationType),
        help_text='Milestones already declared, in order (e.g. ["started"]). Each is declared as you would '
        "declare it: now (or at the end of its window if it has closed), so a funded participant's declaration "
        "is eligible on your open statement. A milestone whose window has not opened is refused (422 titled "
        "`declarations`): send `X-With-Server-Date` to act at a later moment.",
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
