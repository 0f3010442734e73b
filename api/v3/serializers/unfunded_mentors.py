from rest_framework import serializers

from api.jsonapi.fields import BlankAsNullCharField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer


class UnfundedMentorAttributesSerializer(RowSerializer):
    full_name = serializers.CharField(help_text="The mentor's full name.")
    email = serializers.CharField(
        source="mentor_email", help_text="The email address registered for the mentor's training."
    )
    teacher_reference_number = BlankAsNullCharField(
        source="trn", help_text="The mentor's teacher reference number (TRN); null when not known."
    )
    created_at = UtcDateTimeField(help_text="When the mentor was first registered.")
    updated_at = UtcDateTimeField(source="api_updated_at", help_text="When any data shown for the mentor last changed.")


class UnfundedMentorSerializer(ResourceSerializer):
    """A mentor of your ECTs whom you do not train; `id` is the mentor's participant id."""

    resource_type = "unfunded-mentor"
    attributes_serializer = UnfundedMentorAttributesSerializer
