from rest_framework import serializers

from api.jsonapi.fields import UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer
from ecf import clock
from ecf.models import Participant
from ecf.selectors.transfers import participant_transfers
from ecf.transfers import Transfer, TransferStatus, TransferType


class TransferLeavingSerializer(RowSerializer):
    school_urn = serializers.CharField(source="school.urn", help_text="The URN of the school the participant left.")
    provider = serializers.CharField(
        source="lead_provider.name",
        allow_null=True,
        help_text="The lead provider training the participant at that school; null for school-led training.",
    )
    date = serializers.DateField(source="end_date", help_text="The participant's last day at the school.")


class TransferJoiningSerializer(RowSerializer):
    school_urn = serializers.CharField(source="school.urn", help_text="The URN of the school the participant joined.")
    provider = serializers.CharField(
        source="lead_provider.name",
        allow_null=True,
        help_text="The lead provider training the participant at that school; null for school-led training.",
    )
    date = serializers.DateField(source="start_date", help_text="The participant's first day at the school.")


class TransferListSerializer(serializers.ListSerializer):
    """A participant's transfers, worked out from its prefetched periods; as a nested list field its child
    serializer is built once per response, not once per participant."""

    def get_attribute(self, instance: Participant) -> list[Transfer]:
        return participant_transfers(instance, lead_provider=self.context["lead_provider"], today=clock.today())


class ParticipantTransferItemSerializer(RowSerializer):
    training_record_id = serializers.UUIDField(
        source="leaving.training_record_id", help_text="The training record (ECT or mentor) that moved school."
    )
    transfer_type = serializers.ChoiceField(
        TransferType.choices,
        help_text="new_school: the same lead provider (or school-led on one side); new_provider: another lead "
        "provider; unknown: the participant has no joining school yet.",
    )
    status = serializers.ChoiceField(
        TransferStatus.choices,
        help_text="incomplete while the leaving date or the joining date is in the future; complete after.",
    )
    created_at = UtcDateTimeField(
        source="leaving.created_at", help_text="When the leaving school's training period was recorded."
    )
    leaving = TransferLeavingSerializer(help_text="The school the participant left.")
    joining = TransferJoiningSerializer(
        allow_null=True, help_text="The school the participant joined; null until a school reports them joining."
    )

    class Meta:
        list_serializer_class = TransferListSerializer


class ParticipantTransferAttributesSerializer(RowSerializer):
    updated_at = UtcDateTimeField(
        source="api_updated_at", help_text="When any data shown for the participant last changed."
    )
    transfers = ParticipantTransferItemSerializer(
        many=True,
        source="*",
        read_only=True,
        help_text="The participant's moves between schools that involve you: you trained them at the school they "
        "left or the school they joined.",
    )


class ParticipantTransferSerializer(ResourceSerializer):
    """A participant's moves between schools that involve you; `id` is the participant id."""

    resource_type = "participant-transfer"
    attributes_serializer = ParticipantTransferAttributesSerializer
