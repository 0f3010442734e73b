"""The participants whose transfers a provider is told of: exactly those the pairing tells it of."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from ecf.choices import InductionStatus
from ecf.models import TrainingPeriod
from ecf.selectors.participants import is_provider_period
from ecf.selectors.transfers import participant_transfer_list, participant_transfers
from ecf.transfers import TransferType, pair_transfers
from tests.ecf.factories import LeadProviderFactory, ParticipantFactory, SchoolFactory
from tests.ecf.participant_builders import ect, mentor, period

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    return LeadProviderFactory.create()


@pytest.fixture
def other():
    return LeadProviderFactory.create()


def listed(lead_provider):
    return list(participant_transfer_list(lead_provider=lead_provider))


def test_my_leaver_without_a_joining_school(me, other):
    record = ect()
    period(record, me, end=dt.date(2025, 1, 31), leaving=True)

    assert listed(me) == [record.participant]
    assert listed(other) == []


def test_a_move_between_providers_is_told_to_both(me, other):
    record = ect()
    period(record, other, end=dt.date(2025, 1, 31), leaving=True)
    period(record, me, start=dt.date(2025, 2, 1), school_transfer=True)

    assert listed(me) == listed(other) == [record.participant]
    assert listed(LeadProviderFactory.create()) == []


def test_no_leaving_period_no_transfer(me):
    record = ect()
    period(record, me, end=dt.date(2025, 1, 31))  # ended, but not reported as leaving
    period(record, me, start=dt.date(2025, 2, 1), school_transfer=True)

    assert listed(me) == []


def test_a_challenged_partnership_hides_my_side(me, other):
    record = ect()
    period(record, me, end=dt.date(2025, 1, 31), leaving=True, challenged=True)

    assert listed(me) == []

    period(record, other, start=dt.date(2025, 2, 1), school_transfer=True)
    assert listed(me) == []
    assert listed(other) == [record.participant]


def test_a_joining_period_taken_by_an_earlier_candidate_is_not_mine(me, other):
    record = ect()
    school = SchoolFactory.create()
    period(record, other, end=dt.date(2025, 1, 31), leaving=True)
    period(record, other, school=school, start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28), school_transfer=True)
    period(record, me, school=school, start=dt.date(2025, 3, 1), school_transfer=True)

    assert listed(me) == []


def test_decided_by_running_the_pairing(me, other):
    """My joining candidate is not the first candidate of any leaving period, yet the pairing takes it:
    the first leaving period takes the first candidate, the second takes mine."""
    record = ect()
    period(record, other, start=dt.date(2024, 9, 1), end=dt.date(2024, 10, 31), leaving=True)
    period(record, other, start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 30), leaving=True)  # not a transfer
    period(record, other, start=dt.date(2024, 12, 1), end=dt.date(2024, 12, 31), school_transfer=True)
    period(record, me, start=dt.date(2025, 1, 1), school_transfer=True)

    assert listed(me) == [record.participant]
    (transfer,) = participant_transfers(listed(me)[0], lead_provider=me, today=dt.date(2025, 3, 1))
    assert transfer.transfer_type == TransferType.NEW_PROVIDER


def test_transfers_of_every_training_record(me):
    person = ParticipantFactory.create()
    as_ect, as_mentor = ect(person), mentor(person)
    period(as_ect, me, end=dt.date(2025, 1, 31), leaving=True)
    period(as_mentor, me, end=dt.date(2025, 1, 31), leaving=True)
    period(as_mentor, me, start=dt.date(2025, 2, 1), school_transfer=True)

    (participant,) = listed(me)
    transfers = participant_transfers(participant, lead_provider=me, today=dt.date(2025, 3, 1))

    assert [(t.leaving.training_record, t.transfer_type) for t in transfers] == [
        (as_ect, TransferType.UNKNOWN),
        (as_mentor, TransferType.NEW_SCHOOL),
    ]


@pytest.mark.parametrize("seed", range(6))
def test_the_list_is_exactly_who_the_pairing_tells(seed, me, other):
    """Random histories, some of them odd: the database's selection equals the pairing run in Python."""
    rng = random.Random(seed)
    providers = [me, other, None]
    schools = SchoolFactory.create_batch(3)
    for _ in range(20):
        record = ect()
        start = dt.date(2024, 9, 1)
        created = timezone.now()
        for _ in range(rng.randint(1, 6)):
            is_leaving = rng.random() < 0.5
            length = rng.randint(0, 40)
            made = period(
                record,
                rng.choice(providers),
                school=rng.choice(schools),
                start=start,
                end=start + dt.timedelta(days=length),
                leaving=is_leaving,
                induction_status=InductionStatus.LEAVING if is_leaving else InductionStatus.ACTIVE,
                school_transfer=rng.random() < 0.6,
                challenged=rng.random() < 0.15,
            )
            # Periods that start on the same day are ordered by creation time, then id.
            created -= dt.timedelta(seconds=rng.randint(0, 1))
            TrainingPeriod.objects.filter(pk=made.pk).update(created_at=created)
            start += dt.timedelta(days=rng.choice([0, length + 1]))

    for provider in (me, other):

        def is_callers(period, provider=provider):
            return is_provider_period(period, lead_provider=provider)

        expected = set()
        for record_id in TrainingPeriod.objects.values_list("training_record", flat=True).distinct():
            periods = list(TrainingPeriod.objects.filter(training_record=record_id).select_related("partnership"))
            if pair_transfers(periods, is_callers=is_callers, today=timezone.localdate()):
                expected.add(periods[0].training_record.participant_id)

        assert {p.pk for p in participant_transfer_list(lead_provider=provider)} == expected
