"""The `finance` models: factories, every database constraint, and model properties."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from finance.choices import BandName, ContractType, StatementStatus
from finance.models import Band, Contract
from tests.ecf.factories import CohortFactory, LeadProviderFactory
from tests.finance.factories import AdjustmentFactory, BandFactory, ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory_class", "kwargs"),
    [
        pytest.param(ContractFactory, {}, id="contract"),
        pytest.param(ContractFactory, {"ittecf": True, "cohort__start_year": 2025}, id="contract-ittecf"),
        pytest.param(BandFactory, {}, id="band"),
        pytest.param(StatementFactory, {}, id="statement"),
        pytest.param(StatementFactory, {"payable": True}, id="statement-payable"),
        pytest.param(StatementFactory, {"paid": True}, id="statement-paid"),
        pytest.param(AdjustmentFactory, {}, id="adjustment"),
    ],
)
def test_factory_saves_a_valid_row(factory_class: Any, kwargs: dict[str, Any]) -> None:
    obj = factory_class(**kwargs)

    obj.refresh_from_db()
    obj.full_clean()
    assert str(obj)


def test_statement_factory_uses_a_contract_of_its_provider_and_cohort() -> None:
    lead_provider = LeadProviderFactory.create()
    cohort = CohortFactory.create(start_year=2025)

    statements = StatementFactory.create_batch(13, lead_provider=lead_provider, cohort=cohort)

    assert {(s.contract.lead_provider, s.contract.cohort) for s in statements} == {(lead_provider, cohort)}
    assert len({s.contract for s in statements}) == 1
    assert len({(s.year, s.month) for s in statements}) == 13


# Contracts ------------------------------------------------------------------------------------------


def test_contract_version_is_unique_per_provider_and_cohort(assert_violates: Any) -> None:
    contract = ContractFactory.create()

    with assert_violates("contract_version_unique"):
        ContractFactory.build(
            lead_provider=contract.lead_provider, cohort=contract.cohort, version=contract.version
        ).save()
    ContractFactory.create(lead_provider=contract.lead_provider, cohort=contract.cohort, version="0.0.2")
    ContractFactory.create(lead_provider=contract.lead_provider, cohort=CohortFactory.create(start_year=2025))
    assert Contract.objects.filter(lead_provider=contract.lead_provider).count() == 3


@pytest.mark.parametrize("vat_rate", ["-0.0001", "1.0001", "2"])
def test_contract_vat_rate_is_a_fraction(assert_violates: Any, vat_rate: str) -> None:
    with assert_violates("contract_vat_rate_fraction"):
        ContractFactory.create(vat_rate=Decimal(vat_rate))


@pytest.mark.parametrize("vat_rate", ["0", "0.2", "1"])
def test_contract_vat_rate_bounds_are_inclusive(vat_rate: str) -> None:
    ContractFactory.create(vat_rate=Decimal(vat_rate)).full_clean()


@pytest.mark.parametrize(
    ("contract_type", "mentor_payment_per_participant"),
    [(ContractType.ECF, Decimal("1000.00")), (ContractType.ITTECF_ECTP, None)],
)
def test_contract_mentor_flat_rate_iff_ittecf(
    assert_violates: Any, contract_type: ContractType, mentor_payment_per_participant: Decimal | None
) -> None:
    with assert_violates("contract_mentor_flat_rate_iff_ittecf"):
        ContractFactory.create(
            contract_type=contract_type, mentor_payment_per_participant=mentor_payment_per_participant
        )


# Bands ----------------------------------------------------------------------------------------------


def test_band_name_is_unique_per_contract(assert_violates: Any) -> None:
    band = BandFactory.create(name=BandName.A)

    with assert_violates("band_name_unique_per_contract"):
        BandFactory.create(contract=band.contract, name=BandName.A)
    BandFactory.create(contract=band.contract, name=BandName.B, min=2001, max=4000)
    BandFactory.create(name=BandName.A)  # another contract's band A
    assert band.contract.bands.count() == 2


def test_band_min_is_not_above_max(assert_violates: Any) -> None:
    with assert_violates("band_min_not_above_max"):
        BandFactory.create(min=11, max=10)
    BandFactory.create(min=10, max=10)
    BandFactory.create(min=None, max=10)


@pytest.mark.parametrize(("output", "service"), [(60, 50), (50, 40), (0, 0), (101, 0), (100, 1)])
def test_band_percentages_sum_to_100(assert_violates: Any, output: int, service: int) -> None:
    with assert_violates("band_percentages_sum_to_100"):
        BandFactory.create(output_payment_percentage=output, service_fee_percentage=service)


@pytest.mark.parametrize(("output", "service"), [(60, 40), (100, 0), (0, 100)])
def test_band_percentages_summing_to_100_are_accepted(output: int, service: int) -> None:
    BandFactory.create(output_payment_percentage=output, service_fee_percentage=service).full_clean()


def test_band_price_is_not_negative(assert_violates: Any) -> None:
    with assert_violates("band_price_not_negative"):
        BandFactory.create(per_participant=Decimal("-0.01"))
    BandFactory.create(per_participant=Decimal("0"))


# Statements -----------------------------------------------------------------------------------------


def test_statement_one_per_provider_cohort_and_month(assert_violates: Any) -> None:
    statement = StatementFactory.create(year=2025, month=3)

    with assert_violates("statement_one_per_provider_cohort_month"):
        StatementFactory.create(lead_provider=statement.lead_provider, cohort=statement.cohort, year=2025, month=3)
    StatementFactory.create(lead_provider=statement.lead_provider, cohort=statement.cohort, year=2025, month=4)
    StatementFactory.create(lead_provider=statement.lead_provider, cohort=statement.cohort, year=2026, month=3)
    StatementFactory.create(
        lead_provider=statement.lead_provider,
        cohort=CohortFactory.create(start_year=2025),
        year=2025,
        month=3,
    )
    StatementFactory.create(cohort=statement.cohort, year=2025, month=3)


@pytest.mark.parametrize("month", [0, 13])
def test_statement_month_is_valid(assert_violates: Any, month: int) -> None:
    with assert_violates("statement_month_valid"):
        StatementFactory.create(
            year=2025, month=month, deadline_date=dt.date(2025, 1, 31), payment_date=dt.date(2025, 2, 25)
        )


def test_statement_is_paid_on_or_after_its_deadline(assert_violates: Any) -> None:
    deadline = dt.date(2025, 2, 28)

    with assert_violates("statement_paid_on_or_after_deadline"):
        StatementFactory.create(deadline_date=deadline, payment_date=deadline - dt.timedelta(days=1))
    StatementFactory.create(deadline_date=deadline, payment_date=deadline).full_clean()


@pytest.mark.parametrize(
    ("status", "marked_as_paid"),
    [(StatementStatus.PAID, False), (StatementStatus.OPEN, True), (StatementStatus.PAYABLE, True)],
)
def test_statement_marked_as_paid_iff_paid(assert_violates: Any, status: StatementStatus, marked_as_paid: bool) -> None:
    with assert_violates("statement_marked_paid_iff_paid"):
        StatementFactory.create(status=status, marked_as_paid_at=timezone.now() if marked_as_paid else None)


def test_marking_a_statement_as_paid() -> None:
    statement = StatementFactory.create(payable=True)

    statement.status = StatementStatus.PAID
    statement.marked_as_paid_at = timezone.now()
    statement.save()

    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID


@pytest.mark.parametrize(
    ("year", "month", "month_name"),
    [(2025, 1, "January"), (2025, 9, "September"), (2026, 12, "December")],
)
def test_statement_name(year: int, month: int, month_name: str) -> None:
    statement = StatementFactory.create(year=year, month=month)

    assert statement.month_name == month_name
    assert statement.name == f"{month_name} {year}"
    assert f"{month_name} {year}" in str(statement)


# Adjustments ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0", "0.00", "-0.00", "1000000.01", "-1000000.01", "9999999999.99"])
def test_adjustment_amount_is_non_zero_and_bounded(assert_violates: Any, amount: str) -> None:
    with assert_violates("adjustment_amount_nonzero_bounded"):
        AdjustmentFactory.create(amount=Decimal(amount))


@pytest.mark.parametrize("amount", ["0.01", "-0.01", "1000000", "-1000000", "-250.50"])
def test_adjustment_amounts_within_bounds_are_accepted(amount: str) -> None:
    adjustment = AdjustmentFactory.create(amount=Decimal(amount))

    adjustment.refresh_from_db()
    assert adjustment.amount == Decimal(amount)


def test_statement_clean_rejects_another_providers_contract() -> None:
    statement = StatementFactory.create()
    statement.full_clean()
    statement.contract = ContractFactory.create(cohort=statement.cohort)
    with pytest.raises(ValidationError) as excinfo:
        statement.full_clean()
    assert set(excinfo.value.message_dict) == {"contract"}


def test_a_contract_that_prices_statements_takes_no_band_changes() -> None:
    statement = StatementFactory.create()
    band = Band(contract=statement.contract, name=BandName.B, min=2001, max=4000, per_participant=Decimal("900"))

    with pytest.raises(ValidationError, match="copy it as a new version"):
        band.full_clean()


def test_statement_paid_figures_only_when_paid(assert_violates: Any) -> None:
    with assert_violates("statement_paid_figures_only_when_paid"):
        StatementFactory.create(payable=True, paid_breakdown={"total": "0"})
