"""Lead providers' actions on a participant: withdraw, defer, resume (domain rules §2.1, D12, D15) and
change schedule (§5.5, §11.3, D15)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ecf import clock
from ecf.choices import DeclarationState, DeclarationType, TrainingStatus, WithdrawReason
from ecf.models import Cohort, Participant, TrainingPeriod, TrainingRecord, TrainingStatusChange
from ecf.services import participants as services
from ecf.services.participants import (
    ALREADY_ACTIVE,
    ALREADY_DEFERRED,
    ALREADY_WITHDRAWN,
    BEFORE_PREVIOUS_ACTION,
    CHANGE_SCHEDULE_WITHDRAWN,
    COHORT_FROZEN_COMPLETED,
    COHORT_FROZEN_DESTINATION,
    COHORT_FROZEN_TARGET,
    COHORT_HAS_DECLARATIONS,
    COHORT_NO_PARTNERSHIP,
    COHORT_UNKNOWN,
    COURSE_NOT_RECOGNISED,
    DEFER_REASON_INVALID,
    DEFER_WITHDRAWN,
    SCHEDULE_INVALIDATES_DECLARATIONS,
    SCHEDULE_MENTORS_ONLY,
    SCHEDULE_NOT_FOR_MENTORS,
    SCHEDULE_UNCHANGED,
    SCHEDULE_UNKNOWN,
    WITHDRAW_REASON_INVALID,
    WITHDRAW_REASON_MENTORS_ONLY,
)
from tests.ecf.factories import (
    CohortFactory,
    DeclarationFactory,
    LeadProviderFactory,
    MilestoneFactory,
    ScheduleFactory,
    SchoolFactory,
    TrainingStatusChangeFactory,
)
from tests.ecf.participant_builders import ect, enrolled, mentor, partnership, period
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

ECT = "ecf-induction"
MENTOR = "ecf-mentor"
ACTIVE, DEFERRED, WITHDRAWN = TrainingStatus.ACTIVE, TrainingStatus.DEFERRED, TrainingStatus.WITHDRAWN
MOMENT = dt.datetime(2025, 1, 10, 10, 20, 30, tzinfo=dt.UTC)
FROZEN_AT = dt.datetime(2024, 6, 18, tzinfo=dt.UTC)


@pytest.fixture
def me():
    return LeadProviderFactory.create(name="Ambition")


@pytest.fixture
def other():
    return LeadProviderFactory.create()


def course_of(record):
    return ECT if record.is_ect else MENTOR


def withdraw(record, lead_provider, reason=WithdrawReason.OTHER, **kwargs):
    return services.participant_withdraw(
        lead_provider=lead_provider,
        participant_id=record.participant_id,
        course_identifier=kwargs.pop("course", course_of(record)),
        reason=reason,
    )


def defer(record, lead_provider, reason="parental-leave", **kwargs):
    return services.participant_defer(
        lead_provider=lead_provider,
        participant_id=record.participant_id,
        course_identifier=kwargs.pop("course", course_of(record)),
        reason=reason,
    )


def resume(record, lead_provider, reason=None, **kwargs):
    return services.participant_resume(
        lead_provider=lead_provider,
        participant_id=record.participant_id,
        course_identifier=kwargs.pop("course", course_of(record)),
    )


def change_schedule(record, lead_provider, schedule_identifier, cohort=None, **kwargs):
    return services.participant_change_schedule(
        lead_provider=lead_provider,
        participant_id=record.participant_id,
        course_identifier=kwargs.pop("course", course_of(record)),
        schedule_identifier=schedule_identifier,
        cohort=cohort,
    )


def change_to_extended(record, lead_provider, **kwargs):
    return change_schedule(record, lead_provider, "ecf-extended-september", **kwargs)


ACTIONS: dict[str, Callable[..., Any]] = {"withdraw": withdraw, "defer": defer, "resume": resume}
ALL_ACTIONS: dict[str, Callable[..., Any]] = {**ACTIONS, "change-schedule": change_to_extended}


def latest_period(record):
    return TrainingPeriod.objects.filter(training_record=record).order_by("-start_date", "-created_at").first()


def snapshot():
    """Everything an action may write, to show that a refused one writes nothing."""
    return (
        TrainingStatusChange.objects.count(),
        TrainingStatusChange.history.count(),
        TrainingPeriod.history.count(),
        TrainingRecord.history.count(),
        sorted(TrainingPeriod.objects.values_list("id", "training_status", "partnership_id")),
        sorted(
            TrainingRecord.objects.values_list("id", "cohort_id", "schedule_id", "cohort_changed_after_payments_frozen")
        ),
        sorted(Participant.objects.values_list("id", "api_updated_at")),
    )


def refused(action, *args, **kwargs):
    """Run an action that must be refused: its errors by field; nothing written."""
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        action(*args, **kwargs)
    assert snapshot() == before
    return excinfo.value.message_dict


# --- withdraw, defer, resume: the state machine (§2.1 with D12) -------------------------------------

# (current training status, action, resulting status or the message refusing it)
TRANSITIONS = [
    (ACTIVE, "withdraw", WITHDRAWN),
    (DEFERRED, "withdraw", WITHDRAWN),
    (WITHDRAWN, "withdraw", ALREADY_WITHDRAWN),
    (ACTIVE, "defer", DEFERRED),
    (DEFERRED, "defer", ALREADY_DEFERRED),
    (WITHDRAWN, "defer", DEFER_WITHDRAWN),
    (DEFERRED, "resume", ACTIVE),
    (WITHDRAWN, "resume", ACTIVE),  # D12
    (ACTIVE, "resume", ALREADY_ACTIVE),
]


@pytest.mark.parametrize(("current", "action", "outcome"), TRANSITIONS)
def test_state_machine(me, current, action, outcome):
    record = enrolled(me, status=current)

    if outcome in TrainingStatus.values:
        with clock.acting_at(MOMENT):
            assert ACTIONS[action](record, me) == record
        assert latest_period(record).training_status == outcome
        change = TrainingStatusChange.objects.get(training_record=record)
        reason = {"withdraw": "other", "defer": "parental-leave", "resume": ""}[action]
        assert (change.lead_provider, change.training_status, change.reason, change.changed_at) == (
            me,
            outcome,
            reason,
            MOMENT,
        )
    else:
        assert refused(ACTIONS[action], record, me) == {"participant_id": [outcome]}


@pytest.mark.parametrize(
    ("action", "reason", "message"),
    [
        ("withdraw", "bereavement", WITHDRAW_REASON_INVALID),
        ("withdraw", "", WITHDRAW_REASON_INVALID),
        ("withdraw", "school-left-fip", WITHDRAW_REASON_INVALID),
        ("defer", "moved-school", DEFER_REASON_INVALID),
        ("defer", "", DEFER_REASON_INVALID),
    ],
)
def test_the_reason_must_be_one_of_the_action(me, action, reason, message):
    record = enrolled(me)

    assert refused(ACTIONS[action], record, me, reason=reason) == {"reason": [message]}


@pytest.mark.parametrize("reason", WithdrawReason.values)
def test_every_withdraw_reason_is_accepted_for_a_mentor(me, reason):
    record = enrolled(me, as_mentor=True)

    withdraw(record, me, reason=reason)

    assert TrainingStatusChange.objects.get(training_record=record).reason == reason


def test_an_ect_cannot_be_withdrawn_as_no_longer_being_a_mentor(me):
    """D15 (the successor service's rule)."""
    record = enrolled(me)

    assert refused(withdraw, record, me, reason=WithdrawReason.MENTOR_NO_LONGER_BEING_MENTOR) == {
        "reason": [WITHDRAW_REASON_MENTORS_ONLY]
    }


def test_every_problem_is_reported_at_once(me):
    record = enrolled(me, status=WITHDRAWN)

    assert refused(withdraw, record, me, reason=WithdrawReason.MENTOR_NO_LONGER_BEING_MENTOR) == {
        "reason": [WITHDRAW_REASON_MENTORS_ONLY],
        "participant_id": [ALREADY_WITHDRAWN],
    }


def test_resume_takes_no_reason_and_clears_withdrawal(me):
    record = enrolled(me)
    with clock.acting_at(MOMENT):
        withdraw(record, me)
    with clock.acting_at(MOMENT + dt.timedelta(days=1)):
        resume(record, me)

    assert list(
        TrainingStatusChange.objects.filter(training_record=record)
        .order_by("changed_at")
        .values_list("training_status", "reason", "changed_at")
    ) == [(WITHDRAWN, "other", MOMENT), (ACTIVE, "", MOMENT + dt.timedelta(days=1))]
    assert latest_period(record).training_status == ACTIVE


def test_an_action_cannot_be_dated_before_the_providers_previous_one(me, other):
    """Only the sandbox clock can go back in time; the latest change must stay the one in force."""
    record = enrolled(me)
    TrainingStatusChangeFactory.create(training_record=record, lead_provider=me, changed_at=MOMENT)
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=other, changed_at=MOMENT + dt.timedelta(days=9)
    )

    with clock.acting_at(MOMENT - dt.timedelta(seconds=1)):
        assert refused(withdraw, record, me) == {"participant_id": [BEFORE_PREVIOUS_ACTION]}
    with clock.acting_at(MOMENT):
        withdraw(record, me)  # another provider's later action does not count


def test_history_names_the_provider(me):
    record = enrolled(me)

    defer(record, me)

    period_history = latest_period(record).history.first()
    change_history = TrainingStatusChange.objects.get(training_record=record).history.get()
    for row in (period_history, change_history):
        assert row.history_change_reason == "API: deferred by Ambition"
        assert row.history_user is None
    assert period_history.training_status == DEFERRED


# --- who may act: visibility and course -------------------------------------------------------------


@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda me, other: period(ect(), other), id="another provider's participant"),
        pytest.param(lambda me, other: period(ect(), me, challenged=True), id="only in a challenged partnership"),
        pytest.param(lambda me, other: period(ect(), None), id="school-led"),
    ],
)
def test_a_participant_the_provider_cannot_see_does_not_exist(me, other, make, action):
    record = make(me, other).training_record

    with pytest.raises(Participant.DoesNotExist):
        ALL_ACTIONS[action](record, me)


@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
@pytest.mark.parametrize(
    ("make_mentor_record", "course"),
    [
        pytest.param(lambda participant, me, other: None, MENTOR, id="no mentor record"),
        pytest.param(
            lambda participant, me, other: period(mentor(participant), other), MENTOR, id="mentor record elsewhere"
        ),
        pytest.param(
            lambda participant, me, other: period(mentor(participant), me, challenged=True),
            MENTOR,
            id="mentor record in a challenged partnership",
        ),
        pytest.param(lambda participant, me, other: None, "npq-leadership", id="unknown course"),
    ],
)
def test_the_provider_must_train_the_participant_on_the_course(me, other, make_mentor_record, course, action):
    record = enrolled(me, status=DEFERRED)
    make_mentor_record(record.participant, me, other)

    assert refused(ALL_ACTIONS[action], record, me, course=course) == {"course_identifier": [COURSE_NOT_RECOGNISED]}


def test_the_course_chooses_the_training_record(me):
    as_ect = enrolled(me)
    as_mentor = enrolled(me, as_mentor=True, participant=as_ect.participant)

    withdraw(as_ect, me, course=MENTOR, reason=WithdrawReason.MENTOR_NO_LONGER_BEING_MENTOR)

    assert latest_period(as_mentor).training_status == WITHDRAWN
    assert latest_period(as_ect).training_status == ACTIVE


def test_only_the_providers_latest_visible_period_changes(me, other):
    record = ect()
    old = period(record, me, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31), leaving=True)
    latest = period(record, me, start=dt.date(2025, 1, 1))
    challenged_later = period(record, me, start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 1), challenged=True)
    others = period(record, other, start=dt.date(2023, 9, 1), end=dt.date(2024, 8, 31))

    withdraw(record, me)

    statuses = dict(TrainingPeriod.objects.values_list("pk", "training_status"))
    assert statuses == {old.pk: ACTIVE, latest.pk: WITHDRAWN, challenged_later.pk: ACTIVE, others.pk: ACTIVE}


# (who trains the record now, whether `me` may act): D22, only the record's current provider acts.
CURRENT_PROVIDER_CASES = [
    ("me, in an open period", True),
    ("me, in a period that has ended", True),  # nobody took over: still the latest period
    ("another provider", False),
    ("the school itself", False),
]


@pytest.mark.parametrize("action", sorted(ALL_ACTIONS))
@pytest.mark.parametrize(("now_with", "acts"), CURRENT_PROVIDER_CASES)
def test_only_the_records_current_provider_acts(me, other, action, now_with, acts):
    record = ect()
    ScheduleFactory.create(identifier="ecf-extended-september", cohort=record.cohort)  # for change-schedule
    ended = dt.date(2025, 12, 31)
    status = ACTIVE if action != "resume" else DEFERRED
    if now_with == "me, in an open period":
        period(record, me, start=dt.date(2024, 9, 1), training_status=status)
    else:
        period(record, me, start=dt.date(2024, 9, 1), end=ended, leaving=True, training_status=status)
    if now_with == "another provider":
        period(record, other, start=ended + dt.timedelta(days=1))
    elif now_with == "the school itself":
        period(record, None, start=ended + dt.timedelta(days=1))

    if acts:
        ALL_ACTIONS[action](record, me)
    else:
        assert refused(ALL_ACTIONS[action], record, me) == {"participant_id": [services.NOT_CURRENT_PROVIDER]}


def test_the_current_provider_acts_on_a_record_a_former_provider_still_sees(me, other):
    record = ect()
    mine = period(record, me, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31), leaving=True)
    theirs = period(record, other, start=dt.date(2025, 1, 1))

    withdraw(record, other, reason=WithdrawReason.MOVED_SCHOOL)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.training_status, theirs.training_status) == (ACTIVE, WITHDRAWN)


# --- change schedule (§5.5, D15) -----------------------------------------------------------------


def schedule(identifier, year=2024):
    return ScheduleFactory.create(identifier=identifier, cohort=CohortFactory.create(start_year=year))


def milestone(schedule_, declaration_type, start, end=None):
    return MilestoneFactory.create(
        schedule=schedule_, declaration_type=declaration_type, start_date=start, milestone_date=end
    )


def test_change_schedule_within_the_cohort(me):
    record = enrolled(me, status=DEFERRED)
    target = schedule("ecf-extended-january")

    assert change_schedule(record, me, "ecf-extended-january") == record

    record.refresh_from_db()
    assert (record.schedule, record.cohort.start_year) == (target, 2024)
    assert latest_period(record).training_status == DEFERRED  # a deferred participant stays deferred
    history = record.history.first()
    assert (history.history_change_reason, history.history_user) == ("API: schedule changed by Ambition", None)


@pytest.mark.parametrize(
    ("as_mentor", "identifier", "message"),
    [
        (False, "ecf-replacement-september", SCHEDULE_MENTORS_ONLY),
        (True, "ecf-reduced-april", SCHEDULE_NOT_FOR_MENTORS),
        (False, "ecf-reduced-april", None),
        (True, "ecf-replacement-january", None),
        (True, "ecf-extended-april", None),
    ],
)
def test_schedules_for_the_course(me, as_mentor, identifier, message):
    """D15: replacement schedules are for mentors only; mentors cannot go on reduced schedules."""
    record = enrolled(me, as_mentor=as_mentor)
    schedule(identifier)

    if message:
        assert refused(change_schedule, record, me, identifier) == {"schedule_identifier": [message]}
    else:
        change_schedule(record, me, identifier)
        record.refresh_from_db()
        assert record.schedule.identifier == identifier


@pytest.mark.parametrize("cohort", [None, 2024])
def test_the_same_schedule_is_refused(me, cohort):
    record = enrolled(me)

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=cohort) == {
        "schedule_identifier": [SCHEDULE_UNCHANGED]
    }


def test_a_schedule_missing_from_the_cohort_is_refused(me):
    record = enrolled(me)
    CohortFactory.create(start_year=2025)

    assert refused(change_schedule, record, me, "ecf-reduced-april", cohort=2025) == {
        "schedule_identifier": [SCHEDULE_UNKNOWN.format(cohort=2025)]
    }


def test_an_unknown_cohort_is_refused(me):
    record = enrolled(me)

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2031) == {"cohort": [COHORT_UNKNOWN]}


def test_a_withdrawn_participant_must_be_resumed_first(me):
    record = enrolled(me, status=WITHDRAWN)
    schedule("ecf-replacement-april")

    assert refused(change_schedule, record, me, "ecf-replacement-april") == {
        "participant_id": [CHANGE_SCHEDULE_WITHDRAWN],
        "schedule_identifier": [SCHEDULE_MENTORS_ONLY],
    }


def test_a_withdrawn_participant_on_the_same_schedule_gets_both_messages(me):
    record = enrolled(me, status=WITHDRAWN)

    assert refused(change_schedule, record, me, "ecf-standard-september") == {
        "participant_id": [CHANGE_SCHEDULE_WITHDRAWN],
        "schedule_identifier": [SCHEDULE_UNCHANGED],
    }


# The 2024 ecf-standard-april schedule's started window: 1 April 2025 (BST from 30 March) to 31 July 2025.
APRIL_START = dt.date(2025, 4, 1)
APRIL_END = dt.date(2025, 7, 31)


@pytest.mark.parametrize(
    ("declaration_date", "fits"),
    [
        (dt.datetime(2025, 3, 31, 22, 59, 59, tzinfo=dt.UTC), False),  # 23:59:59 London the day before
        (dt.datetime(2025, 3, 31, 23, 0, 0, tzinfo=dt.UTC), True),  # 00:00 London on the start date
        (dt.datetime(2025, 7, 31, 22, 59, 59, tzinfo=dt.UTC), True),  # 23:59:59 London on the milestone date
        (dt.datetime(2025, 7, 31, 23, 0, 0, tzinfo=dt.UTC), False),  # 00:00 London the day after
    ],
)
def test_live_declarations_must_fit_the_new_schedule_in_london_time(me, declaration_date, fits):
    record = enrolled(me)
    target = schedule("ecf-standard-april")
    milestone(target, DeclarationType.STARTED, APRIL_START, APRIL_END)
    DeclarationFactory.create(training_record=record, lead_provider=me, declaration_date=declaration_date)

    if fits:
        change_schedule(record, me, "ecf-standard-april")
    else:
        assert refused(change_schedule, record, me, "ecf-standard-april") == {
            "schedule_identifier": [SCHEDULE_INVALIDATES_DECLARATIONS]
        }


def test_an_open_ended_milestone_has_no_end(me):
    record = enrolled(me)
    target = schedule("ecf-extended-april")
    milestone(target, DeclarationType.STARTED, APRIL_START)
    DeclarationFactory.create(training_record=record, declaration_date=dt.datetime(2031, 1, 1, tzinfo=dt.UTC))

    change_schedule(record, me, "ecf-extended-april")


def test_a_declaration_type_missing_from_the_new_schedule_does_not_fit(me):
    record = enrolled(me)
    target = schedule("ecf-standard-april")
    milestone(target, DeclarationType.STARTED, APRIL_START)
    DeclarationFactory.create(
        training_record=record,
        declaration_type=DeclarationType.EXTENDED_1,
        declaration_date=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
    )

    assert refused(change_schedule, record, me, "ecf-standard-april") == {
        "schedule_identifier": [SCHEDULE_INVALIDATES_DECLARATIONS]
    }


@pytest.mark.parametrize(
    ("state", "counts"),
    [
        ("submitted", True),
        ("eligible", True),
        ("payable", True),
        ("paid", True),
        ("voided", False),
        ("ineligible", False),
        ("awaiting_clawback", False),
        ("clawed_back", False),
    ],
)
def test_only_live_declarations_of_any_provider_count(me, other, state, counts):
    record = enrolled(me)
    target = schedule("ecf-standard-april")
    milestone(target, DeclarationType.STARTED, APRIL_START, APRIL_END)
    traits = {} if state == "submitted" else {state: True}
    DeclarationFactory.create(
        training_record=record,
        lead_provider=other,
        declaration_date=dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
        **traits,
    )

    if counts:
        assert refused(change_schedule, record, me, "ecf-standard-april") == {
            "schedule_identifier": [SCHEDULE_INVALIDATES_DECLARATIONS]
        }
    else:
        change_schedule(record, me, "ecf-standard-april")


# --- change of cohort (§5.5 rules 6 and 7, §11.3) -----------------------------------------------------


@pytest.fixture
def school():
    return SchoolFactory.create()


def test_change_cohort_moves_record_and_period_to_the_cohorts_partnership(me, school):
    record = enrolled(me, school=school)
    target = schedule("ecf-standard-january", 2025)
    new_partnership = PartnershipFactory.create(lead_provider=me, school=school, cohort=target.cohort)

    change_schedule(record, me, "ecf-standard-january", cohort=2025)

    record.refresh_from_db()
    assert (record.cohort.start_year, record.schedule, record.cohort_changed_after_payments_frozen) == (
        2025,
        target,
        False,
    )
    assert latest_period(record).partnership == new_partnership
    record.full_clean()  # the schedule belongs to the record's cohort


@pytest.mark.parametrize(
    "make_partnership",
    [
        pytest.param(lambda me, other, school, cohort: None, id="none"),
        pytest.param(
            lambda me, other, school, cohort: PartnershipFactory.create(
                lead_provider=me, school=school, cohort=cohort, challenged=True
            ),
            id="challenged",
        ),
        pytest.param(
            lambda me, other, school, cohort: PartnershipFactory.create(
                lead_provider=other, school=school, cohort=cohort
            ),
            id="another provider's",
        ),
        pytest.param(
            lambda me, other, school, cohort: PartnershipFactory.create(lead_provider=me, cohort=cohort),
            id="with another school",
        ),
    ],
)
def test_change_cohort_needs_a_partnership_with_the_school(me, other, school, make_partnership):
    record = enrolled(me, school=school)
    target = schedule("ecf-standard-september", 2025)
    make_partnership(me, other, school, target.cohort)

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2025) == {
        "cohort": [COHORT_NO_PARTNERSHIP]
    }


def test_change_cohort_of_an_unconfirmed_period_confirms_it(me, school):
    record = ect()
    unconfirmed = period(record, me, school=school, unconfirmed=True)
    target = schedule("ecf-standard-september", 2025)
    new_partnership = PartnershipFactory.create(lead_provider=me, school=school, cohort=target.cohort)

    change_schedule(record, me, "ecf-standard-september", cohort=2025)

    unconfirmed.refresh_from_db()
    assert unconfirmed.partnership == new_partnership


@pytest.mark.parametrize(("state", "blocks"), [("submitted", True), ("paid", True), ("voided", False)])
def test_change_cohort_with_live_declarations_is_refused(me, school, state, blocks):
    record = enrolled(me, school=school)
    target = schedule("ecf-extended-september", 2025)
    partnership(me, school, target.cohort)
    DeclarationFactory.create(
        training_record=record, lead_provider=me, **({state: True} if state != "submitted" else {})
    )

    if blocks:
        assert refused(change_schedule, record, me, "ecf-extended-september", cohort=2025) == {
            "cohort": [COHORT_HAS_DECLARATIONS]
        }
    else:
        change_schedule(record, me, "ecf-extended-september", cohort=2025)


def frozen(year, at=FROZEN_AT):
    cohort = CohortFactory.create(start_year=year)
    Cohort.objects.filter(pk=cohort.pk).update(payments_frozen_at=at)
    cohort.refresh_from_db()
    return cohort


def frozen_ect(me, school, *, year=2022, with_declaration=True, as_mentor=False, **fields):
    """A participant of a frozen cohort, partnered with `me` at `school` there and in 2024, with a paid
    2022 started declaration; 2024 has the extended-september schedule."""
    cohort = frozen(year)
    record = enrolled(me, year=year, school=school, as_mentor=as_mentor, **fields)
    partnership(me, school, CohortFactory.create(start_year=2024))
    schedule("ecf-extended-september", 2024)
    if with_declaration:
        DeclarationFactory.create(training_record=record, lead_provider=me, cohort=cohort, paid=True)
    return record


def test_an_ect_leaves_a_frozen_cohort_for_2024(me, school):
    record = frozen_ect(me, school)
    declaration = record.declarations.get()

    change_schedule(record, me, "ecf-extended-september", cohort=2024)

    record.refresh_from_db()
    assert (record.cohort.start_year, record.schedule.identifier, record.cohort_changed_after_payments_frozen) == (
        2024,
        "ecf-extended-september",
        True,
    )
    assert latest_period(record).partnership.cohort.start_year == 2024
    declaration.refresh_from_db()
    assert (declaration.cohort.start_year, declaration.state) == (2022, DeclarationState.PAID)


def test_from_a_frozen_cohort_only_2024(me, school):
    record = frozen_ect(me, school)
    schedule("ecf-standard-september", 2025)
    partnership(me, school, CohortFactory.create(start_year=2025))

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2025) == {
        "cohort": [COHORT_FROZEN_DESTINATION]
    }


def test_from_one_frozen_cohort_to_another_is_refused(me, school):
    record = frozen_ect(me, school, year=2021, with_declaration=False)
    frozen(2022)
    partnership(me, school, Cohort.objects.get(start_year=2022))
    schedule("ecf-standard-september", 2022)

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2022) == {
        "cohort": [COHORT_FROZEN_DESTINATION]
    }


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"induction_end_date": dt.date(2024, 7, 1)}, id="induction ended"),
        pytest.param({}, id="completed declaration"),
    ],
)
def test_a_participant_who_completed_stays_in_the_frozen_cohort(me, school, fields):
    record = frozen_ect(me, school, **fields)
    if not fields:
        DeclarationFactory.create(
            training_record=record, lead_provider=me, declaration_type=DeclarationType.COMPLETED, paid=True
        )

    assert refused(change_schedule, record, me, "ecf-extended-september", cohort=2024) == {
        "cohort": [COHORT_FROZEN_COMPLETED]
    }


def test_a_mentor_with_declarations_stays_in_the_frozen_cohort(me, school):
    record = frozen_ect(me, school, as_mentor=True)

    assert refused(change_schedule, record, me, "ecf-extended-september", cohort=2024) == {
        "cohort": [COHORT_HAS_DECLARATIONS]
    }


def test_a_mentor_without_declarations_leaves_the_frozen_cohort(me, school):
    record = frozen_ect(me, school, as_mentor=True, with_declaration=False)

    change_schedule(record, me, "ecf-extended-september", cohort=2024)

    record.refresh_from_db()
    assert (record.cohort.start_year, record.cohort_changed_after_payments_frozen) == (2024, True)


def moved_out_of_2022(me, school, *, flag=True, declaration_in=2022):
    """An ECT moved from frozen 2022 to 2024 (extended-september), with a paid declaration in `declaration_in`."""
    frozen(2022)
    cohort_2024 = CohortFactory.create(start_year=2024)
    record = ect(
        year=2024, schedule=schedule("ecf-extended-september", 2024), cohort_changed_after_payments_frozen=flag
    )
    period(record, me, school=school)
    partnership(me, school, Cohort.objects.get(start_year=2022))
    if declaration_in:
        DeclarationFactory.create(
            training_record=record,
            lead_provider=me,
            cohort=Cohort.objects.get(start_year=declaration_in),
            paid=True,
        )
    assert record.cohort == cohort_2024
    return record


def test_an_ect_goes_back_to_the_frozen_cohort_they_left(me, school):
    record = moved_out_of_2022(me, school)
    original = schedule("ecf-standard-september", 2022)

    change_schedule(record, me, "ecf-standard-september", cohort=2022)

    record.refresh_from_db()
    assert (record.schedule, record.cohort_changed_after_payments_frozen) == (original, False)
    assert latest_period(record).partnership.cohort.start_year == 2022


@pytest.mark.parametrize(
    ("flag", "declaration_in"),
    [
        pytest.param(False, 2022, id="never moved out"),
        pytest.param(True, None, id="nothing in the frozen cohort"),
    ],
)
def test_into_a_frozen_cohort_only_back_where_they_came_from(me, school, flag, declaration_in):
    record = moved_out_of_2022(me, school, flag=flag, declaration_in=declaration_in)
    schedule("ecf-standard-september", 2022)

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2022) == {
        "cohort": [COHORT_FROZEN_TARGET]
    }


def test_going_back_leaves_no_declaration_behind(me, school):
    record = moved_out_of_2022(me, school)
    schedule("ecf-standard-september", 2022)
    DeclarationFactory.create(
        training_record=record, lead_provider=me, declaration_type=DeclarationType.RETAINED_1, eligible=True
    )

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2022) == {
        "cohort": [COHORT_HAS_DECLARATIONS]
    }


def test_payments_frozen_is_read_on_the_request_clock(me, school):
    """D18: a cohort frozen in the future is frozen for a sandbox request dated after that."""
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    record = frozen_ect(me, school)
    Cohort.objects.filter(start_year=2022).update(payments_frozen_at=later)
    schedule("ecf-standard-september", 2025)
    partnership(me, school, CohortFactory.create(start_year=2025))

    assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2025) == {
        "cohort": [COHORT_HAS_DECLARATIONS]
    }
    with clock.acting_at(later):
        assert refused(change_schedule, record, me, "ecf-standard-september", cohort=2025) == {
            "cohort": [COHORT_FROZEN_DESTINATION]
        }
