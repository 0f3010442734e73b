from collections.abc import Iterable

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

ACCEPTED_REQUEST_TYPES = {"application/json", "application/vnd.api+json"}


class JsonApiRenderer(JSONRenderer):
    """Every API response is `application/vnd.api+json` (decision D2), errors included."""

    media_type = "application/vnd.api+json"
    charset = None


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
