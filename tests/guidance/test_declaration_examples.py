"""The example 422 bodies on the declarations page are produced here: each example's request is made to the
declaration service and to the API, which must answer the same, and the page shows what they answered
(guidance/content/declaration_examples.json). When a rule's wording changes this test fails; record the new
answers with `make guidance-examples` (this test with GUIDANCE_RECORD_EXAMPLES=1) and commit the file."""

import datetime as dt
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from api.jsonapi.exceptions import error_body, rule_errors
from ecf import clock
from ecf.choices import DeclarationState
from ecf.models import LeadProvider, TrainingRecord
from finance.services.declarations import declaration_create
from guidance import declarations as page
from guidance.pages import build_page
from tests.ecf.factories import TrainingStatusChangeFactory
from tests.finance.test_services_declarations import existing, next_statement, trained

pytestmark = pytest.mark.django_db

RECORD = os.environ.get("GUIDANCE_RECORD_EXAMPLES") == "1"
# The participant id the page shows in every example request (the real ones differ from run to run).
SHOWN_PARTICIPANT_ID = "db3a7848-7308-4879-942a-c4a70ced400a"
NOW = {2024: "2025-08-15T12:00:00Z", 2025: "2026-09-01T12:00:00Z"}


def ect(year: int) -> Callable[[LeadProvider], TrainingRecord]:
    def make(provider: LeadProvider) -> TrainingRecord:
        record = trained(provider, year=year)
        next_statement(provider, record)
        return record

    return make


def deferred(provider: LeadProvider) -> TrainingRecord:
    record = ect(2024)(provider)
    TrainingStatusChangeFactory.create(
        training_record=record,
        lead_provider=provider,
        changed_at=dt.datetime(2024, 11, 1, 9, 30, tzinfo=dt.UTC),
        deferred=True,
    )
    return record


def declared(provider: LeadProvider) -> TrainingRecord:
    record = ect(2024)(provider)
    existing(provider, record, DeclarationState.ELIGIBLE)
    return record


@dataclass(frozen=True)
class Example:
    key: str
    title: str
    situation: str
    year: int
    make: Callable[[LeadProvider], TrainingRecord]
    attributes: dict[str, Any]
    unknown_participant: bool = False


EXAMPLES = (
    Example(
        "future_date",
        "A date in the future",
        "Sent on 15 August 2025 for a participant of the 2024 cohort.",
        2024,
        ect(2024),
        {"declaration_type": "started", "declaration_date": "2025-09-01T10:00:00Z"},
    ),
    Example(
        "before_window",
        "A date before the milestone's window opens",
        "`retained-1` of the 2024 standard September schedule opens on 1 January 2025.",
        2024,
        ect(2024),
        {"declaration_type": "retained-1", "declaration_date": "2024-12-15T10:00:00Z", "evidence_held": "other"},
    ),
    Example(
        "not_in_schedule",
        "A milestone the schedule does not have",
        "`extended-1` for a participant on a standard schedule.",
        2024,
        ect(2024),
        {"declaration_type": "extended-1", "declaration_date": "2025-02-01T10:00:00Z", "evidence_held": "other"},
    ),
    Example(
        "after_deferral",
        "A date after a deferral",
        "You deferred the participant on 1 November 2024 and have not resumed them.",
        2024,
        deferred,
        {"declaration_type": "started", "declaration_date": "2024-11-02T10:00:00Z"},
    ),
    Example(
        "already_declared",
        "A milestone already declared",
        "The participant already has a live `started` declaration, with another date.",
        2024,
        declared,
        {"declaration_type": "started", "declaration_date": "2024-10-02T10:00:00Z"},
    ),
    Example(
        "evidence_missing",
        "Evidence missing",
        "A 2025 `started` declaration without `evidence_held`.",
        2025,
        ect(2025),
        {"declaration_type": "started", "declaration_date": "2025-10-01T10:00:00Z"},
    ),
    Example(
        "evidence_not_accepted",
        "Evidence not accepted for the milestone",
        "`retained-2` from 2025 needs evidence of engagement.",
        2025,
        ect(2025),
        {
            "declaration_type": "retained-2",
            "declaration_date": "2025-10-01T10:00:00Z",
            "evidence_held": "training-event-attended",
        },
    ),
    Example(
        "several_problems",
        "Several problems at once",
        "Each problem is reported, one error each.",
        2025,
        ect(2025),
        {"declaration_type": "started", "declaration_date": "2026-10-01T10:00:00Z"},
    ),
    Example(
        "unknown_participant",
        "A participant you do not train",
        "An id that is not one of your participants (or does not exist).",
        2024,
        ect(2024),
        {"declaration_type": "started", "declaration_date": "2024-10-01T10:00:00Z"},
        unknown_participant=True,
    ),
)


def _attributes(example: Example, participant_id: str) -> dict[str, Any]:
    return {"participant_id": participant_id, **example.attributes, "course_identifier": "ecf-induction"}


def service_body(provider: LeadProvider, example: Example, attributes: dict[str, Any]) -> dict[str, Any]:
    moment = dt.datetime.fromisoformat(NOW[example.year])
    with clock.acting_at(moment), pytest.raises(ValidationError) as refused:
        declaration_create(
            lead_provider=provider,
            participant_id=uuid.UUID(attributes["participant_id"]),
            course_identifier=attributes["course_identifier"],
            declaration_type=attributes["declaration_type"],
            declaration_date=dt.datetime.fromisoformat(attributes["declaration_date"]),
            evidence_held=attributes.get("evidence_held"),
        )
    return error_body(*rule_errors(refused.value))


def _write(key: str, value: dict[str, Any]) -> None:
    recorded = page.recorded_examples() if page.EXAMPLES.exists() else {}
    recorded[key] = value
    ordered = {example.key: recorded[example.key] for example in EXAMPLES if example.key in recorded}
    page.EXAMPLES.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n")


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.SANDBOX = True


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.key)
def test_the_page_shows_what_the_service_and_the_api_answer(example, api_client, lead_provider):
    record = example.make(lead_provider)
    participant_id = str(uuid.uuid4() if example.unknown_participant else record.participant_id)
    attributes = _attributes(example, participant_id)

    expected = service_body(lead_provider, example, attributes)
    response = api_client.post(
        "/api/v3/participant-declarations",
        {"data": {"type": "participant-declaration", "attributes": attributes}},
        headers={"X-With-Server-Date": NOW[example.year]},
    )

    assert (response.status_code, response.json_body) == (422, expected)
    shown = {
        "title": example.title,
        "situation": example.situation,
        "attributes": _attributes(example, SHOWN_PARTICIPANT_ID),
        "status": response.status_code,
        "response": response.json_body,
    }
    if RECORD:
        _write(example.key, shown)
    assert page.recorded_examples().get(example.key) == shown, "Run `make guidance-examples` and commit the file."


def test_the_declarations_page_shows_every_recorded_example():
    html = build_page("declarations").html
    recorded = page.recorded_examples()

    assert list(recorded) == [example.key for example in EXAMPLES]
    for example in recorded.values():
        for error in example["response"]["errors"]:
            assert json.dumps(error["detail"], ensure_ascii=False) in unescape(html), error
