"""Invariants of banding and pricing that must hold for any counts (property tests)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from finance.calculators import BandTerms, DeclarationCounts, allocate_bands, banded_breakdown

BANDS = [
    BandTerms("A", None, 20, Decimal("995")),
    BandTerms("B", 21, 35, Decimal("979")),
    BandTerms("C", 36, 40, Decimal("966")),
    BandTerms("D", 41, 45, Decimal("950"), 100, 0),
]
TOTAL_CAPACITY = sum(band.capacity for band in BANDS)
counts = st.integers(min_value=0, max_value=80)


@settings(max_examples=300, deadline=None)
@given(previous_billable=counts, previous_refundable=counts, billable=counts, refundable=counts)
def test_banding_invariants(previous_billable, previous_refundable, billable, refundable):
    allocation = allocate_bands(
        BANDS,
        previous_billable=previous_billable,
        previous_refundable=min(previous_refundable, previous_billable),
        billable=billable,
        refundable=refundable,
    )

    for band in BANDS:
        assert 0 <= allocation.additions[band.name] <= band.capacity
        assert 0 <= allocation.subtractions[band.name] <= band.capacity
    added = sum(allocation.additions.values())
    assert added <= billable
    # Additions are short of the billable count only when every band is full.
    previous_net = min(previous_billable, TOTAL_CAPACITY) - min(previous_refundable, previous_billable)
    assert added == min(billable, TOTAL_CAPACITY - max(previous_net, 0))
    # Clawbacks never take more than was ever paid into the bands.
    assert sum(allocation.subtractions.values()) <= min(refundable, max(previous_net, 0) + added)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["started", "retained-1", "retained-2", "completed"]), max_size=60), st.randoms())
def test_totals_do_not_depend_on_the_order_declarations_arrived_in(declaration_types, shuffler):
    def priced(types: list[str]) -> Decimal:
        per_type: dict[str, DeclarationCounts] = {}
        for declaration_type in types:
            seen = per_type.get(declaration_type, DeclarationCounts())
            per_type[declaration_type] = DeclarationCounts(billable=seen.billable + 1)
        return banded_breakdown(BANDS, per_type, service_fee=Decimal(0), uplift_amount=None).total_ex_vat

    shuffled = list(declaration_types)
    shuffler.shuffle(shuffled)
    assert priced(declaration_types) == priced(shuffled)


def test_a_full_set_fills_every_band_in_order():
    assert allocate_bands(BANDS, previous_billable=0, previous_refundable=0, billable=45, refundable=0).additions == {
        "A": 20,
        "B": 15,
        "C": 5,
        "D": 5,
    }
