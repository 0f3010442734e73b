"""POST /api/v3/participant-declarations and PUT /api/v3/participant-declarations/{id}/void: the HTTP
side (envelope, input shape, status codes, the errors' wire form, the sandbox clock, isolation and
races). The rules themselves are tested on the services in tests/finance/test_services_declarations.py."""

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from api.jsonapi.requests import BODY_SHAPE
from api.tokens import api_token_create
from ecf.choices import DeclarationState, EvidenceHeld
from ecf.models import Declaration, LeadProvider, TrainingRecord
from finance.services import declarations as service
from tests.api.conftest import JSON_API
from tests.ecf.factories import ParticipantFactory, ParticipantIdChangeFactory
from tests.ecf.participant_builders import assign_mentor, mentor, period
from tests.finance.test_services_declarations import delivery_partner_of, existing, next_statement, trained

pytestmark = pytest.mark.django_db

URL = "/api/v3/participant-declarations"
# Every request acts at the services tests' NOW_2024 through the sandbox clock (D18).
AT_NOW = {"X-With-Server-Date": "2025-08-15T12:00:00Z"}


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.SANDBOX = True


@pytest.fixture
def record(lead_provider) -> TrainingRecord:
    record = trained(lead_provider)
    next_statement(lead_provider, record)
    return record


def body(record: TrainingRecord, **attributes: Any) -> dict[str, Any]:
    return {
        "data": {
            "type": "participant-declaration",
            "attributes": {
                "participant_id": str(record.participant_id),
                "declaration_type": "started",
                "declaration_date": "2024-10-01T10:00:00Z",
                "course_identifier": "ecf-induction" if record.is_ect else "ecf-mentor",
                **attributes,
            },
        }
    }


def post(client: Any, payload: Any, headers: dict[str, str] | None = None) -> Any:
    return client.post(URL, payload, headers={**AT_NOW, **(headers or {})})


def put_void(client: Any, declaration_id: object) -> Any:
    return client.put(f"{URL}/{declaration_id}/void", headers=AT_NOW)


def errors(response: Any) -> list[tuple[str, str]]:
    return [(error["title"], error["detail"]) for error in response.json_body["errors"]]


def counts() -> tuple[int, int]:
    return Declaration.objects.count(), Declaration.history.count()


# Create ----------------------------------------------------------------------------------------------------


def test_create_answers_200_with_the_full_declaration(api_client, lead_provider):
    record = trained(lead_provider, pupil_premium_uplift=True)
    statement = next_statement(lead_provider, record)
    mentor_record = mentor()
    assign_mentor(record, mentor_record)

    response = post(
        api_client,
        body(record, declaration_date="2024-10-01T11:15:30+01:00", evidence_held="other", has_passed=True),
    )

    assert response.status_code == 200, response.json_body
    declaration = Declaration.objects.get()
    assert response.json_body == {
        "data": {
            "id": str(declaration.pk),
            "type": "participant-declaration",
            "attributes": {
                "participant_id": str(record.participant_id),
                "declaration_type": "started",
                "declaration_date": "2024-10-01T10:15:30Z",
                "course_identifier": "ecf-induction",
                "state": "eligible",
                "updated_at": declaration.api_updated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "created_at": declaration.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "delivery_partner_id": str(delivery_partner_of(record.training_periods.get()).pk),
                "statement_id": str(statement.pk),
                "clawback_statement_id": None,
                "ineligible_for_funding_reason": None,
                "mentor_id": str(mentor_record.participant_id),
                "uplift_paid": False,  # flagged, but not yet paid
                "evidence_held": None,  # ignored for started before 2025 (D10)
                "has_passed": None,
                "lead_provider_name": lead_provider.name,
            },
        }
    }
    assert declaration.pupil_premium_uplift is True
    assert api_client.get(f"{URL}/{declaration.pk}").json_body == response.json_body


def test_an_exact_repeat_answers_200_with_the_original_declaration(api_client, record):
    first = post(api_client, body(record))

    again = post(api_client, body(record))

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json_body == first.json_body
    assert Declaration.objects.count() == 1


def test_another_declaration_for_a_taken_slot_is_a_422_titled_declaration_type(api_client, record):
    assert post(api_client, body(record)).status_code == 200
    before = counts()

    response = post(api_client, body(record, declaration_date="2024-10-02T10:00:00Z"))

    assert response.status_code == 422
    assert errors(response) == [("declaration_type", service.ALREADY_DECLARED)]
    assert counts() == before


def test_a_retired_participant_id_is_accepted(api_client, record):
    change = ParticipantIdChangeFactory.create(participant=record.participant)

    response = post(api_client, body(record, participant_id=str(change.from_participant_id)))

    assert response.status_code == 200
    assert response.json_body["data"]["attributes"]["participant_id"] == str(record.participant_id)


@pytest.mark.parametrize(
    "payload",
    [{}, {"data": None}, {"data": {"type": "participant-declaration"}}, {"data": {"attributes": []}}, [], "text"],
)
def test_a_body_not_in_the_envelope_is_a_400(api_client, record, payload):
    response = post(api_client, payload)

    assert response.status_code == 400
    assert errors(response) == [("Bad request", BODY_SHAPE)]
    assert Declaration.objects.count() == 0


def test_missing_attributes_are_each_a_422(api_client, record):
    response = post(api_client, {"data": {"attributes": {}}})

    assert response.status_code == 422
    assert errors(response) == [
        ("participant_id", "Enter a '#/participant_id'."),
        ("declaration_type", "Enter a '#/declaration_type'."),
        ("declaration_date", "Enter a '#/declaration_date'."),
        ("course_identifier", "Enter a '#/course_identifier'."),
    ]


@pytest.mark.parametrize(
    "value",
    [
        "2024-10-01",
        "2024-10-01 10:00:00",
        "01/10/2024 10:00",
        "2024-13-01T10:00:00Z",
        "2024-10-01T10:00Z",
        "",
        20241001,
    ],
)
def test_a_declaration_date_that_is_not_an_rfc_3339_date_time_is_a_422(api_client, record, value):
    response = post(api_client, body(record, declaration_date=value))

    assert response.status_code == 422
    [(title, detail)] = errors(response)
    assert title == "declaration_date"
    assert detail.startswith("The '#/declaration_date' value is not valid: it must be an RFC 3339") or detail == (
        "Enter a '#/declaration_date'."
    )


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2024-10-01T10:00:00Z", "2024-10-01T10:00:00Z"),
        ("2024-10-01t10:00:00z", "2024-10-01T10:00:00Z"),
        ("2024-10-01T10:00:00.250+00:00", "2024-10-01T10:00:00Z"),
        ("2024-10-01T12:00:00+02:00", "2024-10-01T10:00:00Z"),
        ("2024-10-01T11:00:00", "2024-10-01T10:00:00Z"),  # no offset: London time (BST)
    ],
)
def test_rfc_3339_date_times_are_accepted(api_client, record, value, stored):
    response = post(api_client, body(record, declaration_date=value))

    assert response.status_code == 200, response.json_body
    assert response.json_body["data"]["attributes"]["declaration_date"] == stored


@pytest.mark.parametrize(
    ("attributes", "title", "detail"),
    [
        ({"course_identifier": "npq-headship"}, "course_identifier", service.NPQ_NOT_SUPPORTED),
        ({"course_identifier": "ecf-mentor"}, "course_identifier", service.COURSE_NOT_RECOGNISED),
        ({"participant_id": str(uuid.uuid4())}, "participant_id", service.PARTICIPANT_NOT_RECOGNISED),
        ({"declaration_date": "2025-08-15T12:00:01Z"}, "declaration_date", service.FUTURE_DATE),
        ({"declaration_type": "extended-1"}, "declaration_type", service.TYPE_NOT_IN_SCHEDULE),
        (
            {"declaration_type": "retained-1", "declaration_date": "2025-02-01T10:00:00Z"},
            "evidence_held",
            service.EVIDENCE_MISSING,
        ),
        (
            {"declaration_type": "retained-1", "declaration_date": "2025-02-01T10:00:00Z", "evidence_held": "nope"},
            "evidence_held",
            service.EVIDENCE_NOT_AVAILABLE.format(
                accepted="training-event-attended, self-study-material-completed, other"
            ),
        ),
    ],
)
def test_rule_errors_are_422s_titled_with_the_attribute(api_client, record, attributes, title, detail):
    before = counts()

    response = post(api_client, body(record, **attributes))

    assert response.status_code == 422
    assert errors(response) == [(title, detail)]
    assert counts() == before


@pytest.mark.parametrize(
    ("attributes", "title"),
    [
        ({"participant_id": "not-a-uuid"}, "participant_id"),
        ({"declaration_type": "retained-9"}, "declaration_type"),
        ({"has_passed": "maybe"}, "has_passed"),
    ],
)
def test_malformed_attributes_are_422s_titled_with_the_attribute(api_client, record, attributes, title):
    response = post(api_client, body(record, **attributes))

    assert response.status_code == 422
    assert [error[0] for error in errors(response)] == [title]


def test_the_sandbox_clock_decides_what_is_in_the_future(api_client, record):
    declared = body(
        record, declaration_type="retained-3", declaration_date="2025-08-10T10:00:00Z", evidence_held="other"
    )

    too_early = post(api_client, declared, headers={"X-With-Server-Date": "2025-08-10T09:59:59Z"})
    on_time = post(api_client, declared, headers={"X-With-Server-Date": "2025-08-10T10:00:00Z"})

    assert errors(too_early) == [("declaration_date", service.FUTURE_DATE)]
    assert on_time.status_code == 200


@pytest.mark.parametrize(
    ("declaration_date", "status"),
    [
        # started opens on 1 June 2024, midnight in London (BST), i.e. 23:00 UTC on 31 May.
        ("2024-05-31T22:59:59Z", 422),
        ("2024-06-01T00:00:00+01:00", 200),
        # retained-2 closes at the end of 31 July 2025 in London (BST).
        ("2025-07-31T23:59:59+01:00", 200),
        ("2025-07-31T23:00:00Z", 422),
    ],
)
def test_milestone_windows_are_london_days(api_client, record, declaration_date, status):
    declaration_type = "started" if declaration_date.startswith("2024") else "retained-2"
    attributes = {"declaration_type": declaration_type, "declaration_date": declaration_date}
    if declaration_type == "retained-2":
        attributes["evidence_held"] = "training-event-attended"

    response = post(api_client, body(record, **attributes))

    assert response.status_code == status, response.json_body


def test_a_funded_participant_without_open_output_statement_is_a_422_on_cohort(api_client, lead_provider):
    record = trained(lead_provider)

    response = post(api_client, body(record))

    assert errors(response) == [("cohort", service.NO_OUTPUT_STATEMENT.format(year=2024))]


def test_another_providers_participant_is_not_recognised(api_client, other_lead_provider):
    record = trained(other_lead_provider)
    next_statement(other_lead_provider, record)

    response = post(api_client, body(record))

    assert errors(response) == [("participant_id", service.PARTICIPANT_NOT_RECOGNISED)]


def test_a_token_is_required(anonymous_client, record):
    declaration = existing(record.training_periods.get().lead_provider, record)

    assert post(anonymous_client, body(record)).status_code == 401
    assert put_void(anonymous_client, declaration.pk).status_code == 401
    assert Declaration.objects.get().state == DeclarationState.SUBMITTED


# Void --------------------------------------------------------------------------------------------------------


def test_void_answers_200_with_the_voided_declaration(api_client, lead_provider, record):
    created = post(api_client, body(record)).json_body["data"]

    response = put_void(api_client, created["id"])

    assert response.status_code == 200
    attributes = response.json_body["data"]["attributes"]
    assert (attributes["state"], attributes["statement_id"]) == ("voided", None)
    assert response.json_body["data"]["id"] == created["id"]
    history = Declaration.history.filter(id=created["id"]).first()
    assert history.history_change_reason == f"API: void by {lead_provider.name}"


def test_voiding_a_paid_declaration_awaits_clawback_on_the_next_statement(api_client, lead_provider, record):
    statement = next_statement(lead_provider, record)
    declaration = existing(lead_provider, record, DeclarationState.PAID)

    response = put_void(api_client, declaration.pk)

    attributes = response.json_body["data"]["attributes"]
    assert attributes["state"] == "awaiting-clawback"
    assert attributes["statement_id"] == str(declaration.payment_statement_id)
    assert attributes["clawback_statement_id"] == str(statement.pk)


@pytest.mark.parametrize(
    ("state", "title", "detail"),
    [
        (DeclarationState.VOIDED, "id", service.ALREADY_VOIDED),
        (DeclarationState.AWAITING_CLAWBACK, "id", service.CLAWED_BACK),
        (DeclarationState.CLAWED_BACK, "id", service.CLAWED_BACK),
    ],
)
def test_a_declaration_that_cannot_be_voided_is_a_422(api_client, lead_provider, record, state, title, detail):
    declaration = existing(lead_provider, record, state)
    before = counts()

    response = put_void(api_client, declaration.pk)

    assert response.status_code == 422
    assert errors(response) == [(title, detail)]
    assert counts() == before


def test_a_paid_declaration_without_open_output_statement_is_a_422_on_cohort(api_client, lead_provider):
    declaration = existing(lead_provider, trained(lead_provider), DeclarationState.PAID)

    response = put_void(api_client, declaration.pk)

    assert errors(response) == [("cohort", service.NO_OUTPUT_STATEMENT.format(year=2024))]


def test_another_providers_declaration_is_404_even_when_visible(api_client, lead_provider, other_lead_provider, record):
    period(record, other_lead_provider, start=dt.date(2024, 9, 2), end=dt.date(2025, 6, 30))
    others = existing(other_lead_provider, record)
    assert api_client.get(f"{URL}/{others.pk}").status_code == 200

    response = put_void(api_client, others.pk)

    assert response.status_code == 404
    assert Declaration.objects.get().state == DeclarationState.SUBMITTED


@pytest.mark.parametrize("declaration_id", [uuid.uuid4(), "not-a-uuid"])
def test_an_unknown_declaration_is_404(api_client, declaration_id):
    response = api_client.client.put(
        f"{URL}/{declaration_id}/void", headers={"Authorization": f"Bearer {api_client.token}"}
    )

    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "Resource not found"


# Races (PostgreSQL) -------------------------------------------------------------------------------------------


def _race(token: str, count: int, request: Any) -> list[tuple[int, Any]]:
    """Run `request(client)` in `count` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def run() -> None:
        client = Client(headers={"Authorization": f"Bearer {token}", **AT_NOW})
        try:
            barrier.wait()
            response = request(client)
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_posts_at_once_make_one_declaration_and_all_answer_200():
    provider = LeadProvider.objects.create(name="Racing provider")
    _, token = api_token_create(lead_provider=provider)
    record = trained(provider)
    next_statement(provider, record)
    payload = body(record)

    results = _race(token, 20, lambda client: client.post(URL, payload, content_type=JSON_API))

    assert [status for status, _ in results] == [200] * 20
    assert {result["data"]["id"] for _, result in results} == {str(Declaration.objects.get().pk)}
    assert Declaration.history.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_different_posts_for_one_slot_at_once_make_one_declaration():
    provider = LeadProvider.objects.create(name="Racing provider")
    _, token = api_token_create(lead_provider=provider)
    record = trained(provider)
    next_statement(provider, record)
    dates = iter(f"2024-10-{day:02d}T10:00:00Z" for day in range(1, 11))
    payloads = [body(record, declaration_date=next(dates)) for _ in range(10)]
    index = iter(range(10))
    pick = threading.Lock()

    def request(client: Client) -> Any:
        with pick:
            payload = payloads[next(index)]
        return client.post(URL, payload, content_type=JSON_API)

    results = _race(token, 10, request)

    assert sorted(status for status, _ in results) == [200] + [422] * 9
    assert {result["errors"][0]["title"] for status, result in results if status == 422} == {"declaration_type"}
    assert Declaration.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_voids_racing_have_one_effect():
    provider = LeadProvider.objects.create(name="Racing provider")
    _, token = api_token_create(lead_provider=provider)
    record = trained(provider)
    next_statement(provider, record)
    declaration = existing(provider, record, DeclarationState.PAID)

    results = _race(token, 8, lambda client: client.put(f"{URL}/{declaration.pk}/void"))

    assert sorted(status for status, _ in results) == [200] + [422] * 7
    assert {result["errors"][0]["detail"] for status, result in results if status == 422} == {service.CLAWED_BACK}
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.AWAITING_CLAWBACK
    assert declaration.history.filter(history_change_reason__startswith="API: void").count() == 1


def test_a_mentor_can_be_declared_with_the_mentor_course(api_client, lead_provider):
    record = trained(lead_provider, mentor=True, participant=ParticipantFactory.create())
    next_statement(lead_provider, record)

    response = post(
        api_client,
        body(
            record,
            declaration_type="retained-1",
            declaration_date="2025-02-01T10:00:00Z",
            evidence_held=EvidenceHeld.OTHER,
        ),
    )

    assert response.status_code == 200, response.json_body
    assert response.json_body["data"]["attributes"]["course_identifier"] == "ecf-mentor"
    assert response.json_body["data"]["attributes"]["mentor_id"] is None
