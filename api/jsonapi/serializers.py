"""The JSON:API-style resource shape of the v3 contract: `{"id", "type", "attributes"}`."""

from rest_framework import serializers

from api.jsonapi.fields import ConstantField


class ResourceSerializer(serializers.Serializer):
    """A resource: its id, its type and its attributes."""

    # Subclasses set `resource_type` and `attributes_serializer` (whose fields read the same object).

    resource_type: str
    attributes_serializer: type[serializers.Serializer]

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "id": serializers.UUIDField(source="pk", read_only=True),
            "type": ConstantField(self.resource_type),
            "attributes": self.attributes_serializer(source="*", read_only=True),
        }
