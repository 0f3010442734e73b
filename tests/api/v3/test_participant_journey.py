"""A participant's whole life through the API, as a lead provider's system would drive it: partnership,
declarations, defer and resume, change of schedule, void and clawback, with finance paying statements
in between. Every response is checked against the committed OpenAPI document."""

import datetime as dt
from decimal import Decimal

import pytest

from ecf import clock
from ecf.calendars import schedule_milestones
from ecf.choices import FundingEligibility
from ecf.models import Cohort, Milestone, Schedule
from finance.models import Statement
from finance.services.statements import (
    statement_authorise_payment,
    statement_calendar_generate,
    statements_mark_payable,
)
from tests.ecf.factories import CohortFactory, DeliveryPartnerFactory, SchoolFactory, TrainingRecordFactory
from tests.ecf.participant_builders import period
from tests.finance.factories import BandFactory, ContractFactory
from tests.partnerships.factories import ProviderRelationshipFactory

pytestmark = pytest.mark.django_db


def _schedule(cohort: Cohort, identifier: str) -> Schedule:
    schedule = Schedule.objects.create(
        identifier=identifier, name=identifier, cohort=cohort, schedule_type=identifier.split("-")[1]
    )
    for milestone in schedule_milestones(identifier, cohort.start_year):
        Milestone.objects.create(
            schedule=schedule,
            name=milestone.name,
            declaration_type=milestone.declaration_type,
            start_date=milestone.start_date,
            milestone_date=milestone.milestone_date,
            payment_date=milestone.payment_date,
        )
    return schedule


def _at(day: str) -> dict[str, str]:
    return {"X-With-Server-Date": f"{day}T12:00:00Z"}


def _finance(day: str, statement: Statement | None = None) -> None:
    """The department's side on `day`: statements past their cut-off become payable, and `statement` is paid."""
    with clock.acting_at(dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")):
        statements_mark_payable()
        if statement is not None:
            statement_authorise_payment(statement=statement, authorised_by="finance officer")


def _attributes(response):
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]["attributes"]


def test_the_whole_life_of_a_participant(api_client, lead_provider, settings):
    settings.SANDBOX = True
    cohort = CohortFactory.create(start_year=2024)
    standard = _schedule(cohort, "ecf-standard-september")
    _schedule(cohort, "ecf-extended-september")
    contract = ContractFactory.create(lead_provider=lead_provider, cohort=cohort, recruitment_target=100)
    BandFactory.create(contract=contract, name="A", max=100, per_participant=Decimal("1000"))
    statement_calendar_generate(lead_provider=lead_provider, cohort=cohort)
    school, partner = SchoolFactory.create(), DeliveryPartnerFactory.create()
    ProviderRelationshipFactory.create(lead_provider=lead_provider, delivery_partner=partner, cohort=cohort)

    # The provider reports its partnership with the school.
    partnership = api_client.post(
        "/api/v3/partnerships/ecf",
        {"data": {"type": "partnership", "attributes": {"cohort": "2024", "school_id": str(school.pk),
                                                         "delivery_partner_id": str(partner.pk)}}},
        headers=_at("2024-07-01"),
    )  # fmt: skip
    assert _attributes(partnership)["status"] == "active"

    # The school registers an ECT, who trains through that partnership.
    record = TrainingRecordFactory.create(
        cohort=cohort, schedule=standard, funding_eligibility=FundingEligibility.ELIGIBLE
    )
    period(record, lead_provider, school=school)
    participant_id = str(record.participant_id)
    participant_url = f"/api/v3/participants/ecf/{participant_id}"

    def declare(declaration_type: str, date: str, today: str, evidence: str | None = None):
        attributes = {"participant_id": participant_id, "declaration_type": declaration_type,
                      "declaration_date": f"{date}T10:00:00Z", "course_identifier": "ecf-induction"}  # fmt: skip
        if evidence:
            attributes["evidence_held"] = evidence
        body = {"data": {"type": "participant-declaration", "attributes": attributes}}
        return api_client.post("/api/v3/participant-declarations", body, headers=_at(today))

    # Started: eligible, on the January 2025 output statement; a network retry returns the same declaration.
    started = declare("started", "2024-09-20", "2024-10-01")
    january = Statement.objects.get(lead_provider=lead_provider, cohort=cohort, year=2025, month=1)
    assert _attributes(started)["state"] == "eligible"
    assert _attributes(started)["statement_id"] == str(january.pk)
    retry = declare("started", "2024-09-20", "2024-10-02")
    assert retry.json_body == started.json_body

    # Finance pays January.
    _finance("2025-01-10", january)
    started_url = f"/api/v3/participant-declarations/{started.json_body['data']['id']}"
    assert _attributes(api_client.get(started_url))["state"] == "paid"
    assert _attributes(api_client.get(f"/api/v3/statements/{january.pk}"))["paid"] is True

    # A deferral blocks declarations dated after it; resuming lifts that.
    deferred = api_client.put(
        f"{participant_url}/defer",
        {"data": {"attributes": {"reason": "parental-leave", "course_identifier": "ecf-induction"}}},
        headers=_at("2025-02-01"),
    )
    assert _attributes(deferred)["ecf_enrolments"][0]["training_status"] == "deferred"
    assert declare("retained-1", "2025-02-10", "2025-02-11", "training-event-attended").status_code == 422
    resumed = api_client.put(
        f"{participant_url}/resume",
        {"data": {"attributes": {"course_identifier": "ecf-induction"}}},
        headers=_at("2025-02-15"),
    )
    assert _attributes(resumed)["ecf_enrolments"][0]["training_status"] == "active"
    retained = declare("retained-1", "2025-02-20", "2025-02-21", "training-event-attended")
    april = Statement.objects.get(lead_provider=lead_provider, cohort=cohort, year=2025, month=4)
    assert _attributes(retained)["statement_id"] == str(april.pk)

    # The induction is extended: a new schedule that still fits the existing declarations.
    changed = api_client.put(
        f"{participant_url}/change-schedule",
        {
            "data": {
                "attributes": {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-induction"}
            }
        },
        headers=_at("2025-03-01"),
    )
    assert _attributes(changed)["ecf_enrolments"][0]["schedule_identifier"] == "ecf-extended-september"

    # The paid start was wrong: voiding it claws it back on April's statement.
    voided = api_client.put(f"{started_url}/void", headers=_at("2025-03-05"))
    assert _attributes(voided)["state"] == "awaiting-clawback"
    assert _attributes(voided)["clawback_statement_id"] == str(april.pk)

    # Finance pays April: the retained-1 is paid and the start clawed back, line by line.
    _finance("2025-04-10", april)
    assert _attributes(api_client.get(started_url))["state"] == "clawed-back"
    breakdown = _attributes(api_client.get(f"/api/v3/statements/{april.pk}/breakdown"))
    assert [(line["declaration_type"], line["count"]) for line in breakdown["ects"]["clawback_lines"]] == [
        ("started", 1)
    ]
    assert [(line["declaration_type"], line["count"]) for line in breakdown["ects"]["output_lines"]] == [
        ("retained-1", 1)
    ]
    reconciled = api_client.get("/api/v3/participant-declarations", {"filter[clawback_statement_id]": str(april.pk)})
    assert [row["id"] for row in reconciled.json_body["data"]] == [started.json_body["data"]["id"]]

    # Finally the ECT leaves teaching.
    withdrawn = api_client.put(
        f"{participant_url}/withdraw",
        {"data": {"attributes": {"reason": "left-teaching-profession", "course_identifier": "ecf-induction"}}},
        headers=_at("2025-05-01"),
    )
    enrolment = _attributes(withdrawn)["ecf_enrolments"][0]
    assert enrolment["training_status"] == "withdrawn"
    assert enrolment["withdrawal"] == {"reason": "left-teaching-profession", "date": "2025-05-01T12:00:00Z"}
