from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

ACCEPTED_REQUEST_TYPES = {"application/json", "application/vnd.api+json"}
# A UTC date-time as `2025-10-01T10:00:00Z` (see UtcDateTimeField).
DATE_TIMES_AS_THE_CONTRACT = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS


class JsonApiRenderer(BaseRenderer):
    """Every API response is `application/vnd.api+json` (decision D2), errors included: compact UTF-8 JSON,
    encoded by orjson (a full page of 3,000 rows renders several times faster than with the json module).
    Serializers hand over strings, numbers and booleans. The list documents (`api.v3.documents`) also hand over
    UUIDs, dates and date-times read from the database, which orjson writes in C as the contract does: date-times
    as RFC 3339 in UTC with `Z` and whole seconds (the database's are UTC: our sessions run in UTC). Anything else
    (a Decimal) is encoded as DRF's own JSON renderer would."""

    media_type = "application/vnd.api+json"
    format = "json"
    charset = None
    _fallback = JSONEncoder()

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=self._fallback.default, option=DATE_TIMES_AS_THE_CONTRACT)


class FirstRendererNegotiation(BaseContentNegotiation):
    """The contract has one representation: serve it whatever `Accept` says, rather than a 406; read
    request bodies sent as either JSON media type (decision D2)."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        if request.content_type.split(";")[0].strip().lower() not in ACCEPTED_REQUEST_TYPES:
            return None
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
