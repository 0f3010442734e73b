from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware

from api.jsonapi.dates import parse_rfc3339
from api.jsonapi.exceptions import JSON_API, error_body
from ecf.clock import acting_at


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """Strong ETags on API responses and `304 Not Modified` for a matching `If-None-Match`, so that
    polling an unchanged list costs the provider nothing to download (product §4.3)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not request.path.startswith("/api/") or request.path.startswith("/api/docs/"):
            return response
        return super().process_response(request, response)


class SandboxClockMiddleware:
    """Decision D18: in the sandbox, `X-With-Server-Date: <RFC 3339>` makes the API act at that moment,
    for this request only (see `ecf.clock`). Outside the sandbox the header is ignored."""

    HEADER = "HTTP_X_WITH_SERVER_DATE"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        raw = request.META.get(self.HEADER)
        if not raw or not settings.SANDBOX or not request.path.startswith("/api/"):
            return self.get_response(request)
        moment = parse_rfc3339(raw)
        if moment is None:
            detail = "The X-With-Server-Date header must be an RFC 3339 date and time, such as 2025-10-01T10:00:00Z."
            return JsonResponse(error_body(("Bad request", detail)), status=400, content_type=JSON_API)
        with acting_at(moment):
            return self.get_response(request)
