"""Every API error as JSON (decisions D3 and D4): `{"errors": [{"title", "detail"}]}`, except 401,
which keeps the contract's `{"error": ...}` and a `WWW-Authenticate: Bearer` challenge.

When the database cannot serve the request (connection refused or lost, a restart, a deadlock: Django's
OperationalError and InterfaceError) the answer is 503 with `Retry-After`, fast: the failure is temporary and a
retry is the remedy. Every write runs in one transaction, so it either committed whole or left nothing behind.
"""

import logging
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)

UNAUTHORISED = {"error": "HTTP Token: Access denied"}
# A token that was sent but matches no live token: revoked and never-issued tokens read the same, so the answer
# tells a caller nothing about which tokens exist.
INVALID_TOKEN = {"error": "HTTP Token: Access denied. The token is not valid: it is mistyped, revoked or unknown."}
BAD_REQUEST = "Bad request"
NOT_FOUND_TITLE = "Resource not found"
NOT_FOUND_DETAIL = "Nothing could be found for the provided details"
JSON_API = "application/vnd.api+json"
# Seconds a client should wait before retrying while the database is unavailable: long enough not to add load
# to a database that is restarting, short enough that a retry soon finds it back.
DATABASE_RETRY_AFTER = 5
DATABASE_UNAVAILABLE = (
    "Service unavailable",
    "The service's database is unavailable just now. Please try again shortly.",
)


def error_body(*errors: tuple[str, str]) -> dict[str, list[dict[str, str]]]:
    return {"errors": [{"title": title, "detail": detail} for title, detail in errors]}


class InvalidToken(exceptions.AuthenticationFailed):
    """A well-formed bearer token that authenticates no one (revoked or unknown: never said which)."""


class BadRequest(exceptions.APIException):
    """A request the API cannot read: a malformed parameter or body (400). Every error is titled `Bad request`,
    as both public services title theirs (D24); each detail names the parameter at fault."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, *details: str) -> None:
        self.errors = tuple((BAD_REQUEST, detail) for detail in details)
        super().__init__(detail="; ".join(details))


class UnprocessableEntity(exceptions.APIException):
    """A request the API understood but cannot accept under the rules (422); one error per message."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, *errors: tuple[str, str]) -> None:
        self.errors = errors
        super().__init__(detail="; ".join(detail for _, detail in errors))


def rule_errors(error: DjangoValidationError) -> list[tuple[str, str]]:
    """A service's ValidationError as (field, sentence) pairs; errors not about one field are titled `request`."""
    if hasattr(error, "error_dict"):
        return [
            ("request" if field == NON_FIELD_ERRORS else field, message)
            for field, field_errors in error.error_dict.items()
            for field_error in field_errors
            for message in field_error.messages
        ]
    return [("request", message) for message in error.messages]


def database_unavailable() -> Response:
    """503 for a request that could not reach the database. Marked, so the request log does not try to write
    a row to the database that just failed (`api.request_log`)."""
    response = Response(
        error_body(DATABASE_UNAVAILABLE), status=503, headers={"Retry-After": str(DATABASE_RETRY_AFTER)}
    )
    response.database_unavailable = True  # type: ignore[attr-defined]
    # Logged once, as a warning, by the handler: not again as an ERROR by Django's `django.request` logger.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, InvalidToken):
        return Response(INVALID_TOKEN, status=401, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return Response(UNAUTHORISED, status=401, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, Http404 | exceptions.NotFound | ObjectDoesNotExist):
        return Response(error_body((NOT_FOUND_TITLE, NOT_FOUND_DETAIL)), status=404)
    if isinstance(exc, BadRequest | UnprocessableEntity):
        return Response(error_body(*exc.errors), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(error_body(*rule_errors(exc)), status=422)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body(("Request too large", "The request body is too large.")), status=413)
    if isinstance(exc, SuspiciousOperation):
        # Django refusing to read the request (ApiRequestGuardMiddleware meets the usual ones first).
        return Response(error_body((BAD_REQUEST, "The request cannot be read.")), status=400)
    if isinstance(exc, exceptions.ParseError):
        return Response(error_body((BAD_REQUEST, "The request body is not valid JSON.")), status=400)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        wait = getattr(exc, "wait", None)
        headers = {"Retry-After": str(int(wait))} if wait else {}
        title = str(exc.default_code).replace("_", " ").capitalize()
        return Response(error_body((title, _detail_text(exc.detail))), status=exc.status_code, headers=headers)
    if isinstance(exc, OperationalError | InterfaceError):
        # Not a bug in the request or in our code: a warning with the driver's first line (no traceback) is
        # enough to see an outage in the log without flooding it.
        logger.warning("Database unavailable, answered 503: %s", _first_line(exc))
        return database_unavailable()
    # Anything else is our fault: log it with its traceback, answer without internals.
    logger.exception("Unhandled error in the API", exc_info=exc)
    return Response(
        error_body(("Internal server error", "Something went wrong on our side. Please try again later.")),
        status=500,
    )


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _detail_text(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_detail_text(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_detail_text(value)}" for key, value in detail.items())
    return str(detail)


@csrf_exempt  # API clients send no CSRF token: an unknown path must still answer 404, not a CSRF page
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown paths under /api/ answer in JSON, never with an HTML page."""
    return JsonResponse(error_body((NOT_FOUND_TITLE, NOT_FOUND_DETAIL)), status=404, content_type=JSON_API)
