from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import DisallowedHost, TooManyFieldsSent
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware

from api.jsonapi.dates import parse_rfc3339
from api.jsonapi.exceptions import BAD_REQUEST, JSON_API, error_body
from api.jsonapi.unstorable import UNSTORABLE, WHY
from ecf.clock import acting_at


def bad_request(detail: str) -> JsonResponse:
    return JsonResponse(error_body((BAD_REQUEST, detail)), status=400, content_type=JSON_API)


TOO_MANY_PARAMETERS = "The request has more than {limit} query parameters: send fewer parameters."
UNKNOWN_HOST = "The request's Host header names a host this service does not serve."


class ApiRequestGuardMiddleware:
    """Outermost but for the request id: under /api/, a request Django cannot read (a `Host` it does not serve,
    more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS) or a query parameter holding text the database
    cannot store is answered with the API's JSON 400, before any other middleware meets it and answers with
    Django's HTML page or a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost:
            return bad_request(UNKNOWN_HOST)
        try:
            parameters = request.GET
        except TooManyFieldsSent:
            return bad_request(TOO_MANY_PARAMETERS.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
        for name, values in parameters.lists():
            if UNSTORABLE.search(name) or any(UNSTORABLE.search(value) for value in values):
                return bad_request(f"The query parameter '{UNSTORABLE.sub('', name)}' {WHY}.")
        return self.get_response(request)


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
    # Far enough either side of the programme's years for any test, and far from the calendar's ends, where
    # date arithmetic (a year later, a day before, London time) overflows.
    EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
    LATEST = datetime(2100, 1, 1, tzinfo=UTC)
    DETAIL = (
        "The X-With-Server-Date header must be an RFC 3339 date and time from 2000 to 2099, such as "
        "2025-10-01T10:00:00Z."
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        raw = request.META.get(self.HEADER)
        if not raw or not settings.SANDBOX or not request.path.startswith("/api/"):
            return self.get_response(request)
        moment = parse_rfc3339(raw)
        if moment is None or not self.EARLIEST <= moment < self.LATEST:
            return bad_request(self.DETAIL)
        with acting_at(moment):
            return self.get_response(request)
