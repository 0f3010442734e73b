"""Decision D22 over HTTP, the issue's scenario: a participant left National Institute of Teaching on
2025-12-31 and now trains with Teach First. NIoT may still declare training it gave, not later; only Teach First
withdraws, defers, resumes or changes the schedule. The rules are tested on the services
(tests/finance/test_services_declarations.py, tests/ecf/test_services_participants.py)."""

import datetime as dt
from typing import Any

import pytest

from api.tokens import api_token_create
from ecf.choices import DeclarationState
from ecf.models import Declaration, LeadProvider, TrainingRecord
from ecf.services.participants import NOT_CURRENT_PROVIDER
from finance.services.declarations import TRAINING_ENDED
from tests.api.conftest import ApiClient
from tests.ecf.factories import LeadProviderFactory, ScheduleFactory
from tests.ecf.participant_builders import period
from tests.finance.test_services_declarations import open_statement, trained

pytestmark = pytest.mark.django_db

LEFT_ON = dt.date(2025, 12, 31)
AT = {"X-With-Server-Date": "2026-07-25T12:00:00Z"}
PARTICIPANTS = "/api/v3/participants/ecf"


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.SANDBOX = True


def client_of(provider: LeadProvider) -> ApiClient:
    _, token = api_token_create(lead_provider=provider)
    return ApiClient(provider, token)


@pytest.fixture
def niot() -> LeadProvider:
    return LeadProviderFactory.create(name="National Institute of Teaching")


@pytest.fixture
def teach_first() -> LeadProvider:
    return LeadProviderFactory.create(name="Teach First")


@pytest.fixture
def record(niot, teach_first) -> TrainingRecord:
    record = trained(niot)  # a 2024 ECT on the standard schedule, with an open period with NIoT
    record.training_periods.update(end_date=LEFT_ON)
    period(record, teach_first, start=LEFT_ON + dt.timedelta(days=1))
    for provider in (niot, teach_first):
        open_statement(provider, record.cohort, dt.date(2026, 8, 31))
    ScheduleFactory.create(identifier="ecf-extended-september", cohort=record.cohort)
    return record


def completed(record: TrainingRecord, declaration_date: str) -> dict[str, Any]:
    attributes = {
        "participant_id": str(record.participant_id),
        "declaration_type": "completed",
        "declaration_date": declaration_date,
        "course_identifier": "ecf-induction",
        "evidence_held": "training-event-attended",
    }
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.json_body
    return [(error["title"], error["detail"]) for error in response.json_body["errors"]]


def test_the_former_provider_cannot_declare_after_the_participant_left_and_the_new_one_can(niot, teach_first, record):
    refused = client_of(niot).post("/api/v3/participant-declarations", completed(record, "2026-07-20T10:00:00Z"), AT)

    assert errors(refused) == [("declaration_date", TRAINING_ENDED.format(day="2025-12-31"))]
    assert not Declaration.objects.exists()

    accepted = client_of(teach_first).post(
        "/api/v3/participant-declarations", completed(record, "2026-07-20T10:00:00Z"), AT
    )

    assert accepted.status_code == 200, accepted.json_body
    assert accepted.json_body["data"]["attributes"]["state"] == DeclarationState.ELIGIBLE
    assert Declaration.objects.get().lead_provider == teach_first


def test_the_former_provider_may_still_declare_training_it_gave(niot, record):
    started = completed(record, "2024-10-01T10:00:00Z")
    started["data"]["attributes"] |= {"declaration_type": "started"}

    response = client_of(niot).post("/api/v3/participant-declarations", started, AT)

    assert response.status_code == 200, response.json_body
    assert Declaration.objects.get().lead_provider == niot


ACTIONS = {
    "withdraw": {"reason": "moved-school"},
    "defer": {"reason": "career-break"},
    "resume": {},
    "change-schedule": {"schedule_identifier": "ecf-extended-september"},
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_only_the_current_provider_acts_on_the_participant(niot, teach_first, record, action):
    attributes = {"course_identifier": "ecf-induction", **ACTIONS[action]}
    body = {"data": {"type": f"participant-{action}", "attributes": attributes}}
    if action == "resume":
        record.training_periods.update(training_status="deferred")

    refused = client_of(niot).put(f"{PARTICIPANTS}/{record.participant_id}/{action}", body, AT)
    accepted = client_of(teach_first).put(f"{PARTICIPANTS}/{record.participant_id}/{action}", body, AT)

    assert errors(refused) == [("participant_id", NOT_CURRENT_PROVIDER)]
    assert accepted.status_code == 200, accepted.json_body


def test_the_former_provider_still_reads_the_participant(niot, record):
    response = client_of(niot).get(f"{PARTICIPANTS}/{record.participant_id}", headers=AT)

    assert response.status_code == 200
    (enrolment,) = response.json_body["data"]["attributes"]["ecf_enrolments"]
    assert enrolment["training_record_id"] == str(record.pk)
