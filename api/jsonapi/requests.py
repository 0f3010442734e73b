"""Reading write requests: the `{"data": {"attributes": {...}}}` envelope (400 when the body is not that
shape) and attribute validation by an input serializer (422, one error per message, titled with the
attribute's name: decision D4)."""

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request

from api.jsonapi.exceptions import BadRequest, UnprocessableEntity

BODY_SHAPE = 'The request body must be JSON of the form {"data": {"attributes": {...}}}. See the API docs.'
MISSING_CODES = {"required", "null", "blank"}


def request_attributes(request: Request) -> dict[str, Any]:
    body = request.data
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        raise BadRequest(BODY_SHAPE)
    return attributes


def validated_attributes(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request_attributes(request))
    if not serializer.is_valid():
        raise UnprocessableEntity(*_field_errors(serializer.errors, serializer.fields))
    return dict(serializer.validated_data)


def _field_errors(errors: Any, fields: Any, prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for field, details in errors.items():
        name = f"{prefix}{field}"
        if isinstance(details, dict):
            found.extend(_field_errors(details, getattr(fields.get(field), "fields", {}), prefix=f"{name}."))
            continue
        for detail in details:
            found.append((name, _sentence(name, detail, fields.get(field))))
    return found


def _sentence(field: str, detail: ErrorDetail | str, serializer_field: serializers.Field | None) -> str:
    code = getattr(detail, "code", None)
    if code in MISSING_CODES:
        return f"Enter a '#/{field}'."
    if code == "invalid_choice" and isinstance(serializer_field, serializers.ChoiceField):
        # The contract's answer names the accepted values, so a client can put its request right.
        return f"The '#/{field}' value is not one of the accepted values: {', '.join(serializer_field.choices)}."
    return f"The '#/{field}' value is not valid: {detail}"
