import datetime as dt
from typing import Any

import pytest

from ecf.choices import DeclarationState, DeclarationType, EvidenceHeld
from ecf.models import Declaration, LeadProvider, TrainingRecord
from tests.ecf.factories import (
    CohortFactory,
    DeclarationFactory,
    DeliveryPartnerFactory,
    LeadProviderFactory,
    ParticipantFactory,
    TrainingPeriodFactory,
    TrainingRecordFactory,
)
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/participant-declarations"

STATE_TRAITS: dict[str, dict[str, Any]] = {
    DeclarationState.SUBMITTED: {},
    DeclarationState.ELIGIBLE: {"eligible": True},
    DeclarationState.PAYABLE: {"payable": True},
    DeclarationState.PAID: {"paid": True},
    DeclarationState.VOIDED: {"voided": True},
    DeclarationState.INELIGIBLE: {"ineligible": True},
    DeclarationState.AWAITING_CLAWBACK: {"awaiting_clawback": True},
    DeclarationState.CLAWED_BACK: {"clawed_back": True},
}


def declare(provider: LeadProvider, state: str = DeclarationState.SUBMITTED, **fields: Any) -> Declaration:
    return DeclarationFactory.create(lead_provider=provider, **STATE_TRAITS[state], **fields)


def taken_over(provider: LeadProvider) -> TrainingRecord:
    """An ECT who trained with another provider in autumn 2024 and is with `provider` from January 2025."""
    record = TrainingRecordFactory.create()
    TrainingPeriodFactory.create(training_record=record, end_date=dt.date(2024, 12, 31))
    TrainingPeriodFactory.create(training_record=record, lead_provider=provider, start_date=dt.date(2025, 1, 1))
    return record


def ids(response: Any) -> list[str]:
    return [row["id"] for row in response.json_body["data"]]


# Payload -------------------------------------------------------------------------------------------------


def test_show_full_payload_of_a_paid_declaration_with_uplift(api_client, lead_provider):
    record = TrainingRecordFactory.create(cohort=CohortFactory.create(start_year=2024), pupil_premium_uplift=True)
    delivery_partner = DeliveryPartnerFactory.create()
    mentor = ParticipantFactory.create()
    declaration = declare(
        lead_provider,
        DeclarationState.PAID,
        training_record=record,
        declaration_type=DeclarationType.STARTED,
        declaration_date=dt.datetime(2024, 10, 1, 9, 15, 30, 654321, tzinfo=dt.UTC),
        evidence_held=EvidenceHeld.TRAINING_EVENT_ATTENDED,
        delivery_partner=delivery_partner,
        pupil_premium_uplift=True,
    )
    Declaration.objects.filter(pk=declaration.pk).update(
        mentor=mentor,  # `mentor` is the factory's trait for a mentor's declaration
        created_at=dt.datetime(2024, 10, 2, 8, 0, 1, 123456, tzinfo=dt.UTC),
        api_updated_at=dt.datetime(2025, 3, 1, 23, 30, 0, tzinfo=dt.UTC),
    )

    response = api_client.get(f"{URL}/{declaration.pk}")

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(declaration.pk),
            "type": "participant-declaration",
            "attributes": {
                "participant_id": str(record.participant_id),
                "declaration_type": "started",
                "declaration_date": "2024-10-01T09:15:30Z",
                "course_identifier": "ecf-induction",
                "state": "paid",
                "updated_at": "2025-03-01T23:30:00Z",
                "created_at": "2024-10-02T08:00:01Z",
                "delivery_partner_id": str(delivery_partner.pk),
                "statement_id": str(declaration.payment_statement_id),
                "clawback_statement_id": None,
                "ineligible_for_funding_reason": None,
                "mentor_id": str(mentor.pk),
                "uplift_paid": True,
                "evidence_held": "training-event-attended",
                "has_passed": None,
                "lead_provider_name": lead_provider.name,
            },
        }
    }


@pytest.mark.parametrize(
    ("state", "statement", "clawback_statement", "reason"),
    [
        ("submitted", False, False, None),
        ("eligible", True, False, None),
        ("payable", True, False, None),
        ("paid", True, False, None),
        ("voided", False, False, None),
        ("ineligible", False, False, "duplicate_declaration"),
        ("awaiting-clawback", True, True, None),
        ("clawed-back", True, True, None),
    ],
)
def test_every_state_with_its_wire_value_and_statements(
    api_client, lead_provider, state, statement, clawback_statement, reason
):
    declaration = declare(lead_provider, state)

    attributes = api_client.get(f"{URL}/{declaration.pk}").json_body["data"]["attributes"]

    assert attributes["state"] == state
    assert attributes["statement_id"] == (str(declaration.payment_statement_id) if statement else None)
    assert attributes["clawback_statement_id"] == (
        str(declaration.clawback_statement_id) if clawback_statement else None
    )
    assert attributes["ineligible_for_funding_reason"] == reason


@pytest.mark.parametrize(
    ("state", "uplifts", "paid"),
    [
        ("paid", {"pupil_premium_uplift": True}, True),
        ("paid", {"sparsity_uplift": True}, True),
        ("awaiting-clawback", {"sparsity_uplift": True}, True),
        ("clawed-back", {"pupil_premium_uplift": True, "sparsity_uplift": True}, True),
        ("paid", {}, False),
        ("payable", {"pupil_premium_uplift": True}, False),
        ("eligible", {"sparsity_uplift": True}, False),
        ("voided", {"pupil_premium_uplift": True}, False),
    ],
)
def test_uplift_paid_when_paid_with_an_uplift(api_client, lead_provider, state, uplifts, paid):
    declaration = declare(lead_provider, state, **uplifts)

    assert api_client.get(f"{URL}/{declaration.pk}").json_body["data"]["attributes"]["uplift_paid"] is paid


def test_a_mentors_declaration_without_evidence_mentor_or_delivery_partner(api_client, lead_provider):
    declaration = declare(lead_provider, mentor=True)

    attributes = api_client.get(f"{URL}/{declaration.pk}").json_body["data"]["attributes"]

    assert attributes["course_identifier"] == "ecf-mentor"
    assert attributes["evidence_held"] is None
    assert attributes["mentor_id"] is None
    assert attributes["delivery_partner_id"] is None
    assert attributes["uplift_paid"] is False


# Visibility and isolation --------------------------------------------------------------------------------


def test_list_shows_own_declarations_and_another_providers_live_ones_for_a_taken_over_participant(
    api_client, lead_provider, other_lead_provider
):
    record = taken_over(lead_provider)
    theirs = declare(other_lead_provider, DeclarationState.PAID, training_record=record)
    declare(
        other_lead_provider,
        DeclarationState.VOIDED,
        training_record=record,
        declaration_type=DeclarationType.RETAINED_1,
    )
    declare(
        other_lead_provider,
        DeclarationState.CLAWED_BACK,
        training_record=record,
        declaration_type=DeclarationType.RETAINED_2,
    )
    declare(other_lead_provider)  # a participant who never trained with this provider
    own = declare(lead_provider, training_record=record, declaration_type=DeclarationType.RETAINED_1)

    response = api_client.get(URL)

    assert ids(response) == [str(theirs.pk), str(own.pk)]
    names = [row["attributes"]["lead_provider_name"] for row in response.json_body["data"]]
    assert names == [other_lead_provider.name, lead_provider.name]


def test_show_another_providers_visible_declaration(api_client, lead_provider, other_lead_provider):
    theirs = declare(other_lead_provider, DeclarationState.ELIGIBLE, training_record=taken_over(lead_provider))

    response = api_client.get(f"{URL}/{theirs.pk}")

    assert response.status_code == 200
    assert response.json_body["data"]["attributes"]["lead_provider_name"] == other_lead_provider.name


@pytest.mark.parametrize("state", ["voided", "ineligible", "awaiting-clawback", "clawed-back"])
def test_another_providers_declaration_no_longer_holding_its_slot_is_not_found(
    api_client, lead_provider, other_lead_provider, state
):
    theirs = declare(other_lead_provider, state, training_record=taken_over(lead_provider))

    assert api_client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert ids(api_client.get(URL)) == []


def test_another_providers_declaration_for_a_participant_not_with_this_provider_is_isolated(
    api_client, other_api_client, other_lead_provider
):
    theirs = declare(other_lead_provider, DeclarationState.PAID)

    assert ids(api_client.get(URL)) == []
    response = api_client.get(f"{URL}/{theirs.pk}")
    assert response.status_code == 404
    assert response.json_body == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }
    assert ids(other_api_client.get(URL)) == [str(theirs.pk)]


def test_own_declarations_stay_hidden_from_the_provider_that_took_the_participant_over_once_voided(
    api_client, other_api_client, lead_provider, other_lead_provider
):
    record = taken_over(other_lead_provider)
    own = declare(lead_provider, DeclarationState.VOIDED, training_record=record)

    assert ids(api_client.get(URL)) == [str(own.pk)]
    assert ids(other_api_client.get(URL)) == []


def test_without_a_token_is_401(anonymous_client, lead_provider):
    declaration = declare(lead_provider)

    for path in (URL, f"{URL}/{declaration.pk}"):
        response = anonymous_client.get(path)
        assert response.status_code == 401
        assert response.json_body == {"error": "HTTP Token: Access denied"}


def test_unknown_id_is_not_found(api_client):
    assert api_client.get(f"{URL}/0b9e8a4c-5d0f-4f43-9c2c-4d3c1f0e9a11").status_code == 404


# Filters -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "years"), [("2024", [2024]), ("2024,2025", [2024, 2025]), ("2023", [])])
def test_filter_cohort_is_the_declarations_cohort(api_client, lead_provider, value, years):
    by_year = {
        year: declare(lead_provider, training_record__cohort=CohortFactory.create(start_year=year))
        for year in (2024, 2025)
    }

    response = api_client.get(URL, {"filter[cohort]": value})

    assert ids(response) == [str(by_year[year].pk) for year in years]


def test_filter_participant_id(api_client, lead_provider):
    first, _, third = (declare(lead_provider) for _ in range(3))

    response = api_client.get(URL, {"filter[participant_id]": f"{first.participant_id},{third.participant_id}"})

    assert ids(response) == [str(first.pk), str(third.pk)]
    assert ids(api_client.get(URL, {"filter[participant_id]": str(ParticipantFactory.create().pk)})) == []


def test_filter_delivery_partner_id(api_client, lead_provider):
    partners = DeliveryPartnerFactory.create_batch(3)
    first, _, third = (declare(lead_provider, delivery_partner=partner) for partner in partners)
    declare(lead_provider)  # no delivery partner

    response = api_client.get(URL, {"filter[delivery_partner_id]": f"{partners[0].pk},{partners[2].pk}"})

    assert ids(response) == [str(first.pk), str(third.pk)]
    assert ids(api_client.get(URL, {"filter[delivery_partner_id]": str(DeliveryPartnerFactory.create().pk)})) == []


def test_filter_updated_since_is_inclusive(api_client, lead_provider):
    old, new = declare(lead_provider), declare(lead_provider)
    moment = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    Declaration.objects.filter(pk=old.pk).update(api_updated_at=moment - dt.timedelta(seconds=1))
    Declaration.objects.filter(pk=new.pk).update(api_updated_at=moment)

    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:00Z"})) == [str(new.pk)]
    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:01Z"})) == []


def test_filter_statement_id_reconciles_a_statement(api_client, lead_provider):
    statement, other_statement = StatementFactory.create_batch(2, lead_provider=lead_provider)
    on_statement = [
        declare(lead_provider, DeclarationState.ELIGIBLE, payment_statement=statement),
        declare(lead_provider, DeclarationState.PAID, payment_statement=statement),
    ]
    on_other = declare(lead_provider, DeclarationState.ELIGIBLE, payment_statement=other_statement)
    declare(lead_provider)  # submitted: on no statement

    assert ids(api_client.get(URL, {"filter[statement_id]": str(statement.pk)})) == [str(d.pk) for d in on_statement]
    both = api_client.get(URL, {"filter[statement_id]": f"{statement.pk},{other_statement.pk}"})
    assert ids(both) == [*(str(d.pk) for d in on_statement), str(on_other.pk)]
    empty_statement = StatementFactory.create(lead_provider=lead_provider)
    assert ids(api_client.get(URL, {"filter[statement_id]": str(empty_statement.pk)})) == []


def test_filter_clawback_statement_id(api_client, lead_provider):
    clawback_statement = StatementFactory.create(lead_provider=lead_provider)
    clawed = declare(lead_provider, DeclarationState.AWAITING_CLAWBACK, clawback_statement=clawback_statement)
    declare(lead_provider, DeclarationState.AWAITING_CLAWBACK)
    paid_on_it = declare(lead_provider, DeclarationState.ELIGIBLE, payment_statement=clawback_statement)

    assert ids(api_client.get(URL, {"filter[clawback_statement_id]": str(clawback_statement.pk)})) == [str(clawed.pk)]
    assert ids(api_client.get(URL, {"filter[statement_id]": str(clawback_statement.pk)})) == [str(paid_on_it.pk)]


def test_filters_combine(api_client, lead_provider):
    partner = DeliveryPartnerFactory.create()
    match = declare(lead_provider, delivery_partner=partner)
    declare(lead_provider, delivery_partner=partner, training_record__cohort=CohortFactory.create(start_year=2025))

    response = api_client.get(URL, {"filter[cohort]": "2024", "filter[delivery_partner_id]": str(partner.pk)})

    assert ids(response) == [str(match.pk)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("cohort", "abc"),
        ("cohort", "2024,20x5"),
        ("participant_id", "not-a-uuid"),
        ("participant_id", "0b9e8a4c-5d0f-4f43-9c2c-4d3c1f0e9a11,123"),
        ("delivery_partner_id", "abc"),
        ("updated_since", "2026-03-01"),
        ("statement_id", "abc"),
        ("clawback_statement_id", "0b9e8a4c"),
    ],
)
def test_malformed_filter_is_a_400_naming_it(api_client, name, value):
    response = api_client.get(URL, {f"filter[{name}]": value})

    assert response.status_code == 400
    assert f"'#/{name}'" in response.json_body["errors"][0]["detail"]


# Order and pagination ------------------------------------------------------------------------------------


def test_ordered_by_creation_and_sort_is_ignored(api_client, lead_provider, other_lead_provider):
    record = taken_over(lead_provider)
    first = declare(lead_provider)
    second = declare(other_lead_provider, training_record=record)
    third = declare(lead_provider)
    Declaration.objects.filter(pk=first.pk).update(created_at=dt.datetime(2025, 1, 3, tzinfo=dt.UTC))
    Declaration.objects.filter(pk=second.pk).update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    Declaration.objects.filter(pk=third.pk).update(created_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
    expected = [str(second.pk), str(third.pk), str(first.pk)]

    assert ids(api_client.get(URL)) == expected
    for sort in ("-created_at", "updated_at", "unknown"):
        response = api_client.get(URL, {"sort": sort})
        assert response.status_code == 200
        assert ids(response) == expected


def test_pages_and_cursor_visit_every_visible_declaration_once(api_client, lead_provider, other_lead_provider):
    record = taken_over(lead_provider)
    visible = [declare(lead_provider) for _ in range(3)]
    visible.append(declare(other_lead_provider, training_record=record))
    declare(other_lead_provider)
    expected = [str(d.pk) for d in visible]

    first = api_client.get(URL, {"page[per_page]": "1"})
    assert ids(first) == expected[:1]
    assert "next" in first.json_body["links"]
    assert ids(api_client.get(URL, {"page[per_page]": "1", "page[page]": "4"})) == expected[3:]
    assert ids(api_client.get(URL, {"page[per_page]": "1", "page[page]": "5"})) == []

    seen, response = [], first
    while True:
        seen.extend(ids(response))
        if "links" not in response.json_body:
            break
        response = api_client.follow(response.json_body["links"]["next"])
    assert seen == expected


def test_cursor_keeps_the_filters(api_client, lead_provider):
    partner = DeliveryPartnerFactory.create()
    matching = [declare(lead_provider, delivery_partner=partner) for _ in range(3)]
    declare(lead_provider)

    response = api_client.get(URL, {"page[per_page]": "2", "filter[delivery_partner_id]": str(partner.pk)})
    seen = ids(response)
    seen += ids(api_client.follow(response.json_body["links"]["next"]))

    assert seen == [str(d.pk) for d in matching]


# Query count ---------------------------------------------------------------------------------------------


def test_list_runs_a_constant_number_of_queries(
    api_client, lead_provider, other_lead_provider, django_assert_max_num_queries
):
    def add(count: int) -> None:
        """Own declarations, and other providers' paid ones for participants taken over (each with
        its own provider, delivery partner and mentor), alternately; plus hidden ones."""
        for index in range(count):
            if index % 2:
                theirs = declare(
                    LeadProviderFactory.create(),
                    DeclarationState.PAID,
                    training_record=taken_over(lead_provider),
                    delivery_partner=DeliveryPartnerFactory.create(),
                )
                Declaration.objects.filter(pk=theirs.pk).update(mentor=ParticipantFactory.create())
                declare(other_lead_provider)
            else:
                declare(lead_provider, DeclarationState.AWAITING_CLAWBACK, evidence_held=EvidenceHeld.OTHER)

    add(1)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(URL).json_body["data"]) == 1
    add(99)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(URL).json_body["data"]) == 100


def test_show_runs_a_constant_number_of_queries(api_client, lead_provider, django_assert_max_num_queries):
    declaration = declare(lead_provider, DeclarationState.PAID)
    with django_assert_max_num_queries(3):
        assert api_client.get(f"{URL}/{declaration.pk}").status_code == 200
