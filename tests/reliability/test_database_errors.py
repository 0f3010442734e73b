"""A database that cannot serve a request (connection refused or lost) makes the API answer 503 JSON with
`Retry-After`, not 500, wherever the error surfaces: checking the token or running the view. Such a write is not
recorded in the request log, which would only try the database again. (The same against a real PostgreSQL that is
stopped and started again: tests/reliability/test_database_outage.py.)"""

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.test import Client

from api.jsonapi.exceptions import DATABASE_RETRY_AFTER
from api.models import ApiRequest
from api.tokens import api_token_create
from tests.ecf.factories import LeadProviderFactory

pytestmark = pytest.mark.django_db

JSON_API = "application/vnd.api+json"
UNAVAILABLE = {
    "errors": [
        {
            "title": "Service unavailable",
            "detail": "The service's database is unavailable just now. Please try again shortly.",
        }
    ]
}
DECLARATION = {
    "data": {
        "type": "participant-declaration",
        "attributes": {
            "participant_id": "4b3c1d7e-58a8-4f55-9a4c-0c1f2b6b8e11",
            "declaration_type": "started",
            "declaration_date": "2025-10-01T10:00:00Z",
            "course_identifier": "ecf-induction",
        },
    }
}


@pytest.fixture
def headers() -> dict[str, str]:
    _, token = api_token_create(lead_provider=LeadProviderFactory.create())
    return {"Authorization": f"Bearer {token}"}


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == JSON_API
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert response.json() == UNAVAILABLE


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_checking_the_token_without_the_database_is_a_503(headers, error):
    with mock.patch("api.authentication.api_token_authenticate", side_effect=error):
        response = Client().get("/api/v3/statements", headers=headers)

    assert_unavailable(response)


def test_losing_the_database_in_a_view_is_a_503_logged_as_a_warning_without_traceback(headers, caplog):
    lost = OperationalError("consuming input failed: server closed the connection unexpectedly\n\tThis probably...")
    with mock.patch("api.v3.views.statements.statement_list", side_effect=lost):
        response = Client().get("/api/v3/statements", headers=headers)

    assert_unavailable(response)
    [record] = [record for record in caplog.records if record.name == "api.jsonapi.exceptions"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "Database unavailable, answered 503: consuming input failed: server closed the connection unexpectedly"
    )
    assert record.exc_info is None
    # One line per outage request: Django's own 5xx error line would repeat it.
    assert [record for record in caplog.records if record.name == "django.request"] == []


def test_a_write_answered_503_is_not_recorded_in_the_request_log(headers, caplog):
    with mock.patch("api.v3.views.declarations.declaration_create", side_effect=OperationalError("refused")):
        response = Client().post(
            "/api/v3/participant-declarations", DECLARATION, content_type=JSON_API, headers=headers
        )

    assert_unavailable(response)
    assert not ApiRequest.objects.exists()
    assert "API write request POST not recorded: the database is unavailable" in caplog.messages


def test_other_database_errors_are_still_500s(headers):
    # Only a database that cannot serve the request is temporary; a failing query is a bug to fix.
    with mock.patch("api.v3.views.statements.statement_list", side_effect=ProgrammingError("no such column")):
        response = Client().get("/api/v3/statements", headers=headers)

    assert response.status_code == 500
