"""Pieces of the OpenAPI document shared by every v3 endpoint: the single-resource envelope, the error
bodies, and the hook that keeps the alias paths (the successor service's, without `/ecf`) out of it."""

from functools import cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response


class ErrorSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="What went wrong, in a few words (or the field at fault).")
    detail = serializers.CharField(help_text="A sentence saying what went wrong and how to put it right.")


class ErrorsSerializer(serializers.Serializer):
    """Documents the error body only (never validates), so its `errors` field may shadow the serializer's
    own `errors` attribute."""

    errors = ErrorSerializer(many=True)  # type: ignore[assignment]


class UnauthorisedSerializer(serializers.Serializer):
    error = serializers.CharField(
        help_text="HTTP Token: Access denied (with no token); a token that is mistyped, revoked or unknown is "
        "told it is not valid, never which of the three."
    )


# Every endpoint may answer 429 when the caller goes over its rate limit (decision D16), and 503 (with
# Retry-After) while the database is unavailable.
TOO_MANY = {401: UnauthorisedSerializer, 429: ErrorsSerializer, 503: ErrorsSerializer}
ERRORS_LIST = {400: ErrorsSerializer, **TOO_MANY}
ERRORS_SHOW = {404: ErrorsSerializer, **TOO_MANY}
ERRORS_CREATE = {400: ErrorsSerializer, 422: ErrorsSerializer, **TOO_MANY}
ERRORS_UPDATE = {**ERRORS_CREATE, 404: ErrorsSerializer}


@cache
def single(resource: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """`{"data": <resource>}`, documented as the component `<Resource>Response`."""
    name = resource.__name__.removesuffix("Serializer") + "ResponseSerializer"
    return type(name, (serializers.Serializer,), {"data": resource(), "__module__": __name__})


def request_body(component: str, resource_type: str, attributes: type[serializers.Serializer]) -> type:
    """The documented request body `{"data": {"type": <resource_type>, "attributes": <attributes>}}`, as the
    components `<component>` and `<component>Data`. Documentation only: views read bodies with
    `api.jsonapi.requests.validated_attributes`."""
    data = extend_schema_serializer(component_name=f"{component}Data")(
        type(
            f"{component}DataSerializer",
            (serializers.Serializer,),
            {
                "type": serializers.CharField(
                    required=False, help_text=f"The kind of request: `{resource_type}`. Not checked."
                ),
                "attributes": attributes(),
                "__module__": __name__,
            },
        )
    )
    return extend_schema_serializer(component_name=component)(
        type(f"{component}BodySerializer", (serializers.Serializer,), {"data": data(), "__module__": __name__})
    )


def exclude_alias_paths(endpoints: list[tuple[str, str, str, Any]], **kwargs: Any) -> list[tuple[str, str, str, Any]]:
    """The successor service's paths (without `/ecf`) are served by the same views (decision D1) but
    documented once, under the canonical paths."""
    return [
        endpoint
        for endpoint in endpoints
        if not str(getattr(endpoint[3], "initkwargs", {}).get("basename", "")).endswith(ALIAS_SUFFIX)
    ]


ALIAS_SUFFIX = "-alias"


@cache
def built_document(version: str | None) -> dict[str, Any]:
    """The OpenAPI document, built once per process: it depends on the code alone, is the same for every
    caller (public, built without a request, as `make schema` builds the committed file), and building it walks
    every view and serializer."""
    return SchemaGenerator(api_version=version).get_schema(request=None, public=True)


class CachedSchemaView(SpectacularAPIView):
    """drf-spectacular's document view, served from `built_document` instead of built on every request."""

    def _get_schema_response(self, request: Request) -> Response:
        filename = self._get_filename(request, self.api_version)
        return Response(
            built_document(self.api_version), headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


SANDBOX_CLOCK = {
    "name": "X-With-Server-Date",
    "in": "header",
    "required": False,
    "description": "Sandbox only (decision D18): the request acts as if now were this moment (RFC 3339, such as "
    "`2025-10-01T10:00:00Z`): milestone windows, future-date checks, statement choice and statuses that follow "
    "the calendar use it, for this request only. Ignored outside the sandbox. A value that is not an RFC 3339 "
    "date and time answers 400.",
    "schema": {"type": "string", "format": "date-time"},
}


def document_sandbox_clock(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every v3 operation reads the request clock (`api.middleware.SandboxClockMiddleware` sets it for any API
    request), so each documents the sandbox's clock header and the 400 a malformed value gets."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            operation.setdefault("parameters", []).append(SANDBOX_CLOCK)
            operation["responses"].setdefault(
                "400",
                {
                    "content": {"application/vnd.api+json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
                    "description": "",
                },
            )
    return result
