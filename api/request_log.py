"""A record of every write request to the lead provider API, for support (`ApiRequest`).

For each POST, PUT, PATCH or DELETE under /api/v3/ (whatever the answer: 2xx, 4xx, 405, 500) the
middleware stores, once the response is ready: the token that authenticated it and its provider, the method,
the path (without its query string), the body (the parsed JSON, or the text's first 10,000 characters
when it is not JSON), the status code, the `errors` of a 4xx answer and the `data.id` of a 2xx answer.
Whatever the database's JSON cannot hold is made storable, so every write leaves its row: a body with a
number beyond a double (1e999) is kept as text, lone UTF-16 surrogates become U+FFFD, NUL characters go.

It never stores the Authorization header. Token-like text (`ecfp_...`, or the bearer value the request
carried) found in the body or the path is replaced by `[REDACTED]`, so a provider that pastes a token
into a body does not leak it to the back office.

Recording never changes the response: a failure is logged and the response goes out as it was. A request
answered 503 because the database is unavailable is not recorded: the row could not be written either, and
trying would cost the caller another connection attempt.
"""

import json
import logging
import math
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from api.models import ApiRequest, ApiToken
from api.tokens import TOKEN_START

logger = logging.getLogger(__name__)

PATH_PREFIX = "/api/v3/"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_TEXT_BODY = 10_000
MAX_PATH = 2000  # ApiRequest.path's max_length
MAX_RESOURCE_ID = 64  # ApiRequest.resource_id's max_length
REDACTED = "[REDACTED]"
TOKEN_PATTERN = re.compile(re.escape(TOKEN_START) + r"[A-Za-z0-9_\-]*")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"
_UNREAD = object()


class ApiRequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in WRITE_METHODS or not request.path.startswith(PATH_PREFIX):
            return self.get_response(request)
        # Read (and so cache) the body before the view consumes the stream.
        try:
            raw: Any = request.body
        except Exception:  # too large, or unreadable: record the request without it
            raw = _UNREAD
        response = self.get_response(request)
        if getattr(response, "database_unavailable", False):
            logger.warning("API write request %s not recorded: the database is unavailable", request.method)
            return response
        try:
            record(request, raw, response)
        except Exception:
            path = TOKEN_PATTERN.sub(REDACTED, request.path)
            logger.exception("Could not record the API write request %s %s", request.method, path)
        return response


def record(request: HttpRequest, raw: Any, response: HttpResponseBase) -> ApiRequest:
    secrets = _secrets(request)
    body = None if raw is _UNREAD else _request_body(raw, secrets)
    errors, resource_id = _outcome(response)
    errors = _scrub(errors, secrets)  # an error may quote the value sent
    token = getattr(request, "auth", None)
    entry = ApiRequest(
        lead_provider_id=token.lead_provider_id if isinstance(token, ApiToken) else None,
        token_id=token.pk if isinstance(token, ApiToken) else None,
        method=str(request.method),
        path=_clean(request.path, secrets)[:MAX_PATH],
        request_body=body,
        status_code=response.status_code,
        response_errors=errors,
        resource_id=resource_id,
    )
    # The log is append-only and never edited, so a history copy of each row would add nothing.
    entry.skip_history_when_saving = True  # type: ignore[attr-defined]
    with transaction.atomic():  # a failure must not break the caller's transaction
        entry.save()
    return entry


def _secrets(request: HttpRequest) -> list[str]:
    """The bearer value the request carried, whatever it is, so it can be redacted wherever it appears."""
    parts = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
    return [parts[1]] if len(parts) >= 2 and len(parts[1]) >= 8 else []


def _request_body(raw: bytes, secrets: list[str]) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read: keep it as text
        return _clean(text[:MAX_TEXT_BODY], secrets)
    return _scrub(parsed, secrets)


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON and PostgreSQL's jsonb refuses them: keep such a body as text.
    raise ValueError(name)


def _finite_float(text: str) -> float:
    # A number beyond a double (1e999) reads as infinity, which jsonb refuses too: keep such a body as text.
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return _clean(value, secrets)
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, dict):
        return {_clean(key, secrets): _scrub(item, secrets) for key, item in value.items()}
    return value


def _clean(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    # PostgreSQL text and jsonb hold neither NUL characters nor lone UTF-16 surrogates (JSON's "\ud800"; the
    # parser has already joined every valid pair into one character).
    text = LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, text)
    return TOKEN_PATTERN.sub(REDACTED, text).replace("\x00", "")


def _outcome(response: HttpResponseBase) -> tuple[Any, str | None]:
    """The `errors` of a 4xx answer and the `data.id` of a 2xx answer."""
    status = response.status_code
    if not (200 <= status < 300 or 400 <= status < 500) or response.streaming:
        return None, None
    try:
        body = json.loads(response.content)  # type: ignore[attr-defined]
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    if status >= 400:
        errors = body.get("errors")
        return (errors if isinstance(errors, list) else None), None
    data = body.get("data")
    resource_id = data.get("id") if isinstance(data, dict) else None
    return None, (str(resource_id)[:MAX_RESOURCE_ID] if resource_id is not None else None)
