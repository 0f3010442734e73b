import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ecf import clock
from ecf.choices import DeclarationState
from finance.calculators import money
from finance.calendars import statement_calendar
from finance.choices import ContractType, StatementStatus
from finance.models import Statement
from finance.services.statements import (
    statement_authorise_payment,
    statement_breakdown,
    statement_calendar_generate,
    statements_mark_payable,
)
from tests.ecf.factories import CohortFactory, DeclarationFactory, LeadProviderFactory, TrainingRecordFactory
from tests.finance.factories import AdjustmentFactory, BandFactory, ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db

# A February statement whose cut-off is the end of January.
JANUARY_CUT_OFF = {
    "year": 2025,
    "month": 2,
    "deadline_date": dt.date(2025, 1, 31),
    "payment_date": dt.date(2025, 2, 25),
}
TINY_BANDS = [("A", None, 2, "400"), ("B", 3, 4, "300"), ("C", 5, 6, "200"), ("D", 7, 8, "100")]


def _contract(lead_provider, cohort, bands=TINY_BANDS, **fields):
    contract = ContractFactory.create(
        lead_provider=lead_provider,
        cohort=cohort,
        recruitment_target=6000,
        set_up_fee=Decimal("149651"),
        **fields,
    )
    for name, low, high, price in bands:
        BandFactory.create(contract=contract, name=name, min=low, max=high, per_participant=Decimal(price))
    return contract


def _statement(contract, **fields):
    return StatementFactory.create(
        lead_provider=contract.lead_provider, cohort=contract.cohort, contract=contract, **fields
    )


def _declaration(statement, record=None, **fields):
    record = record or TrainingRecordFactory.create(cohort=statement.cohort)
    return DeclarationFactory.create(
        training_record=record,
        lead_provider=statement.lead_provider,
        payment_statement=statement,
        state=fields.pop("state", DeclarationState.ELIGIBLE),
        **fields,
    )


def test_breakdown_of_the_spec_verified_statement():
    """finance rules §3.11: minimal bands, one eligible ECT start with a sparsity uplift: -£5,981.75."""
    contract = _contract(LeadProviderFactory.create(vat_registered=True), CohortFactory.create(start_year=2024))
    statement = _statement(contract)
    _declaration(statement, sparsity_uplift=True)

    breakdown = statement_breakdown(statement=statement)

    assert breakdown.ects.output_fee == Decimal("48")
    assert breakdown.ects.uplift_fee == Decimal("100")
    assert money(breakdown.ects.service_fee) == Decimal("-5132.79")
    assert money(breakdown.total) == Decimal("-5981.75")
    assert breakdown.mentors is None
    assert breakdown.declaration_counts == {"eligible": 1}


def test_a_clawback_is_priced_at_the_highest_band_with_room_and_adjustments_count():
    contract = _contract(LeadProviderFactory.create(vat_registered=False), CohortFactory.create(start_year=2024))
    first, second = _statement(contract), _statement(contract)
    records = [TrainingRecordFactory.create(cohort=contract.cohort) for _ in range(3)]
    paid = [_declaration(first, record, state=DeclarationState.PAID) for record in records]
    _declaration(second, records[0], declaration_type="retained-1")
    clawed = paid[2]
    clawed.state, clawed.clawback_statement, clawed.voided_at = DeclarationState.AWAITING_CLAWBACK, second, clock.now()
    clawed.save()
    AdjustmentFactory.create(statement=second, amount=Decimal("-10.50"))

    breakdown = statement_breakdown(statement=second)

    # Three earlier starts filled A (2) and B (1): the clawback comes off band B at £300 * 60% * 20%.
    assert [(line.declaration_type, line.band, line.count) for line in breakdown.ects.clawback_lines] == [
        ("started", "B", 1)
    ]
    assert breakdown.ects.clawbacks == Decimal("36")
    assert breakdown.ects.output_fee == Decimal("36")  # one retained-1 in band A: 400 * 60% * 15%
    assert breakdown.ects.adjustments == Decimal("-10.50")
    assert breakdown.ects.vat == 0


def test_declarations_beyond_the_last_band_are_reported_unpaid():
    contract = _contract(
        LeadProviderFactory.create(), CohortFactory.create(start_year=2024), bands=[("A", None, 1, "400")]
    )
    statement = _statement(contract)
    _declaration(statement)
    _declaration(statement)

    assert statement_breakdown(statement=statement).ects.unpaid_beyond_bands == {"started": 1}


def test_2025_mentors_are_paid_a_flat_rate_in_their_own_section():
    cohort = CohortFactory.create(start_year=2025)
    contract = _contract(
        LeadProviderFactory.create(vat_registered=True),
        cohort,
        contract_type=ContractType.ITTECF_ECTP,
        mentor_recruitment_target=100,
        mentor_payment_per_participant=Decimal("1000"),
        monthly_service_fee=Decimal("0"),
        uplift_amount=None,
    )
    statement = _statement(contract)
    _declaration(statement, TrainingRecordFactory.create(cohort=cohort, mentor=True))
    _declaration(statement)

    breakdown = statement_breakdown(statement=statement)

    assert breakdown.mentors is not None
    assert breakdown.mentors.total_ex_vat == Decimal("500")
    assert breakdown.mentors.total == Decimal("600")
    assert breakdown.ects.output_fee == Decimal("48")
    assert breakdown.total == breakdown.ects.total + breakdown.mentors.total


def test_mark_payable_catches_up_on_every_missed_day_and_is_idempotent():
    contract = _contract(LeadProviderFactory.create(), CohortFactory.create(start_year=2024))
    long_past = _statement(contract, deadline_date=dt.date(2025, 1, 31), payment_date=dt.date(2025, 2, 25))
    yesterday = _statement(contract, deadline_date=dt.date(2025, 3, 30), payment_date=dt.date(2025, 4, 25))
    future = _statement(contract, deadline_date=dt.date(2025, 3, 31), payment_date=dt.date(2025, 4, 26))
    eligible = _declaration(long_past)

    assert statements_mark_payable(today=dt.date(2025, 3, 31)) == 2
    assert statements_mark_payable(today=dt.date(2025, 3, 31)) == 0

    for statement, status in ((long_past, "payable"), (yesterday, "payable"), (future, "open")):
        statement.refresh_from_db()
        assert statement.status == status
    eligible.refresh_from_db()
    assert eligible.state == DeclarationState.PAYABLE


def test_authorise_payment_pays_declarations_claws_back_and_keeps_the_figures():
    contract = _contract(LeadProviderFactory.create(), CohortFactory.create(start_year=2024))
    earlier = _statement(contract, status=StatementStatus.PAID, marked_as_paid_at=clock.now())
    statement = _statement(contract, status=StatementStatus.PAYABLE, **JANUARY_CUT_OFF)
    payable = _declaration(statement, state=DeclarationState.PAYABLE)
    clawed = _declaration(
        earlier, state=DeclarationState.AWAITING_CLAWBACK, clawback_statement=statement, voided_at=clock.now()
    )

    with clock.acting_at(dt.datetime(2025, 2, 10, 12, tzinfo=dt.UTC)):
        statement_authorise_payment(statement=statement)

    statement.refresh_from_db()
    payable.refresh_from_db()
    clawed.refresh_from_db()
    assert statement.status == StatementStatus.PAID
    assert statement.marked_as_paid_at == dt.datetime(2025, 2, 10, 12, tzinfo=dt.UTC)
    assert payable.state == DeclarationState.PAID
    assert clawed.state == DeclarationState.CLAWED_BACK
    assert statement.paid_breakdown["total"] == str(statement_breakdown(statement=statement).total)
    assert statement.history.first().history_change_reason == "Authorised for payment"


@pytest.mark.parametrize(
    ("fields", "today"),
    [
        ({"status": StatementStatus.OPEN}, dt.date(2025, 2, 10)),
        ({"status": StatementStatus.PAYABLE, "output_fee": False}, dt.date(2025, 2, 10)),
        ({"status": StatementStatus.PAYABLE}, dt.date(2025, 1, 31)),  # cut-off not yet passed
    ],
)
def test_only_payable_output_statements_past_their_cut_off_can_be_authorised(fields, today):
    contract = _contract(LeadProviderFactory.create(), CohortFactory.create(start_year=2024))
    statement = _statement(contract, **JANUARY_CUT_OFF, **fields)
    moment = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)

    with clock.acting_at(moment), pytest.raises(ValidationError):
        statement_authorise_payment(statement=statement)
    statement.refresh_from_db()
    assert statement.status != StatementStatus.PAID


def test_calendar_generation_is_idempotent_and_needs_a_contract():
    provider, cohort = LeadProviderFactory.create(), CohortFactory.create(start_year=2025)
    with pytest.raises(ValidationError):
        statement_calendar_generate(lead_provider=provider, cohort=cohort)
    ContractFactory.create(lead_provider=provider, cohort=cohort, ittecf=True)

    assert statement_calendar_generate(lead_provider=provider, cohort=cohort) == len(statement_calendar(2025))
    assert statement_calendar_generate(lead_provider=provider, cohort=cohort) == 0
    assert Statement.objects.filter(lead_provider=provider, output_fee=True).count() == sum(
        slot.output_fee for slot in statement_calendar(2025)
    )
