"""The version-independent plumbing, exercised through the statements endpoint."""

import datetime as dt
import json
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.tokens import api_token_create, api_token_revoke
from finance.models import Statement
from tests.api.conftest import JSON_API, ApiClient
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/statements"
UNAUTHORISED = {"error": "HTTP Token: Access denied"}


# Authentication ----------------------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 401
    assert response.json_body == UNAUTHORISED
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Basic abc", "Bearer ecfp_\u00e9"])
def test_bad_authorization_headers_are_401(anonymous_client, header):
    response = anonymous_client.get(URL, headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json_body == UNAUTHORISED


def test_revoked_and_unknown_tokens_are_401_told_alike_that_the_token_is_not_valid(lead_provider, anonymous_client):
    token, plaintext = api_token_create(lead_provider=lead_provider)
    api_token_revoke(token=token)

    revoked = ApiClient(lead_provider, plaintext).get(URL)
    unknown = anonymous_client.get(URL, headers={"Authorization": "Bearer ecfp_never-issued"})

    for response in (revoked, unknown):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json_body == {
            "error": "HTTP Token: Access denied. The token is not valid: it is mistyped, revoked or unknown."
        }


def test_token_scheme_is_accepted(lead_provider, anonymous_client):
    _, plaintext = api_token_create(lead_provider=lead_provider)

    assert anonymous_client.get(URL, headers={"Authorization": f"Token {plaintext}"}).status_code == 200


def test_use_is_recorded_at_most_once_a_minute(api_client, lead_provider):
    api_client.get(URL)
    token = lead_provider.api_tokens.get()
    first_use = token.last_used_at
    assert first_use is not None

    api_client.get(URL)
    token.refresh_from_db()
    assert token.last_used_at == first_use


# Media type, unknown routes, errors --------------------------------------------------------------------


def test_every_response_is_json_api_even_when_asked_for_json(api_client):
    response = api_client.get(URL, headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response["Content-Type"] == JSON_API


@pytest.mark.parametrize("path", ["/api/v3/nothing-here", "/api/v4/statements", f"{URL}/not-a-uuid", "/api/"])
def test_unknown_paths_under_api_are_json_404s(api_client, path):
    response = api_client.client.get(path, headers={"Authorization": f"Bearer {api_client.token}"})

    assert response.status_code == 404
    assert response["Content-Type"] == JSON_API
    assert response.json()["errors"][0]["title"] == "Resource not found"


def test_an_unexpected_error_is_a_json_500_without_internals(api_client):
    with mock.patch("api.v3.views.statements.statement_list", side_effect=RuntimeError("secret internals")):
        response = api_client.client.get(URL, headers={"Authorization": f"Bearer {api_client.token}"})

    assert response.status_code == 500
    assert response["Content-Type"] == JSON_API
    assert "secret internals" not in response.content.decode()
    assert response.json()["errors"][0]["title"] == "Internal server error"


def test_a_write_method_on_a_read_endpoint_is_405_json(api_client):
    response = api_client.client.delete(URL, headers={"Authorization": f"Bearer {api_client.token}"})

    assert response.status_code == 405
    assert response["Content-Type"] == JSON_API
    assert response.json()["errors"][0]["title"] == "Method not allowed"


# Filters -----------------------------------------------------------------------------------------------


def test_filter_that_is_not_an_object_is_400(api_client):
    response = api_client.get(URL, {"filter": "cohort"})

    assert response.status_code == 400
    assert response.json_body["errors"] == [
        {"title": "Bad request", "detail": "Filter must be a hash: use filter[name]=value."}
    ]


@pytest.mark.parametrize("key", ["filter[colour]", "filter[Cohort]", "filter[cohort][0]", "filter[]"])
def test_an_unknown_filter_is_400_listing_the_endpoints_filters(api_client, lead_provider, key):
    """D23, tested on every endpoint in tests/api/v3/test_filter_names.py."""
    StatementFactory.create(lead_provider=lead_provider)

    response = api_client.get(URL, {key: "blue"})

    assert response.status_code == 400
    (error,) = response.json_body["errors"]
    assert error["title"] == "Bad request"
    assert f"'#/{key[len('filter[') : -1]}'" in error["detail"]
    assert error["detail"].endswith("Its filters: filter[cohort], filter[updated_since], filter[type].")


@pytest.mark.parametrize(
    "value", ["2021-05-13", "yesterday", "2021-05-13 11:21:55", "2021-13-13T11:21:55Z", "2021-05-13T25:00:00Z"]
)
def test_malformed_updated_since_is_400(api_client, value):
    response = api_client.get(URL, {"filter[updated_since]": value})

    assert response.status_code == 400
    assert "'#/updated_since'" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("value", "included"),
    [
        ("2026-03-01T12:00:00Z", True),
        ("2026-03-01T12:00:00.000Z", True),
        ("2026-03-01T13:00:00+01:00", True),
        ("2026-03-01T13:00:00 01:00", True),  # a `+` sent unencoded arrives as a space
        ("2026-03-01T12:00:01Z", False),
        ("2026-03-01T12:00:00", True),  # no zone: London time, which is UTC in March
        # Encoded twice by the client (`%253A` on the wire), decoded once more, as both public services do (D24).
        ("2026-03-01T12%3A00%3A00Z", True),
        ("2026-03-01T13%3A00%3A00%2B01%3A00", True),
        ("2026-03-01T12%3A00%3A01Z", False),
    ],
)
def test_updated_since_formats(api_client, lead_provider, value, included):
    statement = StatementFactory.create(lead_provider=lead_provider)
    Statement.objects.filter(pk=statement.pk).update(api_updated_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))

    response = api_client.get(URL, {"filter[updated_since]": value})

    assert response.status_code == 200
    assert bool(response.json_body["data"]) is included


# Pagination --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [{"page[page]": "0"}, {"page[per_page]": "0"}, {"page[page]": "-1"}, {"page[per_page]": "abc"}]
)
def test_page_values_below_one_or_not_numbers_are_400(api_client, params):
    response = api_client.get(URL, params)

    assert response.status_code == 400
    assert "page[per_page]" in response.json_body["errors"][0]["detail"]


def test_pages_without_counting(api_client, lead_provider):
    statements = StatementFactory.create_batch(5, lead_provider=lead_provider)
    ids = [str(s.pk) for s in sorted(statements, key=lambda s: s.payment_date)]

    first = api_client.get(URL, {"page[per_page]": "2"}).json_body
    third = api_client.get(URL, {"page[per_page]": "2", "page[page]": "3"}).json_body
    beyond = api_client.get(URL, {"page[per_page]": "2", "page[page]": "4"}).json_body

    assert [row["id"] for row in first["data"]] == ids[:2]
    assert "next" in first["links"]
    assert [row["id"] for row in third["data"]] == ids[4:]
    assert "links" not in third
    assert beyond == {"data": []}


def test_per_page_over_3000_is_capped(api_client, lead_provider):
    StatementFactory.create(lead_provider=lead_provider)

    response = api_client.get(URL, {"page[per_page]": "3001"})

    assert response.status_code == 200
    assert len(response.json_body["data"]) == 1


def test_following_links_next_visits_every_row_exactly_once_while_rows_change(api_client, lead_provider):
    statements = StatementFactory.create_batch(9, lead_provider=lead_provider)
    seen: list[str] = []
    response = api_client.get(URL, {"page[per_page]": "2"})
    for page in range(10):
        seen.extend(row["id"] for row in response.json_body["data"])
        # Between fetches, rows on both sides of the cursor change, as they would during a provider's sync.
        for statement in statements[page % 3 :: 3]:
            statement.save()
        if "links" not in response.json_body:
            break
        response = api_client.follow(response.json_body["links"]["next"])

    assert sorted(seen) == sorted(str(s.pk) for s in statements)
    assert len(seen) == len(set(seen))


def test_a_cursor_page_reads_the_sort_order_from_the_cursor_on_not_from_its_start(api_client, lead_provider):
    StatementFactory.create_batch(3, lead_provider=lead_provider)
    first_page = api_client.get(URL, {"page[per_page]": "1"})

    with CaptureQueriesContext(connection) as queries:
        api_client.follow(first_page.json_body["links"]["next"])

    # A plain range on the first sort key, beside the exact keyset condition, is what lets the database start
    # its index walk at the cursor: every later page of a sync would otherwise read every earlier row again.
    page_query = queries.captured_queries[-1]["sql"]
    assert re.search(r'WHERE .*"payment_date" >= ', page_query)


def test_a_cursor_from_another_api_is_400(api_client):
    response = api_client.get(URL, {"page[cursor]": "forged"})

    assert response.status_code == 400
    assert "'#/page[cursor]'" in response.json_body["errors"][0]["detail"]


# Conditional requests ----------------------------------------------------------------------------------


def test_etag_and_304(api_client, lead_provider):
    StatementFactory.create(lead_provider=lead_provider)
    response = api_client.get(URL)
    etag = response["ETag"]
    assert etag.startswith('"')

    unchanged = api_client.get(URL, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    StatementFactory.create(lead_provider=lead_provider)
    assert api_client.get(URL, headers={"If-None-Match": etag}).status_code == 200


def test_a_post_to_an_unknown_path_is_a_json_404_without_csrf(api_client):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/v3/nothing-here", "{}", content_type=JSON_API)

    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "Resource not found"


def test_a_body_over_the_limit_is_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    body = json.dumps({"data": {"attributes": {"padding": "x" * 200}}})
    response = api_client.client.post(
        "/api/v3/partnerships/ecf", body, content_type=JSON_API, headers={"Authorization": f"Bearer {api_client.token}"}
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["title"] == "Request too large"
