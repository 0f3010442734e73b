"""The payment maths of a statement (finance rules §3), as pure functions over `Decimal`.

No ORM, no clock, no I/O: the statement service gathers the counts and contract terms, these
functions price them. Nothing is rounded here except by `money()`, for display and export (D20).

What a statement pays, before 2025 (one banded calculator over ECTs and mentors together):

    total_ex_vat = service fee + output fees + uplift fees - clawbacks - uplift clawbacks + adjustments
    total        = total_ex_vat * (1 + VAT rate)

From 2025 ECTs are banded as before (no uplifts) and mentors are paid a flat fee, half on `started` and
half on `completed`; each part carries its own VAT.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ecf.choices import DeclarationType

PENCE = Decimal("0.01")
SERVICE_FEE_MONTHS = 29
STARTED_OR_COMPLETED = Decimal("0.20")
RETAINED_OR_EXTENDED = Decimal("0.15")
MENTOR_SHARE = Decimal("0.5")
MENTOR_PAID_TYPES = (DeclarationType.STARTED, DeclarationType.COMPLETED)


def money(amount: Decimal) -> Decimal:
    """Pounds and pence, rounded half-up: for display and export only."""
    return amount.quantize(PENCE, rounding=ROUND_HALF_UP)


def output_proportion(declaration_type: str) -> Decimal:
    """The share of a participant's output pot a milestone pays: 20% started and completed, 15% others."""
    if declaration_type in (DeclarationType.STARTED, DeclarationType.COMPLETED):
        return STARTED_OR_COMPLETED
    return RETAINED_OR_EXTENDED


@dataclass(frozen=True)
class BandTerms:
    """One band of a contract: participants numbered `min`..`max` (band A starts at 1) cost
    `per_participant`, split `output_percentage` / `service_percentage`."""

    name: str
    min: int | None
    max: int
    per_participant: Decimal
    output_percentage: int = 60
    service_percentage: int = 40

    @property
    def capacity(self) -> int:
        return self.max - max(self.min or 1, 1) + 1

    def output_fee(self, declaration_type: str) -> Decimal:
        """What one declaration of `declaration_type` in this band pays."""
        return output_proportion(declaration_type) * self.per_participant * Decimal(self.output_percentage) / 100


@dataclass(frozen=True)
class BandAllocation:
    """How one declaration type's declarations on a statement fall into bands."""

    additions: dict[str, int]
    subtractions: dict[str, int]


def _fill(bands: Sequence[BandTerms], count: int, room: dict[str, int]) -> dict[str, int]:
    """Pour `count` into the bands A→D within `room`; what does not fit is not paid."""
    placed: dict[str, int] = {}
    for band in bands:
        placed[band.name] = min(count, room[band.name])
        room[band.name] -= placed[band.name]
        count -= placed[band.name]
    return placed


def _take(bands: Sequence[BandTerms], count: int, held: dict[str, int]) -> dict[str, int]:
    """Take `count` out of the bands D→A, no more than each holds."""
    taken: dict[str, int] = {band.name: 0 for band in bands}
    for band in reversed(bands):
        taken[band.name] = min(count, held[band.name])
        held[band.name] -= taken[band.name]
        count -= taken[band.name]
    return taken


def allocate_bands(
    bands: Sequence[BandTerms], *, previous_billable: int, previous_refundable: int, billable: int, refundable: int
) -> BandAllocation:
    """Bands fill cumulatively over the provider's statements for the cohort, per declaration type.

    Decision D13: earlier statements' billable declarations are poured in first (capped by capacity), then
    earlier clawbacks are taken out (freeing room), then this statement's billable declarations fill the
    free room A→D (`additions`; beyond the last band they are not paid), and this statement's clawbacks
    come off the highest bands D→A (`subtractions`, priced at those bands).
    """
    room = {band.name: band.capacity for band in bands}
    previous = _fill(bands, previous_billable, room)
    _take(bands, previous_refundable, previous)
    free = {band.name: band.capacity - previous[band.name] for band in bands}
    additions = _fill(bands, billable, free)
    net = {band.name: previous[band.name] + additions[band.name] for band in bands}
    subtractions = _take(bands, refundable, net)
    return BandAllocation(additions, subtractions)


def monthly_service_fee(
    bands: Sequence[BandTerms], *, recruitment_target: int, set_up_fee: Decimal, fixed_fee: Decimal | None
) -> Decimal:
    """The service fee paid on every statement of the contract: the contract's fixed monthly fee when it
    has one; otherwise the service share of the recruitment target's band prices over 29 months, with the
    set-up fee netted off band A (so tiny test contracts can give a negative fee)."""
    if fixed_fee is not None:
        return fixed_fee
    filled = _fill(bands, recruitment_target, {band.name: band.capacity for band in bands})
    total = Decimal(0)
    for index, band in enumerate(bands):
        set_up_share = set_up_fee / band.max if index == 0 else Decimal(0)
        service_price = band.per_participant * Decimal(band.service_percentage) / 100
        total += filled[band.name] * (service_price - set_up_share)
    return total / SERVICE_FEE_MONTHS


@dataclass(frozen=True)
class DeclarationCounts:
    """One declaration type's counts for a statement: billable and refundable declarations on this
    statement, and on the provider's earlier statements for the same cohort."""

    previous_billable: int = 0
    previous_refundable: int = 0
    billable: int = 0
    refundable: int = 0


@dataclass(frozen=True)
class BandedBreakdown:
    service_fee: Decimal
    output_fee: Decimal
    uplift_fee: Decimal
    clawbacks: Decimal
    adjustments: Decimal
    allocations: dict[str, BandAllocation] = field(default_factory=dict)

    @property
    def total_ex_vat(self) -> Decimal:
        return self.service_fee + self.output_fee + self.uplift_fee - self.clawbacks + self.adjustments


def banded_breakdown(
    bands: Sequence[BandTerms],
    counts: Mapping[str, DeclarationCounts],
    *,
    service_fee: Decimal,
    uplift_amount: Decimal | None,
    uplift_additions: int = 0,
    uplift_subtractions: int = 0,
    adjustments: Iterable[Decimal] = (),
) -> BandedBreakdown:
    """Price one statement's banded part. `clawbacks` includes uplift clawbacks (shown as one line)."""
    output_fee = clawbacks = Decimal(0)
    allocations = {}
    for declaration_type, count in counts.items():
        allocation = allocate_bands(
            bands,
            previous_billable=count.previous_billable,
            previous_refundable=count.previous_refundable,
            billable=count.billable,
            refundable=count.refundable,
        )
        allocations[declaration_type] = allocation
        for band in bands:
            fee = band.output_fee(declaration_type)
            output_fee += allocation.additions[band.name] * fee
            clawbacks += allocation.subtractions[band.name] * fee
    uplift = uplift_amount if uplift_amount is not None else Decimal(0)
    return BandedBreakdown(
        service_fee=service_fee,
        output_fee=output_fee,
        uplift_fee=uplift_additions * uplift,
        clawbacks=clawbacks + uplift_subtractions * uplift,
        adjustments=sum(adjustments, Decimal(0)),
        allocations=allocations,
    )


def mentor_output_fee(counts: Mapping[str, DeclarationCounts], *, fee_per_participant: Decimal) -> Decimal:
    """2025 onwards: half the flat mentor fee for each net `started` and `completed` on the statement."""
    net = sum(counts[t].billable - counts[t].refundable for t in MENTOR_PAID_TYPES if t in counts)
    return net * MENTOR_SHARE * fee_per_participant


def with_vat(amount: Decimal, *, vat_rate: Decimal, vat_registered: bool) -> Decimal:
    """The amount plus VAT (nothing added for a provider not registered for VAT); negatives stay negative."""
    return amount * (1 + (vat_rate if vat_registered else Decimal(0)))
