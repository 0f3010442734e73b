"""The JSON:API-style resource shape of the v3 contract: `{"id", "type", "attributes"}`, and the output
serializer every resource is written with."""

from collections.abc import Callable
from functools import cached_property, partial
from typing import Any

from rest_framework import serializers

from api.jsonapi.fields import ConstantField

Reader = Callable[[Any], Any]


def _follow(attributes: tuple[str, ...], instance: Any) -> Any:
    """`instance.a.b.c` (a dict's keys for a dict), or None as soon as a step is None, as DRF reads a
    dotted `source`."""
    for attribute in attributes:
        if instance is None:
            return None
        instance = instance[attribute] if type(instance) is dict else getattr(instance, attribute)
    return instance


def _itself(instance: Any) -> Any:
    return instance


# An output serializer that works out once how to read each field, instead of on every row. DRF's own
# `to_representation` re-resolves each field's `source` for every row (callable and mapping checks on each
# step), which on a full page cost as much as loading the page from the database. Here a dotted `source` is
# read as plain attributes (or keys of a dict), so it must not name a method; a field that reads its own
# value (`source="*"`, a list serializer overriding `get_attribute`) still does. (A comment, not a docstring: the
# OpenAPI document would show a docstring as the description of every resource without one of its own.)
class RowSerializer(serializers.Serializer):
    @cached_property
    def _readers(self) -> list[tuple[str, Reader, Reader]]:
        readers: list[tuple[str, Reader, Reader]] = []
        for field in self._readable_fields:
            if type(field).get_attribute is not serializers.Field.get_attribute:
                read: Reader = field.get_attribute
            elif field.source == "*":
                read = _itself
            else:
                read = partial(_follow, tuple(field.source_attrs))
            readers.append((str(field.field_name), read, field.to_representation))
        return readers

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row = {}
        for name, read, represent in self._readers:
            value = read(instance)
            row[name] = None if value is None else represent(value)
        return row


class ResourceSerializer(RowSerializer):
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
