"""Which participants' school transfers a lead provider is told of (contract §2.2, domain rules §7).

The pairing of leaving and joining periods is `ecf.transfers.pair_transfers`; this module finds, in the
database, exactly the participants for whom it tells the provider of at least one transfer, so that
lists page correctly and a participant without transfers is not found.

A provider's own periods are those `provider_period_list` gives (not in a partnership the school
challenged, D8). A participant has a transfer for the provider when one of its training records has:

- a leaving period of the provider's own (it is told of it, with or without a joining period); or
- a period of the provider's own, reported as a school transfer, that the pairing takes as a joining
  period. Taken for certain when some earlier leaving period at another school has it as its first
  candidate (no other candidate in between): that leaving period, or an earlier one, takes it.
  The rare remaining histories (the candidates in between were taken by others) are settled by running
  the pairing itself on them, in one query.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from ecf import clock
from ecf.choices import InductionStatus
from ecf.models import LeadProvider, Participant, TrainingPeriod, TrainingRecord
from ecf.selectors.participants import is_provider_period, provider_period_list
from ecf.transfers import Transfer, pair_transfers

LEAVING = Q(induction_status=InductionStatus.LEAVING, end_date__isnull=False)


def _before(ref: Callable[[str], Any]) -> Q:
    """Periods before the one whose fields `ref` refers to, in the pairing's chronological order."""
    return (
        Q(start_date__lt=ref("start_date"))
        | Q(start_date=ref("start_date"), created_at__lt=ref("created_at"))
        | Q(start_date=ref("start_date"), created_at=ref("created_at"), id__lt=ref("id"))
    )


def _after(ref: Callable[[str], Any]) -> Q:
    """Periods after the one whose fields `ref` refers to, in the pairing's chronological order."""
    return (
        Q(start_date__gt=ref("start_date"))
        | Q(start_date=ref("start_date"), created_at__gt=ref("created_at"))
        | Q(start_date=ref("start_date"), created_at=ref("created_at"), id__gt=ref("id"))
    )


def _outer(name: str) -> OuterRef:
    return OuterRef(name)


def _outer_outer(name: str) -> OuterRef:
    return OuterRef(OuterRef(name))


def participant_transfer_list(*, lead_provider: LeadProvider) -> QuerySet[Participant]:
    """The participants with at least one school transfer `lead_provider` is told of, with every
    training record and period prefetched (school, lead provider, partnership) for
    `participant_transfers`."""
    mine = provider_period_list(lead_provider=lead_provider)
    leaving_mine = Exists(mine.filter(LEAVING, training_record__participant=OuterRef("pk")))

    # Seen from a joining candidate J of the provider's: leaving periods L of the same record before J,
    # at another school; and, seen from such an L, the candidates K strictly between L and J.
    leavings_before = TrainingPeriod.objects.filter(
        LEAVING, _before(_outer), training_record=OuterRef("training_record")
    ).exclude(school=OuterRef("school"))
    candidates_between = TrainingPeriod.objects.filter(
        _after(_outer), _before(_outer_outer), training_record=OuterRef("training_record"), school_transfer=True
    ).exclude(school=OuterRef("school"))
    my_joining_candidates = mine.filter(school_transfer=True, training_record__participant=OuterRef("pk"))
    joining_mine_for_certain = Exists(
        my_joining_candidates.filter(Exists(leavings_before.filter(~Exists(candidates_between))))
    )
    joining_mine_perhaps = Exists(my_joining_candidates.filter(Exists(leavings_before)))

    undecided = Participant.objects.filter(joining_mine_perhaps, ~leaving_mine, ~joining_mine_for_certain)
    decided_by_pairing = _participants_told_of_a_transfer(
        TrainingPeriod.objects.filter(training_record__participant__in=undecided.values("pk")).select_related(
            "training_record", "partnership"
        ),
        lead_provider=lead_provider,
    )

    records = TrainingRecord.objects.order_by("created_at", "id").prefetch_related(
        Prefetch(
            "training_periods",
            queryset=TrainingPeriod.objects.select_related("school", "lead_provider", "partnership"),
            to_attr="transfer_periods",
        )
    )
    return Participant.objects.filter(
        Q(leaving_mine) | Q(joining_mine_for_certain) | Q(pk__in=decided_by_pairing)
    ).prefetch_related(Prefetch("training_records", queryset=records, to_attr="transfer_records"))


def _participants_told_of_a_transfer(periods: QuerySet[TrainingPeriod], *, lead_provider: LeadProvider) -> set[Any]:
    by_record: dict[Any, list[TrainingPeriod]] = defaultdict(list)
    for period in periods:
        by_record[period.training_record_id].append(period)
    today = clock.today()
    return {
        record_periods[0].training_record.participant_id
        for record_periods in by_record.values()
        if pair_transfers(
            record_periods, is_callers=lambda p: is_provider_period(p, lead_provider=lead_provider), today=today
        )
    }


def participant_transfers(
    participant: Participant, *, lead_provider: LeadProvider, today: date
) -> list[Transfer[TrainingPeriod]]:
    """The transfers `lead_provider` is told of, for a participant fetched by
    `participant_transfer_list` (reads only its prefetched rows): oldest training record first, each
    record's in chronological order; statuses as of `today`."""
    transfers: list[Transfer[TrainingPeriod]] = []
    for record in participant.transfer_records:  # type: ignore[attr-defined]
        transfers.extend(
            pair_transfers(
                record.transfer_periods,
                is_callers=lambda p: is_provider_period(p, lead_provider=lead_provider),
                today=today,
            )
        )
    return transfers
