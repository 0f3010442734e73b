"""Which declarations a lead provider can read (`declaration_list`, domain rules §3.12)."""

import datetime as dt
from typing import Any

import pytest

from ecf.choices import LIVE_DECLARATION_STATES, DeclarationState, DeclarationType
from ecf.models import Declaration, LeadProvider, TrainingRecord
from ecf.selectors.declarations import declaration_list
from tests.ecf.factories import (
    DeclarationFactory,
    LeadProviderFactory,
    TrainingPeriodFactory,
    TrainingRecordFactory,
)

pytestmark = pytest.mark.django_db

# The factory traits that put a declaration in each state (with the statements its state needs).
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
NOT_LIVE_STATES = [state for state in DeclarationState if state not in LIVE_DECLARATION_STATES]
# In the 2024 cohort (the factories' default); 13:00 in London (BST).
DECLARED_AT = dt.datetime(2024, 10, 1, 12, tzinfo=dt.UTC)


def declare(
    provider: LeadProvider, record: TrainingRecord, state: str = DeclarationState.SUBMITTED, **fields: Any
) -> Declaration:
    fields.setdefault("declaration_date", DECLARED_AT)
    return DeclarationFactory.create(lead_provider=provider, training_record=record, **STATE_TRAITS[state], **fields)


def visible(provider: LeadProvider) -> set[Declaration]:
    return set(declaration_list(lead_provider=provider))


@pytest.fixture
def provider() -> LeadProvider:
    return LeadProviderFactory.create()


@pytest.fixture
def previous_provider() -> LeadProvider:
    return LeadProviderFactory.create()


@pytest.fixture
def record(previous_provider: LeadProvider) -> TrainingRecord:
    """An ECT who trained with the previous provider until the end of 2024."""
    record = TrainingRecordFactory.create()
    TrainingPeriodFactory.create(
        training_record=record, lead_provider=previous_provider, end_date=dt.date(2024, 12, 31)
    )
    return record


@pytest.mark.parametrize("state", list(DeclarationState))
def test_own_declarations_in_every_state(provider, state):
    own = declare(provider, TrainingRecordFactory.create(), state)
    declare(LeadProviderFactory.create(), TrainingRecordFactory.create(), state)

    assert visible(provider) == {own}


@pytest.mark.parametrize("state", LIVE_DECLARATION_STATES)
def test_another_providers_live_declaration_for_a_participant_now_with_the_provider(
    provider, previous_provider, record, state
):
    TrainingPeriodFactory.create(training_record=record, lead_provider=provider, start_date=dt.date(2025, 1, 1))
    theirs = declare(previous_provider, record, state)

    assert visible(provider) == {theirs}
    assert visible(previous_provider) == {theirs}


@pytest.mark.parametrize("state", NOT_LIVE_STATES)
def test_another_providers_declaration_that_no_longer_holds_its_slot_is_hidden(
    provider, previous_provider, record, state
):
    TrainingPeriodFactory.create(training_record=record, lead_provider=provider, start_date=dt.date(2025, 1, 1))
    theirs = declare(previous_provider, record, state)

    assert visible(provider) == set()
    assert visible(previous_provider) == {theirs}


@pytest.mark.parametrize(
    ("periods", "declared_at", "is_visible"),
    [
        pytest.param([{}], DECLARED_AT, True, id="trains them now through a partnership"),
        pytest.param([{"unconfirmed": True}], DECLARED_AT, True, id="trains them now, no partnership yet"),
        pytest.param([{"partnership__challenged": True}], DECLARED_AT, False, id="partnership challenged"),
        pytest.param([{"start_date": dt.date(2025, 9, 1)}], DECLARED_AT, True, id="joins them later"),
        pytest.param([{"end_date": dt.date(2024, 9, 30)}], DECLARED_AT, False, id="left before the declaration"),
        pytest.param([{"end_date": dt.date(2024, 10, 1)}], DECLARED_AT, True, id="left on the declaration day"),
        pytest.param(
            [{"end_date": dt.date(2024, 10, 1)}],
            dt.datetime(2024, 10, 1, 22, 59, 59, tzinfo=dt.UTC),
            True,
            id="declared 23:59:59 London time on the last day",
        ),
        pytest.param(
            [{"end_date": dt.date(2024, 10, 1)}],
            dt.datetime(2024, 10, 1, 23, 0, tzinfo=dt.UTC),
            False,
            id="declared 00:00 London time on the day after",
        ),
        pytest.param(
            [
                {"start_date": dt.date(2024, 9, 1), "end_date": dt.date(2024, 9, 15)},
                {"start_date": dt.date(2024, 9, 20), "end_date": dt.date(2024, 10, 31)},
            ],
            DECLARED_AT,
            True,
            id="latest of two periods ends after the declaration",
        ),
        pytest.param(
            [
                {"start_date": dt.date(2024, 9, 1), "end_date": dt.date(2024, 9, 15)},
                {"start_date": dt.date(2024, 9, 20), "partnership__challenged": True},
            ],
            DECLARED_AT,
            False,
            id="only the challenged period covers the declaration",
        ),
    ],
)
def test_another_providers_declaration_by_the_providers_periods(provider, periods, declared_at, is_visible):
    """The previous provider trained the ECT in September 2024 and declared; this provider's periods vary."""
    record = TrainingRecordFactory.create()
    for period in periods:
        TrainingPeriodFactory.create(training_record=record, lead_provider=provider, **period)
    theirs = declare(LeadProviderFactory.create(), record, declaration_date=declared_at)

    assert visible(provider) == ({theirs} if is_visible else set())


def test_participant_never_with_the_provider_is_hidden(provider, previous_provider, record):
    third = LeadProviderFactory.create()
    TrainingPeriodFactory.create(training_record=record, lead_provider=third, start_date=dt.date(2025, 1, 1))
    declare(previous_provider, record)

    assert visible(provider) == set()


def test_training_someone_as_a_mentor_shows_nothing_of_their_induction(provider, previous_provider, record):
    mentor_record = TrainingRecordFactory.create(mentor=True, participant=record.participant)
    TrainingPeriodFactory.create(training_record=mentor_record, lead_provider=provider)
    ect_declaration = declare(previous_provider, record)
    mentor_declaration = declare(previous_provider, mentor_record)

    assert visible(provider) == {mentor_declaration}
    assert ect_declaration in visible(previous_provider)


def test_each_declaration_appears_once_whatever_the_number_of_periods(provider, previous_provider, record):
    for start, end in [(dt.date(2024, 9, 1), dt.date(2024, 9, 30)), (dt.date(2024, 10, 1), None)]:
        TrainingPeriodFactory.create(training_record=record, lead_provider=provider, start_date=start, end_date=end)
    own = declare(provider, record, declaration_type=DeclarationType.RETAINED_1)
    theirs = declare(previous_provider, record)

    assert list(declaration_list(lead_provider=provider)) == [own, theirs]
