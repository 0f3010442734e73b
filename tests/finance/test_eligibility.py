"""Recording a training record's funding eligibility pays its waiting declarations
(finance.services.eligibility)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ecf import clock
from ecf.choices import DeclarationState, DeclarationType, FundingEligibility
from ecf.models import Declaration, TrainingRecord
from finance.choices import StatementStatus
from finance.services.eligibility import REASON_NEEDED, UNKNOWN_ELIGIBILITY, training_record_record_eligibility
from tests.ecf.factories import DeclarationFactory, LeadProviderFactory, TrainingRecordFactory
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)


def record_eligibility(record, eligibility=FundingEligibility.ELIGIBLE, reason="DQT check passed"):
    with clock.acting_at(TODAY):
        return training_record_record_eligibility(
            record=record, eligibility=eligibility, reason=reason, recorded_by="support@example.com"
        )


def statement(provider, cohort, deadline, **fields):
    fields = {"year": deadline.year, "month": deadline.month, **fields}
    return StatementFactory.create(
        lead_provider=provider,
        cohort=cohort,
        deadline_date=deadline,
        payment_date=deadline + dt.timedelta(days=25),
        **fields,
    )


@pytest.fixture
def record():
    return TrainingRecordFactory.create(cohort__start_year=2024)


def test_submitted_declarations_become_eligible_on_their_providers_next_output_statement(record):
    provider, other = LeadProviderFactory.create(), LeadProviderFactory.create()
    statement(provider, record.cohort, dt.date(2025, 2, 28))  # cut-off passed
    statement(provider, record.cohort, dt.date(2025, 5, 31))
    next_one = statement(provider, record.cohort, dt.date(2025, 3, 31))
    statement(provider, record.cohort, dt.date(2025, 3, 20), output_fee=False, month=12)  # service fee only
    others = statement(other, record.cohort, dt.date(2025, 4, 30))
    started = DeclarationFactory.create(training_record=record, lead_provider=provider)
    retained = DeclarationFactory.create(
        training_record=record, lead_provider=other, declaration_type=DeclarationType.RETAINED_1
    )

    assert record_eligibility(record) == 2

    record.refresh_from_db()
    assert record.funding_eligibility == FundingEligibility.ELIGIBLE
    started.refresh_from_db()
    retained.refresh_from_db()
    assert (started.state, started.payment_statement) == (DeclarationState.ELIGIBLE, next_one)
    assert (retained.state, retained.payment_statement) == (DeclarationState.ELIGIBLE, others)


def test_declarations_in_other_states_are_left_alone(record):
    voided = DeclarationFactory.create(training_record=record, voided=True)
    ineligible = DeclarationFactory.create(
        training_record=record, ineligible=True, declaration_type=DeclarationType.RETAINED_1
    )
    statement(voided.lead_provider, record.cohort, dt.date(2025, 3, 31))

    assert record_eligibility(record) == 0

    assert set(Declaration.objects.values_list("state", flat=True)) == {
        DeclarationState.VOIDED,
        DeclarationState.INELIGIBLE,
    }
    assert ineligible.payment_statement is None


def test_a_declaration_without_an_open_output_statement_stays_submitted(record):
    declaration = DeclarationFactory.create(training_record=record)
    statement(declaration.lead_provider, record.cohort, dt.date(2025, 3, 31), status=StatementStatus.PAYABLE)
    statement(declaration.lead_provider, record.cohort, dt.date(2025, 2, 28))

    assert record_eligibility(record) == 0

    declaration.refresh_from_db()
    assert (declaration.state, declaration.payment_statement) == (DeclarationState.SUBMITTED, None)
    record.refresh_from_db()
    assert record.funding_eligibility == FundingEligibility.ELIGIBLE


@pytest.mark.parametrize("eligibility", [FundingEligibility.INELIGIBLE, FundingEligibility.NOT_YET_KNOWN])
def test_a_record_that_is_not_eligible_pays_nothing(record, eligibility):
    declaration = DeclarationFactory.create(training_record=record)
    statement(declaration.lead_provider, record.cohort, dt.date(2025, 3, 31))

    assert record_eligibility(record, eligibility) == 0

    record.refresh_from_db()
    assert record.funding_eligibility == eligibility
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.SUBMITTED


def test_the_reason_is_kept_in_the_history_of_the_record_and_the_declarations(record):
    declaration = DeclarationFactory.create(training_record=record)
    open_statement = statement(declaration.lead_provider, record.cohort, dt.date(2025, 3, 31))

    record_eligibility(record)

    assert record.history.latest().history_change_reason == (
        "funding eligibility eligible by support@example.com: DQT check passed"
    )
    assert declaration.history.latest().history_change_reason == (
        f"eligible on {open_statement.name} by support@example.com: DQT check passed"
    )


@pytest.mark.parametrize(
    ("eligibility", "reason", "errors"),
    [
        ("maybe", "DQT check passed", {"eligibility": [UNKNOWN_ELIGIBILITY]}),
        (FundingEligibility.ELIGIBLE, " ", {"reason": [REASON_NEEDED]}),
    ],
)
def test_refusals_write_nothing(record, eligibility, reason, errors):
    declaration = DeclarationFactory.create(training_record=record)
    statement(declaration.lead_provider, record.cohort, dt.date(2025, 3, 31))
    history_rows = TrainingRecord.history.count() + Declaration.history.count()

    with pytest.raises(ValidationError) as error:
        record_eligibility(record, eligibility, reason)

    assert error.value.message_dict == errors
    record.refresh_from_db()
    declaration.refresh_from_db()
    assert record.funding_eligibility == FundingEligibility.NOT_YET_KNOWN
    assert declaration.state == DeclarationState.SUBMITTED
    assert TrainingRecord.history.count() + Declaration.history.count() == history_rows
