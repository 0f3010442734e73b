"""The payment maths, checked against the worked examples of the finance rules (§3.11) and the
banding edge cases (§3.4). Pure: no database."""

from decimal import Decimal

import pytest

from finance.calculators import (
    BandTerms,
    DeclarationCounts,
    allocate_bands,
    banded_breakdown,
    mentor_output_fee,
    money,
    monthly_service_fee,
    output_proportion,
    with_vat,
)

D = Decimal
STANDARD_BANDS = [
    BandTerms("A", None, 2000, D("995")),
    BandTerms("B", 2001, 4000, D("979")),
    BandTerms("C", 4001, 6000, D("966")),
]
TINY_BANDS = [
    BandTerms("A", None, 2, D("400")),
    BandTerms("B", 3, 4, D("300")),
    BandTerms("C", 5, 6, D("200")),
    BandTerms("D", 7, 8, D("100")),
]
SET_UP_FEE = D("149651")


@pytest.mark.parametrize(
    ("declaration_type", "proportion"),
    [
        ("started", "0.20"),
        ("completed", "0.20"),
        ("retained-1", "0.15"),
        ("retained-4", "0.15"),
        ("extended-3", "0.15"),
    ],
)
def test_output_proportions(declaration_type, proportion):
    assert output_proportion(declaration_type) == D(proportion)


@pytest.mark.parametrize(
    ("band", "declaration_type", "fee"),
    [(0, "started", "119.40"), (1, "started", "117.48"), (2, "started", "115.92"), (0, "retained-1", "89.55")],
)
def test_output_fee_per_declaration(band, declaration_type, fee):
    assert STANDARD_BANDS[band].output_fee(declaration_type) == D(fee)


def test_service_fee_of_the_worked_example():
    fee = monthly_service_fee(STANDARD_BANDS, recruitment_target=6000, set_up_fee=SET_UP_FEE, fixed_fee=None)

    assert fee == D(2202349) / 29
    assert money(fee) == D("75943.07")


def test_a_fixed_monthly_service_fee_wins():
    assert monthly_service_fee(STANDARD_BANDS, recruitment_target=6000, set_up_fee=SET_UP_FEE, fixed_fee=D("0")) == 0


@pytest.mark.parametrize(
    ("previous_billable", "previous_refundable", "billable", "refundable", "additions", "subtractions"),
    [
        # The worked example's statement 2 starts: A full and 100 in B before; 2,000 more; 10 clawed back.
        (2100, 0, 2000, 10, {"A": 0, "B": 1900, "C": 100}, {"A": 0, "B": 0, "C": 10}),
        # Nothing before: fill from A.
        (0, 0, 2100, 0, {"A": 2000, "B": 100, "C": 0}, {"A": 0, "B": 0, "C": 0}),
        # Beyond the last band nothing more is paid.
        (5990, 0, 20, 0, {"A": 0, "B": 0, "C": 10}, {"A": 0, "B": 0, "C": 0}),
        # Clawbacks beyond this statement's additions come off earlier fills, highest band first.
        (2100, 0, 5, 20, {"A": 0, "B": 5, "C": 0}, {"A": 0, "B": 20, "C": 0}),
    ],
)
def test_allocation(previous_billable, previous_refundable, billable, refundable, additions, subtractions):
    allocation = allocate_bands(
        STANDARD_BANDS,
        previous_billable=previous_billable,
        previous_refundable=previous_refundable,
        billable=billable,
        refundable=refundable,
    )

    assert allocation.additions == additions
    assert allocation.subtractions == subtractions


def test_d13_earlier_clawbacks_free_room_after_capping():
    """Capacity 4 * 2, ten earlier starts and two earlier clawbacks: the new start is paid in band D."""
    allocation = allocate_bands(TINY_BANDS, previous_billable=10, previous_refundable=2, billable=1, refundable=0)

    assert allocation.additions == {"A": 0, "B": 0, "C": 0, "D": 1}


def test_worked_example_statement_1():
    service_fee = monthly_service_fee(STANDARD_BANDS, recruitment_target=6000, set_up_fee=SET_UP_FEE, fixed_fee=None)
    breakdown = banded_breakdown(
        STANDARD_BANDS,
        {"started": DeclarationCounts(billable=2100)},
        service_fee=service_fee,
        uplift_amount=D("100"),
        uplift_additions=300,
    )

    assert breakdown.output_fee == D("250548.00")
    assert breakdown.uplift_fee == D("30000")
    assert money(with_vat(breakdown.total_ex_vat, vat_rate=D("0.2"), vat_registered=True)) == D("427789.28")


def test_worked_example_statement_2():
    service_fee = monthly_service_fee(STANDARD_BANDS, recruitment_target=6000, set_up_fee=SET_UP_FEE, fixed_fee=None)
    breakdown = banded_breakdown(
        STANDARD_BANDS,
        {
            "started": DeclarationCounts(previous_billable=2100, billable=2000, refundable=10),
            "retained-1": DeclarationCounts(billable=1900),
        },
        service_fee=service_fee,
        uplift_amount=D("100"),
        uplift_subtractions=2,
        adjustments=[D("500")],
    )

    assert breakdown.output_fee == D("234804") + D("170145")
    assert breakdown.clawbacks == D("1159.20") + D("200")
    assert money(with_vat(breakdown.total_ex_vat, vat_rate=D("0.2"), vat_registered=True)) == D("576039.44")


@pytest.mark.parametrize(("uplift_amount", "total"), [(D("100"), D("-5981.75")), (None, D("-6101.75"))])
def test_tiny_bands_give_a_negative_service_fee(uplift_amount, total):
    service_fee = monthly_service_fee(TINY_BANDS, recruitment_target=6000, set_up_fee=SET_UP_FEE, fixed_fee=None)
    breakdown = banded_breakdown(
        TINY_BANDS,
        {"started": DeclarationCounts(billable=1)},
        service_fee=service_fee,
        uplift_amount=uplift_amount,
        uplift_additions=1,
    )

    assert money(service_fee) == D("-5132.79")
    assert money(with_vat(breakdown.total_ex_vat, vat_rate=D("0.2"), vat_registered=True)) == total


def test_2025_statement_with_ects_and_flat_rate_mentors():
    ect_bands = [BandTerms("A", None, 2000, D("1000")), BandTerms("B", 2001, 4000, D("900"))]
    ects = banded_breakdown(
        ect_bands,
        {"started": DeclarationCounts(billable=150)},
        service_fee=monthly_service_fee(ect_bands, recruitment_target=4000, set_up_fee=D(0), fixed_fee=D("20000")),
        uplift_amount=None,
    )
    mentors = mentor_output_fee(
        {"started": DeclarationCounts(billable=80, refundable=1), "completed": DeclarationCounts(billable=10)},
        fee_per_participant=D("1000"),
    )

    assert ects.total_ex_vat == D("38000")
    assert mentors == D("44500")
    total = with_vat(ects.total_ex_vat, vat_rate=D("0.2"), vat_registered=True) + with_vat(
        mentors, vat_rate=D("0.2"), vat_registered=True
    )
    assert money(total) == D("99000.00")


def test_no_vat_for_a_provider_not_registered():
    assert with_vat(D("100"), vat_rate=D("0.2"), vat_registered=False) == D("100")


@pytest.mark.parametrize(("amount", "shown"), [("0.005", "0.01"), ("-0.005", "-0.01"), ("2.344999", "2.34")])
def test_money_rounds_half_up(amount, shown):
    assert money(D(amount)) == D(shown)
