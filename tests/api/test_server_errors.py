"""Requests that used to end in a 500 (or in Django's HTML 400) answer a JSON:API 400 instead (issue 17):
too many query parameters, a sandbox date at the ends of the calendar, a cursor signed with our key but of
the wrong shape, text PostgreSQL cannot store (a lone surrogate, a NUL) in any string of a request body, and a
`Host` the service does not serve. The OpenAPI document is built once, not on every request."""

import json
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.test import Client

from api.jsonapi.pagination import CURSOR_SALT
from tests.api.conftest import JSON_API
from tests.api.test_input_hardening import ATTRIBUTE_CASES, ATTRIBUTES, WRITES, filled, raw
from tests.api.v3.test_every_endpoint import LISTS
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

LIST_CASES = [pytest.param(path, params, id=path) for path, _alias, params in LISTS]


def assert_bad_request(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"] == JSON_API
    (error,) = json.loads(response.content)["errors"]
    assert error["title"] == "Bad request"
    return error


def auth(api_client: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_client.token}"}


@pytest.mark.parametrize(("path", "params"), LIST_CASES)
def test_a_thousand_and_one_query_parameters_are_a_400(api_client, path, params):
    many = {**params, **{f"x{n}": "1" for n in range(1001)}}

    error = assert_bad_request(api_client.client.get(path, many, headers=auth(api_client)))

    assert "parameters" in error["detail"]


# The sandbox clock ------------------------------------------------------------------------------------------

EXTREME_DATES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59Z", "1000-01-01T00:00:00Z"]


@pytest.fixture
def sandbox(settings):
    settings.SANDBOX = True


@pytest.mark.parametrize("server_date", EXTREME_DATES)
@pytest.mark.parametrize(("path", "params"), LIST_CASES)
def test_a_sandbox_date_at_the_ends_of_the_calendar_is_a_400_on_every_list(
    api_client, sandbox, server_date, path, params
):
    response = api_client.client.get(path, params, headers={**auth(api_client), "X-With-Server-Date": server_date})

    assert "X-With-Server-Date" in assert_bad_request(response)["detail"]


@pytest.mark.parametrize("server_date", EXTREME_DATES)
@pytest.mark.parametrize(("method", "path", "action"), WRITES)
def test_a_sandbox_date_at_the_ends_of_the_calendar_is_a_400_on_every_write(
    api_client, sandbox, world, server_date, method, path, action
):
    body = json.dumps({"data": {"attributes": filled(ATTRIBUTES[action], world)}})
    call = getattr(api_client.client, method)
    headers = {**auth(api_client), "X-With-Server-Date": server_date}

    response = call(path.format(**world), body, content_type=JSON_API, headers=headers)

    assert "X-With-Server-Date" in assert_bad_request(response)["detail"]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
@pytest.mark.parametrize(("path", "params"), [case for case in LIST_CASES if case.id != "/api/v3/delivery-partners"])
def test_updated_since_at_the_ends_of_the_calendar_is_answered(api_client, path, params, value):
    response = api_client.client.get(path, {**params, "filter[updated_since]": value}, headers=auth(api_client))

    assert response.status_code in (200, 400), response.content[:300]
    assert response["Content-Type"] == JSON_API


# Cursors ------------------------------------------------------------------------------------------------------

KEYS = ["payment_date", "created_at", "id"]  # the statements' order, which the cursors below pass


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "cursor",
        None,
        {"k": KEYS},
        {"k": KEYS, "v": None},
        {"k": KEYS, "v": ["2025-01-01"]},
        {"k": KEYS, "v": ["2025-01-01", "2025-01-01T00:00:00Z", "6c1e5f0e-32c4-4d76-9c0b-8d7a2e3b4f51", "x"]},
        {"k": KEYS, "v": ["not a date", "2025-01-01T00:00:00Z", "6c1e5f0e-32c4-4d76-9c0b-8d7a2e3b4f51"]},
        {"k": KEYS, "v": ["2025-01-01", "2025-01-01T00:00:00Z", "not a uuid"]},
        {"k": KEYS, "v": [{"a": 1}, [1], 2]},
        {"k": KEYS, "v": ["99999-01-01", "2025-01-01T00:00:00Z", "6c1e5f0e-32c4-4d76-9c0b-8d7a2e3b4f51"]},
        {"k": "payment_date", "v": []},
    ],
)
def test_a_cursor_signed_with_our_key_but_shaped_wrongly_is_a_400(api_client, lead_provider, payload):
    for _ in range(2):
        StatementFactory.create(lead_provider=lead_provider)
    issued = api_client.get("/api/v3/statements", {"page[per_page]": "1"}).json_body["links"]["next"]
    real = signing.loads(parse_qs(urlsplit(issued).query)["page[cursor]"][0], salt=CURSOR_SALT)
    assert real["k"] == KEYS
    cursor = signing.dumps(payload, salt=CURSOR_SALT, compress=True)

    response = api_client.client.get("/api/v3/statements", {"page[cursor]": cursor}, headers=auth(api_client))

    assert "'#/page[cursor]'" in assert_bad_request(response)["detail"]


# Text PostgreSQL cannot store ----------------------------------------------------------------------------------

UNSTORABLE = [pytest.param("\ud800", id="lone-surrogate"), pytest.param("started\x00", id="nul")]


@pytest.mark.parametrize(("method", "path", "action", "attribute"), ATTRIBUTE_CASES)
@pytest.mark.parametrize("value", UNSTORABLE)
def test_unstorable_text_in_any_attribute_is_a_400(api_client, world, method, path, action, attribute, value):
    """Runs on the database of the run: SQLite by default, PostgreSQL with DATABASE_URL set."""
    attributes = {**filled(ATTRIBUTES[action], world), attribute: value}

    response = raw(api_client, method, path.format(**world), json.dumps({"data": {"attributes": attributes}}))

    assert f"'#/{attribute}'" in assert_bad_request(response)["detail"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"data": {"type": "\ud800", "attributes": {}}}, id="type"),
        pytest.param({"data": {"attributes": {"\ud800": "x"}}}, id="attribute-name"),
        pytest.param({"data": {"attributes": {"x": ["ok", {"y": "\x00"}]}}}, id="nested"),
        pytest.param({"meta": "\udfff"}, id="outside-data"),
    ],
)
def test_unstorable_text_anywhere_in_a_body_is_a_400(api_client, world, body):
    response = raw(api_client, "post", "/api/v3/participant-declarations", json.dumps(body))

    assert_bad_request(response)


@pytest.mark.postgres
def test_a_lone_surrogate_declaration_type_is_a_json_400_on_postgresql(api_client, world):
    """The issue's case: PostgreSQL refused the text with an error that ended in an HTML 500."""
    attributes = {**filled(ATTRIBUTES["declare"], world), "declaration_type": "\ud800"}

    response = raw(
        api_client, "post", "/api/v3/participant-declarations", json.dumps({"data": {"attributes": attributes}})
    )

    assert assert_bad_request(response)["detail"].startswith("The '#/declaration_type'")


# Host and documentation --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v3/statements", "/api/v3/nothing", "/api/docs/v3/openapi.yaml"])
def test_a_host_the_service_does_not_serve_is_a_json_400_under_api(path):
    response = Client(HTTP_HOST="attacker.example").get(path)

    assert_bad_request(response)


def test_a_host_the_service_does_not_serve_stays_an_html_400_elsewhere():
    response = Client(HTTP_HOST="attacker.example").get("/admin/login/")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_the_openapi_document_is_built_once_and_served_from_memory(client):
    from api.v3 import schema

    schema.built_document.cache_clear()
    with mock.patch.object(schema, "SchemaGenerator", wraps=schema.SchemaGenerator) as generator:
        answers = [client.get("/api/docs/v3/openapi.yaml") for _ in range(3)]

    assert [response.status_code for response in answers] == [200, 200, 200]
    assert answers[0].content == answers[2].content
    assert b"/api/v3/statements" in answers[0].content
    assert generator.call_count == 1


def test_any_request_django_refuses_to_read_in_a_view_is_a_json_400(api_client):
    with mock.patch("api.v3.views.statements.statement_list", side_effect=SuspiciousOperation("odd")):
        response = api_client.client.get("/api/v3/statements", headers=auth(api_client))

    assert "odd" not in assert_bad_request(response)["detail"]
