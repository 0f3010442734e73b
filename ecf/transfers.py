"""School transfers read from a training record's periods (domain rules §7): which period a participant
left a school with, which period they joined the next school with, and whether a provider is told.

A pure function over period-like values (no database), so it is tested with tables.

Pairing, per training record, with its periods in chronological order (start date, then creation,
then id: creation times alone do not follow the history of imported or seeded rows):

1. Every period the school reported as `leaving`, with an end date, in order, is a *leaving* period.
2. Its *joining* period is the first later period, not yet taken by an earlier leaving period, at a
   different school and reported as a school transfer. A joining period may itself be leaving (a
   participant who moves on again), so chains of moves pair up one by one.
3. The provider is told of a pair when either side is its own; of a leaving period without a joining
   one when the leaving side is its own. (The pairing does not depend on the provider; only the
   telling does.)
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

from django.db import models

from ecf.choices import InductionStatus


class TransferType(models.TextChoices):
    NEW_SCHOOL = "new_school", "New school"
    NEW_PROVIDER = "new_provider", "New provider"
    UNKNOWN = "unknown", "Unknown (no joining school yet)"


class TransferStatus(models.TextChoices):
    INCOMPLETE = "incomplete", "Incomplete"
    COMPLETE = "complete", "Complete"


class PeriodLike(Protocol):
    """The fields of a training period the pairing reads."""

    @property
    def id(self) -> Any: ...
    @property
    def school_id(self) -> Any: ...
    @property
    def lead_provider_id(self) -> Any: ...
    @property
    def start_date(self) -> dt.date: ...
    @property
    def end_date(self) -> dt.date | None: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def induction_status(self) -> str: ...
    @property
    def school_transfer(self) -> bool: ...


# A PeriodLike value. Not declared as the bound: mypy's Django plugin adds a model's `<fk>_id` attributes
# late, so a model does not reliably satisfy the protocol as a bound in other modules.
P = TypeVar("P")


@dataclass(frozen=True)
class Transfer(Generic[P]):
    leaving: P
    joining: P | None
    transfer_type: TransferType
    status: TransferStatus


def chronological_key(period: Any) -> tuple[dt.date, dt.datetime, Any]:
    facts = cast(PeriodLike, period)
    return (facts.start_date, facts.created_at, facts.id)


def transfer_type(leaving: PeriodLike, joining: PeriodLike | None) -> TransferType:
    """`unknown` without a joining period; `new_provider` when both sides have a lead provider and
    they differ; otherwise `new_school` (also when one side is school-led)."""
    if joining is None:
        return TransferType.UNKNOWN
    if (
        leaving.lead_provider_id is not None
        and joining.lead_provider_id is not None
        and leaving.lead_provider_id != joining.lead_provider_id
    ):
        return TransferType.NEW_PROVIDER
    return TransferType.NEW_SCHOOL


def transfer_status(leaving: PeriodLike, joining: PeriodLike | None, *, today: dt.date) -> TransferStatus:
    """`incomplete` while the leaving date or the joining date is after `today`."""
    assert leaving.end_date is not None
    last = max(leaving.end_date, joining.start_date) if joining is not None else leaving.end_date
    return TransferStatus.INCOMPLETE if last > today else TransferStatus.COMPLETE


def is_leaving(period: PeriodLike) -> bool:
    return period.induction_status == InductionStatus.LEAVING and period.end_date is not None


def pair_transfers(periods: Iterable[P], *, is_callers: Callable[[P], bool], today: dt.date) -> list[Transfer[P]]:
    """The transfers of one training record's `periods` that the calling provider is told of
    (`is_callers` says which periods are its own), in chronological order of the leaving periods (see
    the module docstring); statuses as of `today`."""
    ordered = sorted(periods, key=chronological_key)
    facts = [cast(PeriodLike, period) for period in ordered]
    taken: set[int] = set()
    transfers: list[Transfer[P]] = []
    for index, leaving in enumerate(facts):
        if not is_leaving(leaving):
            continue
        joining_index = next(
            (
                later
                for later in range(index + 1, len(facts))
                if later not in taken and facts[later].school_transfer and facts[later].school_id != leaving.school_id
            ),
            None,
        )
        joining = None
        if joining_index is not None:
            taken.add(joining_index)
            joining = facts[joining_index]
        if is_callers(ordered[index]) or (joining_index is not None and is_callers(ordered[joining_index])):
            transfers.append(
                Transfer(
                    leaving=ordered[index],
                    joining=ordered[joining_index] if joining_index is not None else None,
                    transfer_type=transfer_type(leaving, joining),
                    status=transfer_status(leaving, joining, today=today),
                )
            )
    return transfers
