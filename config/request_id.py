"""A request id for every request, in the response and in every log record; one access-log line per request.

`RequestIdMiddleware` (outermost, so every response carries the header) takes the caller's `X-Request-ID` when
it is a safe token (`^[A-Za-z0-9._-]{1,64}$`), or else makes a new uuid4 hex, keeps it in a context variable
for the duration of the request, echoes it in the `X-Request-ID` response header and logs one INFO line on the
`config.access` logger: method, path (never the query string), status, duration and, for an authenticated API
call, the lead provider's name. `RequestIdFilter` (on the log handler, see settings.LOGGING) stamps every log
record with the current request id (`-` outside a request).
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from config.logging import redact

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
NO_REQUEST = "-"

request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
access_logger = logging.getLogger("config.access")


def current_request_id() -> str:
    return request_id_var.get()


def request_id_from(request: HttpRequest) -> str:
    offered = request.META.get(META_KEY, "")
    # fullmatch: `$` alone would accept a trailing newline.
    return offered if VALID_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record that passes the handler; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs an error response after the middleware has returned, with the request attached.
            attached = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = attached if isinstance(attached, str) else request_id_var.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            path = redact(request.path)  # no query string; no e-mail address or token pasted into the path
            access_logger.info(
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "lead_provider": lead_provider_name(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def lead_provider_name(request: HttpRequest) -> str | None:
    """The name of the lead provider whose API token authenticated the request (DRF sets `request.auth`)."""
    lead_provider = getattr(getattr(request, "auth", None), "lead_provider", None)
    name = getattr(lead_provider, "name", None)
    return name if isinstance(name, str) else None
