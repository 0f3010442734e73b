"""The write-request log (`ApiRequest`): every POST/PUT/PATCH/DELETE under /api/v3/ is recorded for
support, never with a token, and a failure to record never changes the answer."""

import json
import logging
import uuid
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

from api.models import ApiRequest, ApiToken
from api.request_log import MAX_TEXT_BODY, REDACTED
from api.tokens import token_digest
from partnerships.models import Partnership
from tests.api.conftest import JSON_API
from tests.ecf.factories import CohortFactory, DeliveryPartnerFactory, SchoolFactory
from tests.partnerships.factories import PartnershipFactory, ProviderRelationshipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/partnerships/ecf"


@pytest.fixture
def body(lead_provider) -> dict[str, Any]:
    cohort = CohortFactory.create(start_year=2024)
    delivery_partner = DeliveryPartnerFactory.create()
    ProviderRelationshipFactory.create(lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=cohort)
    attributes = {
        "cohort": "2024",
        "school_id": str(SchoolFactory.create().pk),
        "delivery_partner_id": str(delivery_partner.pk),
    }
    return {"data": {"type": "ecf-partnership", "attributes": attributes}}


def send(method: str, path: str, content: Any, token: str | None, content_type: str = JSON_API, **headers: str):
    """A raw request (the log must record answers the OpenAPI document does not list, such as 405)."""
    data = content if isinstance(content, str | bytes) else json.dumps(content)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return getattr(Client(), method.lower())(path, data, content_type=content_type, headers=headers)


def stored_text() -> str:
    """Everything the log holds, as text."""
    return json.dumps(list(ApiRequest.objects.values()), default=str)


def test_a_successful_write_records_the_provider_body_and_resource(api_client, lead_provider, body):
    response = api_client.post(URL, body)

    assert response.status_code == 200
    entry = ApiRequest.objects.get()
    assert entry.lead_provider == lead_provider
    assert entry.token == ApiToken.objects.get(token_hash=token_digest(api_client.token))
    assert (entry.method, entry.path, entry.status_code) == ("POST", URL, 200)
    assert entry.request_body == body
    assert entry.response_errors is None
    assert entry.resource_id == str(Partnership.objects.get().pk) == response.json_body["data"]["id"]
    assert entry.created_at is not None


def test_a_rule_error_records_the_errors(api_client, lead_provider, body):
    body["data"]["attributes"]["cohort"] = "2099"

    response = api_client.post(URL, body)

    assert response.status_code == 422
    entry = ApiRequest.objects.get()
    assert (entry.lead_provider, entry.status_code, entry.resource_id) == (lead_provider, 422, None)
    assert entry.response_errors == response.json_body["errors"]


def test_a_put_is_recorded_with_its_resource(api_client, lead_provider):
    partnership = PartnershipFactory.create(lead_provider=lead_provider)
    body = {"data": {"attributes": {"delivery_partner_id": str(partnership.delivery_partner_id)}}}

    assert api_client.put(f"{URL}/{partnership.pk}", body).status_code == 200

    entry = ApiRequest.objects.get()
    assert (entry.method, entry.path, entry.resource_id) == ("PUT", f"{URL}/{partnership.pk}", str(partnership.pk))


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_method_not_allowed_is_recorded(api_client, lead_provider, method):
    path = f"{URL}/{uuid.uuid4()}"

    response = send(method, path, {"data": {}}, api_client.token)

    assert response.status_code == 405
    entry = ApiRequest.objects.get()
    assert (entry.lead_provider, entry.method, entry.path, entry.status_code) == (lead_provider, method, path, 405)
    assert entry.request_body == {"data": {}}
    assert entry.response_errors == response.json()["errors"]


def test_a_write_to_a_read_only_endpoint_is_recorded(api_client):
    response = send("POST", "/api/v3/statements", {"data": {}}, api_client.token)

    assert response.status_code == 405
    assert ApiRequest.objects.get().path == "/api/v3/statements"


@pytest.mark.parametrize("token", [None, "ecfp_not-a-real-token-at-all"], ids=["no-token", "unknown-token"])
def test_an_unauthenticated_write_is_recorded_without_a_provider(db, body, token):
    response = send("POST", URL, body, token)

    assert response.status_code == 401
    entry = ApiRequest.objects.get()
    assert (entry.lead_provider, entry.token, entry.status_code, entry.response_errors) == (None, None, 401, None)
    assert entry.request_body == body


def test_a_body_that_is_not_json_is_kept_as_truncated_text(api_client):
    text = "not json " + "x" * (MAX_TEXT_BODY + 50)

    response = send("POST", URL, text, api_client.token)

    assert response.status_code == 400
    entry = ApiRequest.objects.get()
    assert entry.request_body == text[:MAX_TEXT_BODY]
    assert entry.response_errors == response.json()["errors"]


@pytest.mark.parametrize(
    ("content", "content_type", "stored"),
    [
        pytest.param('{"value": NaN}', JSON_API, '{"value": NaN}', id="nan-is-not-json"),
        pytest.param("name=school", "text/plain", "name=school", id="another-media-type"),
        pytest.param("", JSON_API, None, id="empty"),
        pytest.param('["a", 1]', JSON_API, ["a", 1], id="json-not-an-object"),
        pytest.param('{"a": "nul\\u0000char"}', JSON_API, {"a": "nulchar"}, id="nul-dropped"),
    ],
)
def test_odd_bodies_are_recorded(api_client, content, content_type, stored):
    response = send("POST", URL, content, api_client.token, content_type=content_type)

    assert 400 <= response.status_code < 500
    entry = ApiRequest.objects.get()
    assert entry.request_body == stored
    assert entry.status_code == response.status_code


def test_a_body_too_large_to_keep_is_recorded_without_it(api_client, body, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50

    response = send("POST", URL, body, api_client.token)

    entry = ApiRequest.objects.get()
    assert (entry.request_body, entry.status_code) == (None, response.status_code)


def test_reads_and_other_paths_are_not_recorded(api_client, admin_client):
    assert api_client.get(URL).status_code == 200
    assert send("HEAD", URL, "", api_client.token).status_code == 200
    admin_client.post(reverse("admin:ecf_cohort_add"), {})
    send("POST", "/api/docs/v3/openapi.yaml", {}, api_client.token)

    assert ApiRequest.objects.count() == 0


def test_no_token_is_ever_stored(api_client, other_api_client, body):
    tokens = [api_client.token, other_api_client.token]
    unknown = "Zm9vYmFyLXNlY3JldC12YWx1ZQ"  # a bearer value without the token start
    pasted = {"data": {"attributes": {**body["data"]["attributes"], "note": f"my token is {api_client.token}"}}}

    api_client.post(URL, pasted)  # 200, with the token pasted into the body
    api_client.post(URL, pasted)  # 422 already confirmed
    send("POST", f"{URL}/{other_api_client.token}", {"token": other_api_client.token}, other_api_client.token)
    send("PUT", f"{URL}/{uuid.uuid4()}", f"raw {api_client.token} text", api_client.token)
    send("POST", URL, {"secret": unknown}, unknown)
    send("POST", URL, body, None, **{"X-Api-Key": api_client.token})

    assert ApiRequest.objects.count() == 6
    everything = stored_text()
    for secret in [*tokens, unknown]:
        assert secret not in everything
    assert "ecfp_" not in everything.replace(REDACTED, "")
    recorded = ApiRequest.objects.get(status_code=200).request_body
    assert recorded is not None
    assert recorded["data"]["attributes"]["note"] == f"my token is {REDACTED}"


def test_the_log_keeps_no_history_copies(api_client, body):
    api_client.post(URL, body)

    assert ApiRequest.objects.count() == 1
    assert ApiRequest.history.count() == 0


def test_a_failure_to_record_is_logged_and_the_answer_goes_out(api_client, body, monkeypatch, caplog):
    def broken_save(self, *args, **kwargs):
        raise DatabaseError("the log table is unavailable")

    monkeypatch.setattr(ApiRequest, "save", broken_save)

    with caplog.at_level(logging.ERROR, logger="api.request_log"):
        response = api_client.post(URL, body)

    assert response.status_code == 200
    assert Partnership.objects.count() == 1
    assert "Could not record the API write request POST /api/v3/partnerships/ecf" in caplog.text
    assert "the log table is unavailable" in caplog.text


def test_a_database_error_while_recording_leaves_the_connection_usable(api_client, body, monkeypatch):
    """The insert runs in its own savepoint: after a failed one, later queries still work (PostgreSQL
    refuses every statement in a transaction with a failed statement)."""
    monkeypatch.setattr("api.request_log.MAX_PATH", 5000)

    response = send("POST", "/api/v3/" + "p" * 3000, {}, api_client.token)

    assert response.status_code == 404
    # PostgreSQL refuses the over-long path; SQLite does not enforce lengths.
    assert ApiRequest.objects.count() == (0 if connection.vendor == "postgresql" else 1)
    assert Partnership.objects.count() == 0


# --- admin ------------------------------------------------------------------------------------------------------


def admin_url(view: str, *args: object) -> str:
    return reverse(f"admin:api_apirequest_{view}", args=args)


def test_admin_lists_filters_and_searches_read_only(admin_client, api_client, lead_provider, body):
    created = api_client.post(URL, body).json_body["data"]["id"]
    api_client.post(URL, body)  # 422
    send("PATCH", f"{URL}/{created}", {}, api_client.token)  # 405
    entry = ApiRequest.objects.get(status_code=200)

    def listed(query: dict[str, Any]) -> int:
        response = admin_client.get(admin_url("changelist"), query)
        assert response.status_code == 200
        return int(response.context["cl"].result_count)

    assert listed({}) == 3
    assert listed({"lead_provider__id__exact": lead_provider.pk}) == 3
    assert listed({"method__exact": "PATCH"}) == 1
    assert listed({"status_code__exact": "422"}) == 1
    assert listed({"q": created}) == 2  # the 200's resource id, and the 405's path
    assert listed({"q": "partnerships"}) == 3
    year = entry.created_at.year
    assert listed({"created_at__year": year}) == 3

    detail = admin_client.get(admin_url("change", entry.pk))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert admin_client.post(admin_url("change", entry.pk), {"status_code": 500}).status_code == 403
    assert admin_client.get(admin_url("add")).status_code == 403
    assert admin_client.post(admin_url("delete", entry.pk), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status_code == 200
    assert ApiRequest.objects.count() == 3


def test_admin_pages_show_no_token(admin_client, api_client, body):
    api_client.post(URL, body)
    entry = ApiRequest.objects.get()

    for page in (admin_url("changelist"), admin_url("change", entry.pk)):
        assert api_client.token not in admin_client.get(page).content.decode()


# What PostgreSQL's jsonb (and SQLite's JSON check) cannot hold: a number beyond a double, a lone UTF-16
# surrogate, a NUL character. Sent as raw JSON text, as a client's serialiser would; each with what is kept of it.
UNSTORABLE = [
    pytest.param("1e999", '"note": 1e999', id="number-too-large"),  # the body kept as text
    pytest.param('"\\ud800"', '"note": "\ufffd"', id="lone-surrogate"),  # replaced by U+FFFD
    pytest.param('"a\\u0000b"', '"note": "ab"', id="nul"),  # dropped
]


def raw_body(body: dict[str, Any], attribute: str, json_value: str) -> str:
    """`body` as JSON text with `attribute` set to the raw JSON text `json_value`."""
    marker = "__value_here__"
    body["data"]["attributes"][attribute] = marker
    return json.dumps(body).replace(json.dumps(marker), json_value)


@pytest.mark.parametrize(("json_value", "kept"), UNSTORABLE)
def test_a_write_with_an_unstorable_value_is_recorded(api_client, body, json_value, kept):
    response = send("POST", URL, raw_body(body, "note", json_value), api_client.token)

    entry = ApiRequest.objects.get()
    assert (entry.method, entry.status_code) == ("POST", response.status_code)
    stored = (
        entry.request_body
        if isinstance(entry.request_body, str)
        else json.dumps(entry.request_body, ensure_ascii=False)
    )
    assert kept in stored
    assert body["data"]["attributes"]["school_id"] in stored  # the rest of the body is kept


@pytest.mark.parametrize(("json_value", "kept"), UNSTORABLE)
@pytest.mark.parametrize("attribute", ["cohort", "school_id", "delivery_partner_id"])
def test_a_refused_write_with_an_unstorable_value_is_recorded(api_client, body, attribute, json_value, kept):
    response = send("POST", URL, raw_body(body, attribute, json_value), api_client.token)

    assert 400 <= response.status_code < 500
    entry = ApiRequest.objects.get()
    assert entry.status_code == response.status_code
    assert entry.response_errors is not None
