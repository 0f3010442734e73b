from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

RFC3339_UTC = "%Y-%m-%dT%H:%M:%SZ"


class UtcDateTimeField(serializers.DateTimeField):
    """RFC 3339 in UTC with a `Z` and second precision, as the v3 contract writes every date-time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=RFC3339_UTC, default_timezone=UTC, **kwargs)

    def to_representation(self, value: datetime | None) -> Any:
        if value is None:
            return None
        # isoformat, not strftime: faster, and it pads years before 1000 (as orjson does in the list documents).
        return value.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"


class CohortField(serializers.CharField):
    """A cohort's start year as a string ("2021"), read from a Cohort or from a year."""

    def to_representation(self, value: object) -> str:
        return str(getattr(value, "start_year", value))


class ConstantField(serializers.Field):
    """The same string for every row (a resource's `type`, a statement's `type`)."""

    def __init__(self, value: str, **kwargs: Any) -> None:
        self.value = value
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance: object) -> str:
        return self.value


class ConstantFieldExtension(OpenApiSerializerFieldExtension):
    """Documents a ConstantField as a one-value enum."""

    target_class = "api.jsonapi.fields.ConstantField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        value = self.target.value
        return {"type": "string", "enum": [value], "example": value}


class BlankAsNullCharField(serializers.CharField):
    """A text column where blank means "none" (a TRN not yet known, no induction tutor): shown as null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return str(value) if value else None


class BlankAsNullChoiceField(serializers.ChoiceField):
    """An enum column stored as an empty string when it has no value: shown as null."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        super().__init__(choices, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return str(value) if value else None


class MoneyField(serializers.Field):
    """An amount of money as a decimal string in pounds, rounded half-up to pence (D20: display only)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


class MoneyFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "api.jsonapi.fields.MoneyField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return {"type": "string", "format": "decimal", "example": "1234.56"}
