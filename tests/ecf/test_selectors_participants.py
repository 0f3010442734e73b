"""Which participants a lead provider sees, and the enrolment it sees of each training record."""

import datetime as dt

import pytest
from django.utils import timezone

from ecf.choices import InductionStatus, ParticipantStatus, TrainingStatus
from ecf.models import TrainingPeriod
from ecf.selectors.participants import (
    participant_enrolments,
    participant_list,
    participant_list_filter_cohorts,
    participant_list_filter_from_participant_id,
    participant_list_filter_training_status,
)
from partnerships.choices import PartnershipStatus
from partnerships.models import Partnership
from tests.ecf.factories import (
    LeadProviderFactory,
    ParticipantFactory,
    ParticipantIdChangeFactory,
    SchoolFactory,
    TrainingStatusChangeFactory,
)
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 15)


@pytest.fixture
def me():
    return LeadProviderFactory.create()


@pytest.fixture
def other():
    return LeadProviderFactory.create()


def enrolments_of(participant, lead_provider, today=TODAY):
    fetched = participant_list(lead_provider=lead_provider, today=today).get(pk=participant.pk)
    return participant_enrolments(fetched, today=today)


# (case, how my period and the others are made, visible)
VISIBILITY = [
    ("my period in an active partnership", lambda r, me, other: period(r, me), True),
    ("my period not yet in a partnership", lambda r, me, other: period(r, me, unconfirmed=True), True),
    ("my period in a challenged partnership", lambda r, me, other: period(r, me, challenged=True), False),
    (
        "my period that ended (the participant left)",
        lambda r, me, other: period(r, me, end=dt.date(2025, 1, 1), leaving=True),
        True,
    ),
    ("another provider's period", lambda r, me, other: period(r, other), False),
    ("a school-led period", lambda r, me, other: period(r, None), False),
    ("no period", lambda r, me, other: None, False),
]


@pytest.mark.parametrize(("case", "make", "visible"), VISIBILITY, ids=[case[0] for case in VISIBILITY])
def test_visibility(case, make, visible, me, other):
    record = ect()
    make(record, me, other)

    assert list(participant_list(lead_provider=me)) == ([record.participant] if visible else [])


def test_a_participant_left_for_another_provider_stays_visible_to_both(me, other):
    record = ect()
    period(record, me, end=dt.date(2025, 1, 31), leaving=True)
    period(record, other, start=dt.date(2025, 2, 1), school_transfer=True)

    assert participant_list(lead_provider=me).get() == record.participant
    assert participant_list(lead_provider=other).get() == record.participant


def test_each_visible_training_record_is_one_enrolment(me, other):
    person = ParticipantFactory.create()
    as_ect, as_mentor, hidden = ect(person), mentor(person), mentor(ParticipantFactory.create())
    period(as_ect, me)
    period(as_mentor, me, challenged=True)
    period(hidden, other)

    assert [e.training_record for e in enrolments_of(person, me)] == [as_ect]

    Partnership.objects.update(status=PartnershipStatus.ACTIVE, challenge_reason="", challenged_at=None)
    assert [e.training_record for e in enrolments_of(person, me)] == [as_ect, as_mentor]


def test_the_enrolment_reads_the_providers_latest_period(me, other):
    record = ect()
    first = period(record, me, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31), leaving=True)
    latest = period(record, me, start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 28), leaving=True)
    period(record, other, start=dt.date(2025, 3, 1))  # open, but another provider's

    (enrolment,) = enrolments_of(record.participant, me)

    assert enrolment.period == latest != first
    assert latest.partnership is not None
    assert enrolment.participant_status == ParticipantStatus.LEFT
    assert enrolment.delivery_partner_id == latest.partnership.delivery_partner_id


def test_an_open_period_is_latest_even_if_it_started_earlier(me):
    record = ect()
    school = SchoolFactory.create()
    open_period = period(record, me, school=school, start=dt.date(2024, 9, 1))
    period(record, me, school=school, start=dt.date(2024, 10, 1), end=dt.date(2024, 11, 1))

    assert enrolments_of(record.participant, me)[0].period == open_period


def test_same_start_the_later_created_period_is_latest(me):
    record = ect()
    school = SchoolFactory.create()
    older = period(record, me, school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 11, 1))
    newer = period(record, me, school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 10, 1))
    TrainingPeriod.objects.filter(pk=older.pk).update(created_at=newer.created_at - dt.timedelta(seconds=1))

    assert enrolments_of(record.participant, me)[0].period == newer


def test_a_period_in_a_challenged_partnership_is_ignored(me):
    record = ect()
    visible = period(record, me, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31), leaving=True)
    period(record, me, start=dt.date(2025, 1, 1), challenged=True)

    assert enrolments_of(record.participant, me)[0].period == visible


def test_unconfirmed_period_has_no_delivery_partner(me):
    record = ect()
    period(record, me, unconfirmed=True)

    assert enrolments_of(record.participant, me)[0].delivery_partner_id is None


@pytest.mark.parametrize(
    ("start", "end", "induction_status", "expected"),
    [
        (dt.date(2024, 9, 1), None, InductionStatus.ACTIVE, ParticipantStatus.ACTIVE),
        (dt.date(2024, 9, 1), None, InductionStatus.COMPLETED, ParticipantStatus.ACTIVE),
        (dt.date(2025, 4, 1), None, InductionStatus.ACTIVE, ParticipantStatus.JOINING),
        (dt.date(2024, 9, 1), dt.date(2025, 3, 16), InductionStatus.LEAVING, ParticipantStatus.LEAVING),
        (dt.date(2024, 9, 1), TODAY, InductionStatus.LEAVING, ParticipantStatus.LEFT),
        (dt.date(2024, 9, 1), None, InductionStatus.WITHDRAWN, ParticipantStatus.WITHDRAWN),
    ],
)
def test_participant_status_as_of_today(me, start, end, induction_status, expected):
    record = ect()
    period(record, me, start=start, end=end, induction_status=induction_status)

    assert enrolments_of(record.participant, me)[0].participant_status == expected


def test_withdrawal_is_the_providers_latest_withdrawal(me, other):
    record = ect()
    period(record, me, training_status=TrainingStatus.WITHDRAWN)
    moment = timezone.now() - dt.timedelta(days=10)
    TrainingStatusChangeFactory.create(training_record=record, lead_provider=me, withdrawn=True, changed_at=moment)
    latest = TrainingStatusChangeFactory.create(
        training_record=record,
        lead_provider=me,
        withdrawn=True,
        reason="moved-school",
        changed_at=moment + dt.timedelta(days=2),
    )
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=me, changed_at=moment + dt.timedelta(days=1)
    )  # a resume in between
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=other, withdrawn=True, changed_at=moment + dt.timedelta(days=3)
    )

    (enrolment,) = enrolments_of(record.participant, me)

    assert enrolment.withdrawal == latest
    assert enrolment.deferral is None


def test_deferral_only_while_deferred(me):
    record = ect()
    deferred = period(record, me, training_status=TrainingStatus.DEFERRED)
    change = TrainingStatusChangeFactory.create(training_record=record, lead_provider=me, deferred=True)

    assert enrolments_of(record.participant, me)[0].deferral == change
    assert enrolments_of(record.participant, me)[0].withdrawal is None

    TrainingPeriod.objects.filter(pk=deferred.pk).update(training_status=TrainingStatus.ACTIVE)
    assert enrolments_of(record.participant, me)[0].deferral is None


@pytest.mark.parametrize(
    ("assignments", "expected"),
    [
        ([], None),
        ([("m1", dt.date(2024, 9, 1), None)], "m1"),
        ([("m1", dt.date(2024, 9, 1), dt.date(2025, 3, 16))], "m1"),  # ends tomorrow: still in force
        ([("m1", dt.date(2024, 9, 1), TODAY)], None),  # ended today
        ([("m1", dt.date(2024, 9, 1), dt.date(2025, 3, 31)), ("m2", dt.date(2025, 1, 1), None)], "m2"),
        ([("m1", dt.date(2024, 9, 1), dt.date(2025, 3, 31)), ("m2", dt.date(2025, 4, 1), None)], "m1"),
        ([("m1", dt.date(2025, 4, 1), None)], "m1"),  # only an upcoming one
    ],
)
def test_mentor_id_is_the_current_mentor(me, assignments, expected):
    record = ect()
    period(record, me)
    mentors = {}
    for name, start, end in assignments:
        mentors[name] = mentor()
        assign_mentor(record, mentors[name], start=start, end=end)

    mentor_id = enrolments_of(record.participant, me)[0].mentor_id

    assert mentor_id == (mentors[expected].participant_id if expected else None)


def test_mentors_have_no_mentor_id(me):
    mentor_record = mentor()
    period(mentor_record, me)

    assert enrolments_of(mentor_record.participant, me)[0].mentor_id is None


@pytest.mark.parametrize(
    ("trn", "validated", "expected"), [("1234567", True, True), ("1234567", False, False), ("", False, None)]
)
def test_teacher_reference_number_validated(me, trn, validated, expected):
    record = ect(ParticipantFactory.create(trn=trn, trn_validated=validated))
    period(record, me)

    assert enrolments_of(record.participant, me)[0].teacher_reference_number_validated is expected


def test_filter_cohorts_reads_visible_records_only(me, other):
    person = ParticipantFactory.create()
    period(ect(person, year=2024), me)
    period(mentor(person, year=2025), other)
    queryset = participant_list(lead_provider=me)

    assert list(participant_list_filter_cohorts(queryset, lead_provider=me, years=[2024])) == [person]
    assert list(participant_list_filter_cohorts(queryset, lead_provider=me, years=[2025])) == []
    assert list(participant_list_filter_cohorts(queryset, lead_provider=me, years=[2023, 2024])) == [person]


def test_filter_training_status_reads_the_providers_latest_period(me, other):
    person = ParticipantFactory.create()
    record = ect(person)
    school = SchoolFactory.create()
    period(record, me, school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31), training_status="withdrawn")
    period(record, me, school=school, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31), training_status="deferred")
    period(record, other, start=dt.date(2025, 2, 1))  # active, another provider's
    queryset = participant_list(lead_provider=me)

    def matching(status):
        return list(participant_list_filter_training_status(queryset, lead_provider=me, training_status=status))

    assert matching(TrainingStatus.DEFERRED) == [person]
    assert matching(TrainingStatus.WITHDRAWN) == []
    assert matching(TrainingStatus.ACTIVE) == []


def test_filter_training_status_matches_any_enrolment(me):
    person = ParticipantFactory.create()
    period(ect(person), me, training_status=TrainingStatus.WITHDRAWN)
    period(mentor(person), me)
    queryset = participant_list(lead_provider=me)

    for status in (TrainingStatus.WITHDRAWN, TrainingStatus.ACTIVE):
        assert list(participant_list_filter_training_status(queryset, lead_provider=me, training_status=status)) == [
            person
        ]


def test_filter_from_participant_id(me):
    change = ParticipantIdChangeFactory.create()
    period(ect(change.participant), me)
    period(ect(), me)
    queryset = participant_list(lead_provider=me)

    assert list(
        participant_list_filter_from_participant_id(queryset, from_participant_id=change.from_participant_id)
    ) == [change.participant]
    assert (
        list(participant_list_filter_from_participant_id(queryset, from_participant_id=change.to_participant_id)) == []
    )
