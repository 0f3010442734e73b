"""Submitting and voiding declarations: `declaration_create`, `declaration_void` and the
`next_output_statement` selector (domain rules §3 and §4; decisions D5, D6, D10, D11, D14).

The helpers at the top build a participant trained by a provider, with a schedule whose milestones
are the published ones, and an open output statement; `tests/api/v3/test_declaration_writes.py`
reuses them."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ecf import clock
from ecf.choices import (
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
    EvidenceHeld,
    FundingEligibility,
    IneligibleReason,
    MentorIneligibleReason,
    ParticipantType,
)
from ecf.models import Cohort, Declaration, DeliveryPartner, LeadProvider, TrainingPeriod, TrainingRecord
from finance.choices import StatementStatus
from finance.models import Statement
from finance.selectors import next_output_statement
from finance.services import declarations as service
from finance.services.declarations import declaration_create, declaration_void
from tests.ecf.factories import (
    CohortFactory,
    DeclarationFactory,
    LeadProviderFactory,
    MilestoneFactory,
    ParticipantFactory,
    ParticipantIdChangeFactory,
    ScheduleFactory,
    TrainingRecordFactory,
    TrainingStatusChangeFactory,
)
from tests.ecf.participant_builders import assign_mentor, period
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

T = DeclarationType
UTC = dt.UTC
# When the 2024-cohort tests act: every standard-september 2024 milestone up to retained-3 has opened.
NOW_2024 = dt.datetime(2025, 8, 15, 12, tzinfo=UTC)
# When the 2025-cohort tests act: the (open-ended) 2025 milestones opened on 1 June 2025.
NOW_2025 = dt.datetime(2026, 9, 1, 12, tzinfo=UTC)
# A valid started date in each cohort.
STARTED_2024 = dt.datetime(2024, 10, 1, 10, tzinfo=UTC)
STARTED_2025 = dt.datetime(2025, 10, 1, 10, tzinfo=UTC)

# ecf-standard-september 2024 (domain rules §6.2).
STANDARD_2024 = {
    T.STARTED: (dt.date(2024, 6, 1), dt.date(2024, 12, 31)),
    T.RETAINED_1: (dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    T.RETAINED_2: (dt.date(2025, 4, 1), dt.date(2025, 7, 31)),
    T.RETAINED_3: (dt.date(2025, 8, 1), dt.date(2025, 12, 31)),
    T.RETAINED_4: (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    T.COMPLETED: (dt.date(2026, 4, 1), dt.date(2026, 7, 31)),
}
STANDARD_TYPES = list(STANDARD_2024)


# A date in each 2024 standard window that has opened by NOW_2024.
DATES_2024 = {
    T.STARTED: STARTED_2024,
    T.RETAINED_1: dt.datetime(2025, 2, 1, 10, tzinfo=UTC),
    T.RETAINED_2: dt.datetime(2025, 6, 1, 10, tzinfo=UTC),
    T.RETAINED_3: dt.datetime(2025, 8, 10, 10, tzinfo=UTC),
}


def now_for(year: int) -> dt.datetime:
    return NOW_2025 if year >= 2025 else NOW_2024


def started_for(year: int) -> dt.datetime:
    return STARTED_2025 if year >= 2025 else STARTED_2024


def add_milestones(record: TrainingRecord) -> None:
    """The schedule's milestones: the published 2024 standard windows; from 2025, and on non-standard
    schedules, every type opens on one day with no end (domain rules §6.2, §6.3)."""
    schedule = record.schedule
    year = record.cohort.start_year
    kind = schedule.schedule_type
    types = list(T) if kind == "extended" else STANDARD_TYPES
    for declaration_type in types:
        if year == 2024 and kind == "standard":
            start, end = STANDARD_2024[declaration_type]
        else:
            start, end = (dt.date(2025, 6, 1) if year >= 2025 else dt.date(year, 9, 1)), None
        MilestoneFactory.create(
            schedule=schedule,
            declaration_type=declaration_type,
            start_date=start,
            milestone_date=end,
            payment_date=(end or start) + dt.timedelta(days=31),
        )


def trained(
    provider: LeadProvider,
    *,
    year: int = 2024,
    mentor: bool = False,
    funding: str = FundingEligibility.ELIGIBLE,
    schedule: str = "ecf-standard-september",
    **fields: Any,
) -> TrainingRecord:
    """A participant `provider` trains (an open period in its partnership), with milestones."""
    cohort = CohortFactory.create(start_year=year)
    record = TrainingRecordFactory.create(
        cohort=cohort,
        schedule=ScheduleFactory.create(identifier=schedule, cohort=cohort),
        participant_type=ParticipantType.MENTOR if mentor else ParticipantType.ECT,
        funding_eligibility=funding,
        **fields,
    )
    add_milestones(record)
    period(record, provider)
    return record


def open_statement(provider: LeadProvider, cohort: Cohort, deadline: dt.date, **fields: Any) -> Statement:
    return StatementFactory.create(lead_provider=provider, cohort=cohort, cut_off=deadline, **fields)


def next_statement(provider: LeadProvider, record: TrainingRecord) -> Statement:
    """An open output statement whose cut-off is after the tests' "now" for the record's cohort."""
    deadline = now_for(record.cohort.start_year).date() + dt.timedelta(days=45)
    return statement_of(provider, record.cohort, deadline, StatementStatus.OPEN)


def statement_of(provider: LeadProvider, cohort: Cohort, deadline: dt.date, status: str) -> Statement:
    """A statement of the provider and cohort with this cut-off and status (one per month)."""
    found = Statement.objects.filter(lead_provider=provider, cohort=cohort, deadline_date=deadline).first()
    paid = {"marked_as_paid_at": NOW_2024} if status == StatementStatus.PAID else {}
    return found or open_statement(provider, cohort, deadline, status=status, **paid)


def existing(
    provider: LeadProvider, record: TrainingRecord, state: str = DeclarationState.SUBMITTED, **fields: Any
) -> Declaration:
    """A declaration already made, in `state`, on statements of its own (their cut-offs have all passed
    by the tests' "now", so they never compete with `next_statement`)."""
    year = record.cohort.start_year + 1
    cohort = record.cohort
    paid_on = lambda: statement_of(provider, cohort, dt.date(year, 3, 31), StatementStatus.PAID)  # noqa: E731
    by_state: dict[str, dict[str, Any]] = {
        DeclarationState.SUBMITTED: {},
        DeclarationState.ELIGIBLE: {"payment_statement": statement_of(provider, cohort, dt.date(year, 5, 31), "open")},
        DeclarationState.PAYABLE: {
            "payment_statement": statement_of(provider, cohort, dt.date(year, 4, 30), StatementStatus.PAYABLE)
        },
        DeclarationState.PAID: {"payment_statement": paid_on()},
        DeclarationState.VOIDED: {"voided_at": NOW_2024},
        DeclarationState.INELIGIBLE: {"ineligible_reason": IneligibleReason.DUPLICATE_DECLARATION},
        DeclarationState.AWAITING_CLAWBACK: {
            "payment_statement": paid_on(),
            "clawback_statement": statement_of(provider, cohort, dt.date(year, 5, 31), "open"),
            "voided_at": NOW_2024,
        },
        DeclarationState.CLAWED_BACK: {
            "payment_statement": paid_on(),
            "clawback_statement": statement_of(provider, cohort, dt.date(year, 1, 31), StatementStatus.PAID),
            "voided_at": NOW_2024,
        },
    }
    fields.setdefault("declaration_date", started_for(record.cohort.start_year))
    return DeclarationFactory.create(
        lead_provider=provider, training_record=record, state=state, **{**by_state[state], **fields}
    )


def delivery_partner_of(training_period: TrainingPeriod) -> DeliveryPartner:
    assert training_period.partnership is not None
    return training_period.partnership.delivery_partner


def course(record: TrainingRecord) -> str:
    return CourseIdentifier.ECT if record.is_ect else CourseIdentifier.MENTOR


def default_evidence(record: TrainingRecord, declaration_type: str) -> str | None:
    """Evidence every rule set accepts for the type (none for started before 2025)."""
    if not record.cohort.detailed_evidence_types:
        return None if declaration_type == T.STARTED else EvidenceHeld.TRAINING_EVENT_ATTENDED
    if declaration_type in (T.RETAINED_2, T.COMPLETED):
        return EvidenceHeld.ENGAGEMENT_MET
    return EvidenceHeld.TRAINING_EVENT_ATTENDED


def create(
    provider: LeadProvider,
    record: TrainingRecord,
    declaration_type: str = T.STARTED,
    declaration_date: dt.datetime | None = None,
    *,
    now: dt.datetime | None = None,
    **overrides: Any,
) -> Declaration:
    arguments: dict[str, Any] = {
        "lead_provider": provider,
        "participant_id": record.participant_id,
        "course_identifier": course(record),
        "declaration_type": declaration_type,
        "declaration_date": declaration_date or started_for(record.cohort.start_year),
        "evidence_held": default_evidence(record, declaration_type),
        **overrides,
    }
    with clock.acting_at(now or now_for(record.cohort.start_year)):
        return declaration_create(**arguments)


def void(provider: LeadProvider, declaration: Declaration, *, now: dt.datetime = NOW_2024) -> Declaration:
    with clock.acting_at(now):
        return declaration_void(lead_provider=provider, declaration_id=declaration.pk)


def refused(call: Callable[[], object]) -> dict[str, list[str]]:
    """The errors of a refused call, after checking that it wrote nothing."""
    counts = (Declaration.objects.count(), Declaration.history.count(), TrainingRecord.history.count())
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert (Declaration.objects.count(), Declaration.history.count(), TrainingRecord.history.count()) == counts
    return excinfo.value.message_dict


@pytest.fixture
def provider() -> LeadProvider:
    return LeadProviderFactory.create()


@pytest.fixture
def other_provider() -> LeadProvider:
    return LeadProviderFactory.create()


@pytest.fixture
def record(provider: LeadProvider) -> TrainingRecord:
    record = trained(provider)
    next_statement(provider, record)
    return record


# next_output_statement -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "fields", "chosen"),
    [
        (dt.date(2025, 3, 10), {}, True),  # the cut-off day itself still counts
        (dt.date(2025, 3, 9), {}, False),  # passed
        (dt.date(2025, 4, 30), {"status": StatementStatus.PAYABLE}, False),
        (dt.date(2025, 4, 30), {"output_fee": False}, False),
    ],
)
def test_next_output_statement_is_open_output_with_cut_off_on_or_after_the_day(provider, deadline, fields, chosen):
    cohort = CohortFactory.create(start_year=2024)
    statement = open_statement(provider, cohort, deadline, **fields)

    found = next_output_statement(lead_provider=provider, cohort=cohort, on=dt.date(2025, 3, 10))

    assert found == (statement if chosen else None)


def test_next_output_statement_is_the_earliest_of_the_provider_and_cohort(provider, other_provider):
    cohort = CohortFactory.create(start_year=2024)
    later = open_statement(provider, cohort, dt.date(2025, 7, 31))
    earliest = open_statement(provider, cohort, dt.date(2025, 3, 31))
    open_statement(other_provider, cohort, dt.date(2025, 2, 28))
    open_statement(provider, CohortFactory.create(start_year=2023), dt.date(2025, 2, 28))

    assert next_output_statement(lead_provider=provider, cohort=cohort, on=dt.date(2025, 2, 1)) == earliest
    assert next_output_statement(lead_provider=provider, cohort=cohort, on=dt.date(2025, 4, 1)) == later


# Funding and statements ----------------------------------------------------------------------------------


def test_a_funded_participant_gets_an_eligible_declaration_on_the_next_output_statement(provider):
    record = trained(provider)
    open_statement(provider, record.cohort, dt.date(2025, 3, 31))  # passed
    payable = open_statement(provider, record.cohort, dt.date(2025, 9, 1), status=StatementStatus.PAYABLE)
    later = open_statement(provider, record.cohort, dt.date(2025, 12, 31))
    statement = open_statement(provider, record.cohort, dt.date(2025, 9, 30))

    declaration = create(provider, record)

    assert declaration.state == DeclarationState.ELIGIBLE
    assert declaration.payment_statement == statement
    assert statement not in (payable, later)
    assert declaration.cohort == record.cohort
    assert declaration.participant == record.participant
    assert declaration.lead_provider == provider


@pytest.mark.parametrize("funding", [FundingEligibility.NOT_YET_KNOWN, FundingEligibility.INELIGIBLE])
def test_an_unfunded_participant_gets_a_submitted_declaration_without_statement(provider, funding):
    record = trained(provider, funding=funding)  # and no statement at all: none is needed

    declaration = create(provider, record)

    assert declaration.state == DeclarationState.SUBMITTED
    assert declaration.payment_statement is None


def test_a_funded_participant_without_an_open_output_statement_is_refused_on_cohort(provider):
    record = trained(provider)
    open_statement(provider, record.cohort, dt.date(2025, 7, 31))  # passed before NOW_2024

    errors = refused(lambda: create(provider, record))

    assert errors == {"cohort": [service.NO_OUTPUT_STATEMENT.format(year=2024)]}
    assert "'#/cohort'" in errors["cohort"][0]


# Participant resolution -------------------------------------------------------------------------------------


def test_a_retired_participant_id_declares_for_the_participant_it_was_merged_into(provider, record):
    change = ParticipantIdChangeFactory.create(participant=record.participant)

    declaration = create(provider, record, participant_id=change.from_participant_id)

    assert declaration.participant == record.participant
    assert declaration.training_record == record


@pytest.mark.parametrize(
    "situation",
    ["unknown id", "another provider's participant", "challenged partnership", "school-led period only"],
)
def test_a_participant_the_provider_does_not_train_is_not_recognised(provider, other_provider, situation):
    record = trained(other_provider)
    next_statement(provider, record)
    participant_id = record.participant_id
    if situation == "unknown id":
        participant_id = uuid.uuid4()
    elif situation == "challenged partnership":
        period(record, provider, challenged=True, end=dt.date(2024, 12, 31), start=dt.date(2024, 9, 2))
    elif situation == "school-led period only":
        period(record, None, end=dt.date(2024, 12, 31), start=dt.date(2024, 9, 2))

    errors = refused(lambda: create(provider, record, participant_id=participant_id))

    assert errors == {"participant_id": [service.PARTICIPANT_NOT_RECOGNISED]}


@pytest.mark.parametrize("situation", ["not yet in a partnership", "left the provider"])
def test_a_provider_may_declare_through_an_unconfirmed_or_ended_period(provider, other_provider, situation):
    record = trained(other_provider)
    next_statement(provider, record)
    if situation == "not yet in a partnership":
        period(record, provider, unconfirmed=True, start=dt.date(2024, 9, 2), end=dt.date(2024, 12, 31))
    else:
        period(record, provider, start=dt.date(2024, 9, 2), end=dt.date(2024, 12, 31))

    assert create(provider, record).lead_provider == provider


def test_the_participant_error_comes_with_the_future_date_error(provider):
    record = trained(provider)
    in_2030 = NOW_2024.replace(year=2030)

    errors = refused(lambda: create(provider, record, participant_id=uuid.uuid4(), declaration_date=in_2030))

    assert errors == {"participant_id": [service.PARTICIPANT_NOT_RECOGNISED], "declaration_date": [service.FUTURE_DATE]}


@pytest.mark.parametrize(
    ("course_identifier", "message"),
    [
        ("npq-leading-teaching", service.NPQ_NOT_SUPPORTED),
        ("npq-headship", service.NPQ_NOT_SUPPORTED),
        ("ecf-mentor", service.COURSE_NOT_RECOGNISED),  # the participant is an ECT only
        ("ecf-unknown", service.COURSE_NOT_RECOGNISED),
    ],
)
def test_the_course_must_be_one_of_the_participants_with_the_provider(provider, record, course_identifier, message):
    errors = refused(lambda: create(provider, record, course_identifier=course_identifier))

    assert errors == {"course_identifier": [message]}


def test_a_person_trained_as_ect_and_mentor_by_two_providers_shows_neither_course_to_the_other(
    provider, other_provider, record
):
    mentor_record = trained(other_provider, participant=record.participant, mentor=True)
    next_statement(other_provider, mentor_record)

    errors = refused(lambda: create(provider, mentor_record))

    assert errors == {"course_identifier": [service.COURSE_NOT_RECOGNISED]}
    assert create(other_provider, mentor_record).training_record == mentor_record


# Declaration type -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "mentor", "schedule", "declaration_type", "message"),
    [
        (2024, False, "ecf-standard-september", T.EXTENDED_1, service.TYPE_NOT_IN_SCHEDULE),
        (2024, False, "ecf-extended-september", T.EXTENDED_3, None),
        (2024, True, "ecf-standard-september", T.RETAINED_1, None),
        (2025, False, "ecf-standard-september", T.RETAINED_4, None),
        (2025, True, "ecf-standard-september", T.RETAINED_1, service.MENTOR_STARTED_OR_COMPLETED_ONLY),
        (2025, True, "ecf-extended-september", T.EXTENDED_1, service.MENTOR_STARTED_OR_COMPLETED_ONLY),
        (2025, True, "ecf-standard-september", T.COMPLETED, None),
    ],
)
def test_the_type_must_be_a_milestone_of_the_schedule(provider, year, mentor, schedule, declaration_type, message):
    record = trained(provider, year=year, mentor=mentor, schedule=schedule)
    next_statement(provider, record)
    declaration_date = dt.datetime(2025, 8, 10, tzinfo=UTC) if year == 2024 else STARTED_2025
    if declaration_type == T.RETAINED_1 and year == 2024:
        declaration_date = dt.datetime(2025, 2, 1, tzinfo=UTC)

    call = lambda: create(provider, record, declaration_type, declaration_date)  # noqa: E731

    if message is None:
        assert call().declaration_type == declaration_type
    else:
        assert refused(call) == {"declaration_type": [message]}


def test_extended_types_need_an_extended_schedule(provider, record):
    MilestoneFactory.create(
        schedule=record.schedule, declaration_type=T.EXTENDED_1, start_date=dt.date(2024, 9, 1), milestone_date=None
    )

    errors = refused(lambda: create(provider, record, T.EXTENDED_1, dt.datetime(2025, 8, 10, tzinfo=UTC)))

    assert errors == {"declaration_type": [service.TYPE_NOT_IN_SCHEDULE]}


def test_a_type_missing_from_the_schedule_is_refused(provider, record):
    record.schedule.milestones.filter(declaration_type=T.COMPLETED).delete()  # as 2021 standard-january

    errors = refused(lambda: create(provider, record, T.COMPLETED, dt.datetime(2025, 8, 10, tzinfo=UTC)))

    assert errors == {"declaration_type": [service.TYPE_NOT_IN_SCHEDULE]}


# Dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declaration_date", "message"),
    [
        (NOW_2024, None),
        (NOW_2024 + dt.timedelta(seconds=1), service.FUTURE_DATE),
    ],
)
def test_the_date_may_not_be_in_the_future(provider, record, declaration_date, message):
    call = lambda: create(provider, record, T.RETAINED_3, declaration_date)  # noqa: E731

    if message is None:
        assert call().declaration_date == declaration_date
    else:
        assert refused(call) == {"declaration_date": [message]}


@pytest.mark.parametrize(
    ("declaration_type", "declaration_date", "accepted"),
    [
        # started opens on 1 June 2024: midnight in London is 23:00 UTC the day before (BST).
        (T.STARTED, dt.datetime(2024, 5, 31, 22, 59, 59, tzinfo=UTC), False),
        (T.STARTED, dt.datetime(2024, 5, 31, 23, 0, 0, tzinfo=UTC), True),
        # started ends on 31 December 2024 (GMT: London is UTC).
        (T.STARTED, dt.datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC), True),
        (T.STARTED, dt.datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC), False),
        # retained-1 opens on 1 January 2025 (GMT).
        (T.RETAINED_1, dt.datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC), False),
        (T.RETAINED_1, dt.datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC), True),
        # retained-2 ends on 31 July 2025: 23:59:59 in London is 22:59:59 UTC (BST).
        (T.RETAINED_2, dt.datetime(2025, 7, 31, 22, 59, 59, tzinfo=UTC), True),
        (T.RETAINED_2, dt.datetime(2025, 7, 31, 23, 0, 0, tzinfo=UTC), False),
    ],
)
def test_the_date_must_be_in_the_milestone_window_in_london_time(
    provider, record, declaration_type, declaration_date, accepted
):
    call = lambda: create(provider, record, declaration_type, declaration_date)  # noqa: E731

    if accepted:
        assert call().declaration_date == declaration_date
        return
    errors = refused(call)
    start, end = STANDARD_2024[declaration_type]
    expected = (
        service.BEFORE_MILESTONE_START.format(start=start.isoformat())
        if declaration_date.date() <= start
        else service.AFTER_MILESTONE_END.format(end=end.isoformat())
    )
    assert errors == {"declaration_date": [expected]}


def test_an_open_ended_milestone_has_no_end(provider):
    record = trained(provider, schedule="ecf-reduced-september")
    next_statement(provider, record)

    assert create(provider, record, T.COMPLETED, NOW_2024).state == DeclarationState.ELIGIBLE


@pytest.mark.parametrize(
    ("earlier", "declaration_type", "declaration_date", "in_sequence"),
    [
        # An earlier milestone was declared on 1 September 2025 at 10:00.
        (
            [(T.STARTED, dt.datetime(2025, 9, 1, 10, tzinfo=UTC))],
            T.RETAINED_1,
            dt.datetime(2025, 9, 1, 9, tzinfo=UTC),
            False,
        ),
        (
            [(T.STARTED, dt.datetime(2025, 9, 1, 10, tzinfo=UTC))],
            T.RETAINED_1,
            dt.datetime(2025, 9, 1, 10, tzinfo=UTC),
            True,
        ),
        (
            [(T.STARTED, dt.datetime(2025, 9, 1, 10, tzinfo=UTC))],
            T.COMPLETED,
            dt.datetime(2026, 7, 1, tzinfo=UTC),
            True,
        ),
        # A later milestone was declared on 10 January 2026.
        (
            [(T.RETAINED_2, dt.datetime(2026, 1, 10, tzinfo=UTC))],
            T.RETAINED_1,
            dt.datetime(2026, 1, 11, tzinfo=UTC),
            False,
        ),
        (
            [(T.RETAINED_2, dt.datetime(2026, 1, 10, tzinfo=UTC))],
            T.RETAINED_1,
            dt.datetime(2026, 1, 10, tzinfo=UTC),
            True,
        ),
        ([(T.RETAINED_2, dt.datetime(2026, 1, 10, tzinfo=UTC))], T.STARTED, dt.datetime(2026, 2, 1, tzinfo=UTC), False),
        # Between an earlier and a later one.
        (
            [(T.STARTED, dt.datetime(2025, 9, 1, tzinfo=UTC)), (T.RETAINED_3, dt.datetime(2026, 3, 1, tzinfo=UTC))],
            T.RETAINED_2,
            dt.datetime(2026, 1, 1, tzinfo=UTC),
            True,
        ),
        # extended milestones come after completed.
        (
            [(T.EXTENDED_1, dt.datetime(2026, 1, 10, tzinfo=UTC))],
            T.COMPLETED,
            dt.datetime(2026, 2, 1, tzinfo=UTC),
            False,
        ),
    ],
)
def test_from_2025_dates_follow_the_milestone_order(provider, earlier, declaration_type, declaration_date, in_sequence):
    record = trained(provider, year=2025, schedule="ecf-extended-september")
    next_statement(provider, record)
    for earlier_type, earlier_date in earlier:
        existing(provider, record, declaration_type=earlier_type, declaration_date=earlier_date)

    call = lambda: create(provider, record, declaration_type, declaration_date)  # noqa: E731

    if in_sequence:
        assert call().declaration_date == declaration_date
    else:
        assert refused(call) == {"declaration_date": [service.OUT_OF_SEQUENCE]}


def test_the_sequence_counts_other_providers_live_declarations_only(provider, other_provider):
    record = trained(provider, year=2025)
    next_statement(provider, record)
    later = dt.datetime(2026, 1, 10, tzinfo=UTC)
    existing(other_provider, record, declaration_type=T.RETAINED_2, declaration_date=later)
    existing(provider, record, DeclarationState.VOIDED, declaration_type=T.RETAINED_3, declaration_date=later)

    assert refused(lambda: create(provider, record, T.RETAINED_1, later + dt.timedelta(days=1))) == {
        "declaration_date": [service.OUT_OF_SEQUENCE]
    }
    assert create(provider, record, T.RETAINED_1, later).state == DeclarationState.ELIGIBLE


def test_before_2025_dates_need_not_follow_the_milestone_order(provider, record):
    existing(provider, record, declaration_type=T.RETAINED_1, declaration_date=dt.datetime(2025, 1, 1, tzinfo=UTC))

    assert create(provider, record, T.STARTED, STARTED_2024).state == DeclarationState.ELIGIBLE


# Withdrawn and deferred participants (D11) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trait", "message"),
    [("withdrawn", service.WITHDRAWN_BEFORE_DATE), ("deferred", service.DEFERRED_BEFORE_DATE)],
)
def test_a_withdrawal_or_deferral_in_force_refuses_dates_from_its_moment(provider, record, trait, message):
    changed_at = dt.datetime(2024, 11, 1, 9, 30, tzinfo=UTC)
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=provider, changed_at=changed_at, **{trait: True}
    )

    errors = refused(lambda: create(provider, record, T.STARTED, changed_at))

    assert errors == {"participant_id": [message.format(moment="2024-11-01T09:30:00Z")]}
    assert create(provider, record, T.STARTED, changed_at - dt.timedelta(seconds=1)).state == DeclarationState.ELIGIBLE


def test_a_resumed_participant_or_another_providers_withdrawal_does_not_block(provider, other_provider, record):
    withdrawn_at = dt.datetime(2024, 10, 1, tzinfo=UTC)
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=provider, changed_at=withdrawn_at, withdrawn=True
    )
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=provider, changed_at=withdrawn_at + dt.timedelta(days=1)
    )
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=other_provider, changed_at=withdrawn_at, deferred=True
    )

    assert create(provider, record, T.STARTED, dt.datetime(2024, 11, 1, tzinfo=UTC)).state == DeclarationState.ELIGIBLE


# A provider the participant has left (D22) ----------------------------------------------------------------------

DAY = dt.date
# (the provider's periods of the record as (start, end), the type and date declared, the end day the refusal
# names or None when accepted). Days are London days: 23:00 UTC in summer is already the next day.
TRAINING_END_CASES = [
    ([(DAY(2024, 9, 1), DAY(2024, 12, 31))], T.STARTED, dt.datetime(2024, 12, 31, 23, 59, tzinfo=UTC), None),
    ([(DAY(2024, 9, 1), DAY(2024, 12, 31))], T.RETAINED_1, dt.datetime(2025, 1, 1, tzinfo=UTC), "2024-12-31"),
    ([(DAY(2024, 9, 1), DAY(2025, 6, 30))], T.RETAINED_2, dt.datetime(2025, 6, 30, 22, 59, tzinfo=UTC), None),
    ([(DAY(2024, 9, 1), DAY(2025, 6, 30))], T.RETAINED_2, dt.datetime(2025, 6, 30, 23, tzinfo=UTC), "2025-06-30"),
    # Its latest period decides: back with the provider in an open period, any date its schedule allows.
    ([(DAY(2024, 9, 1), DAY(2024, 12, 31)), (DAY(2025, 2, 1), None)], T.RETAINED_1, DATES_2024[T.RETAINED_1], None),
    ([(DAY(2024, 9, 1), None)], T.RETAINED_3, DATES_2024[T.RETAINED_3], None),
]


@pytest.mark.parametrize("trains_them_now", ["another provider", "nobody"])
@pytest.mark.parametrize(("periods", "declaration_type", "declaration_date", "ended"), TRAINING_END_CASES)
def test_a_provider_declares_only_up_to_the_end_of_its_training(
    provider, other_provider, trains_them_now, periods, declaration_type, declaration_date, ended
):
    record = trained(provider)
    next_statement(provider, record)
    TrainingPeriod.objects.filter(training_record=record).delete()
    for start, end in periods:
        period(record, provider, start=start, end=end)
    last_end = periods[-1][1]
    if trains_them_now == "another provider" and last_end is not None:
        period(record, other_provider, start=last_end + dt.timedelta(days=1))

    if ended is None:
        assert create(provider, record, declaration_type, declaration_date).lead_provider == provider
    else:
        errors = refused(lambda: create(provider, record, declaration_type, declaration_date))
        assert errors == {"declaration_date": [service.TRAINING_ENDED.format(day=ended)]}
        assert f"ended on {ended}" in errors["declaration_date"][0]


# Evidence held (D10 and the contract's matrix) ------------------------------------------------------------------

OK = None


@pytest.mark.parametrize(
    ("year", "mentor", "declaration_type", "evidence", "message"),
    [
        # Before 2025: started ignores the evidence, whatever it is.
        (2024, False, T.STARTED, None, OK),
        (2024, False, T.STARTED, "not-a-value", OK),
        (2024, True, T.STARTED, EvidenceHeld.OTHER, OK),
        (2024, False, T.RETAINED_1, None, service.EVIDENCE_MISSING),
        (2024, False, T.RETAINED_1, "", service.EVIDENCE_MISSING),
        (2024, False, T.RETAINED_1, EvidenceHeld.SELF_STUDY_MATERIAL_COMPLETED, OK),
        (2024, False, T.RETAINED_1, EvidenceHeld.MATERIALS_ENGAGED_WITH_OFFLINE, service.EVIDENCE_NOT_AVAILABLE),
        (2024, True, T.RETAINED_2, EvidenceHeld.ENGAGEMENT_MET, service.EVIDENCE_NOT_AVAILABLE),
        (2024, True, T.RETAINED_2, EvidenceHeld.OTHER, OK),
        # From 2025: required for every type, values by type and course.
        (2025, False, T.STARTED, None, service.EVIDENCE_MISSING),
        (2025, True, T.STARTED, None, service.EVIDENCE_MISSING),
        (2025, False, T.STARTED, EvidenceHeld.MATERIALS_ENGAGED_WITH_OFFLINE, OK),
        (2025, False, T.STARTED, EvidenceHeld.ENGAGEMENT_MET, service.EVIDENCE_NOT_AVAILABLE),
        (2025, True, T.STARTED, EvidenceHeld.OTHER, OK),
        (2025, False, T.RETAINED_1, EvidenceHeld.OTHER, OK),
        (2025, False, T.RETAINED_2, EvidenceHeld.OTHER, service.EVIDENCE_NOT_AVAILABLE),
        (2025, False, T.RETAINED_2, EvidenceHeld.ENGAGEMENT_MET_REDUCED_INDUCTION, OK),
        (2025, False, T.RETAINED_3, "not-a-value", service.EVIDENCE_NOT_AVAILABLE),
        (2025, False, T.COMPLETED, EvidenceHeld.ONE_TERM_INDUCTION, OK),
        (2025, False, T.COMPLETED, EvidenceHeld.TRAINING_EVENT_ATTENDED, service.EVIDENCE_NOT_AVAILABLE),
        (2025, True, T.COMPLETED, EvidenceHeld.ENGAGEMENT_MET, OK),
        (2025, True, T.COMPLETED, EvidenceHeld.ONE_TERM_INDUCTION, service.EVIDENCE_NOT_AVAILABLE),
        (2025, True, T.COMPLETED, None, service.EVIDENCE_MISSING),
    ],
)
def test_evidence_held_matrix(provider, year, mentor, declaration_type, evidence, message):
    record = trained(provider, year=year, mentor=mentor)
    next_statement(provider, record)
    declaration_date = STARTED_2025 if year >= 2025 else DATES_2024[declaration_type]

    call = lambda: create(provider, record, declaration_type, declaration_date, evidence_held=evidence)  # noqa: E731

    if message is OK:
        expected = "" if year == 2024 and declaration_type == T.STARTED else evidence
        assert call().evidence_held == expected
    elif message is service.EVIDENCE_NOT_AVAILABLE:
        (refusal,) = refused(call)["evidence_held"]
        assert refusal.startswith(message.split("{")[0])
        assert evidence not in refusal.split(": one of ")[1]
    else:
        assert refused(call) == {"evidence_held": [message]}


E = EvidenceHeld


@pytest.mark.parametrize(
    ("year", "mentor", "declaration_type", "accepted"),
    [
        (2024, False, T.RETAINED_1, [E.TRAINING_EVENT_ATTENDED, E.SELF_STUDY_MATERIAL_COMPLETED, E.OTHER]),
        (
            2025,
            False,
            T.STARTED,
            [E.TRAINING_EVENT_ATTENDED, E.SELF_STUDY_MATERIAL_COMPLETED, E.MATERIALS_ENGAGED_WITH_OFFLINE, E.OTHER],
        ),
        (2025, False, T.RETAINED_2, [E.ENGAGEMENT_MET, E.ENGAGEMENT_MET_REDUCED_INDUCTION]),
        (2025, False, T.COMPLETED, [E.ENGAGEMENT_MET, E.ENGAGEMENT_MET_REDUCED_INDUCTION, E.ONE_TERM_INDUCTION]),
        (2025, True, T.COMPLETED, [E.ENGAGEMENT_MET, E.ENGAGEMENT_MET_REDUCED_INDUCTION]),
    ],
)
def test_refused_evidence_lists_the_values_accepted_for_the_participant(
    provider, year, mentor, declaration_type, accepted
):
    record = trained(provider, year=year, mentor=mentor)
    next_statement(provider, record)
    declaration_date = STARTED_2025 if year >= 2025 else DATES_2024[declaration_type]

    errors = refused(lambda: create(provider, record, declaration_type, declaration_date, evidence_held="bogus"))

    assert errors == {"evidence_held": [service.EVIDENCE_NOT_AVAILABLE.format(accepted=", ".join(accepted))]}


# Slots and idempotency (D5) -----------------------------------------------------------------------------------


def test_an_exact_repeat_returns_the_original_unchanged(provider, record):
    original = create(provider, record, T.RETAINED_1, dt.datetime(2025, 2, 1, tzinfo=UTC))
    history = Declaration.history.count()

    repeat = create(provider, record, T.RETAINED_1, dt.datetime(2025, 2, 1, tzinfo=UTC))

    assert repeat == original
    assert repeat.api_updated_at == Declaration.objects.get().api_updated_at
    assert (Declaration.objects.count(), Declaration.history.count()) == (1, history)


def test_a_repeat_through_a_retired_id_or_with_ignored_evidence_is_still_exact(provider, record):
    original = create(provider, record)
    change = ParticipantIdChangeFactory.create(participant=record.participant)

    repeat = create(provider, record, participant_id=change.from_participant_id, evidence_held=EvidenceHeld.OTHER)

    assert repeat == original


def test_an_exact_repeat_is_answered_even_once_the_statement_has_passed(provider, record):
    original = create(provider, record)

    assert create(provider, record, now=dt.datetime(2027, 1, 1, tzinfo=UTC)) == original


LIVE_STATES = [DeclarationState.SUBMITTED, DeclarationState.ELIGIBLE, DeclarationState.PAYABLE, DeclarationState.PAID]


@pytest.mark.parametrize("attempt", ["another date", "other evidence", "another provider"])
@pytest.mark.parametrize("state", LIVE_STATES)
def test_any_other_declaration_for_a_live_slot_is_refused(provider, other_provider, record, attempt, state):
    when = DATES_2024[T.RETAINED_1]
    existing(provider, record, state, declaration_type=T.RETAINED_1, declaration_date=when, evidence_held="other")
    caller = provider
    changes: dict[str, Any] = {"declaration_date": when, "evidence_held": "other"}
    if attempt == "another date":
        changes["declaration_date"] = when + dt.timedelta(days=1)
    elif attempt == "other evidence":
        changes["evidence_held"] = EvidenceHeld.TRAINING_EVENT_ATTENDED
    else:
        caller = other_provider
        period(record, other_provider, start=dt.date(2024, 9, 2), end=dt.date(2025, 6, 30))
        next_statement(other_provider, record)

    errors = refused(lambda: create(caller, record, T.RETAINED_1, **changes))

    assert errors == {"declaration_type": [service.ALREADY_DECLARED]}


@pytest.mark.parametrize(
    "state",
    [
        DeclarationState.VOIDED,
        DeclarationState.INELIGIBLE,
        DeclarationState.AWAITING_CLAWBACK,
        DeclarationState.CLAWED_BACK,
    ],
)
def test_a_slot_is_free_again_once_its_declaration_is_no_longer_live(provider, record, state):
    existing(provider, record, state)

    assert create(provider, record).state == DeclarationState.ELIGIBLE


def test_the_same_person_under_another_participant_id_makes_an_ineligible_duplicate(provider, other_provider, record):
    same_trn = record.participant.trn
    first = existing(
        other_provider, trained(other_provider, participant=ParticipantFactory.create(trn=same_trn)), "paid"
    )
    # A later candidate: the oldest one is the one superseding.
    existing(other_provider, trained(other_provider, participant=ParticipantFactory.create(trn=same_trn)))

    declaration = create(provider, record)

    assert declaration.state == DeclarationState.INELIGIBLE
    assert declaration.ineligible_reason == IneligibleReason.DUPLICATE_DECLARATION
    assert declaration.superseded_by == first
    assert declaration.payment_statement is None


@pytest.mark.parametrize("situation", ["no trn", "voided", "other type", "mentor course"])
def test_no_duplicate_without_a_live_declaration_of_the_same_trn_course_and_type(provider, other_provider, situation):
    record = trained(provider, participant=ParticipantFactory.create(without_trn=situation == "no trn"))
    next_statement(provider, record)
    twin_participant = ParticipantFactory.create(trn=record.participant.trn, trn_validated=bool(record.participant.trn))
    twin = trained(other_provider, participant=twin_participant, mentor=situation == "mentor course")
    existing(
        other_provider,
        twin,
        DeclarationState.VOIDED if situation == "voided" else DeclarationState.SUBMITTED,
        declaration_type=T.RETAINED_1 if situation == "other type" else T.STARTED,
        declaration_date=STARTED_2024,
    )

    assert create(provider, record).state == DeclarationState.ELIGIBLE


# What a declaration records -----------------------------------------------------------------------------------


def test_the_delivery_partner_is_the_one_of_the_providers_period_on_the_declaration_date(provider, record):
    first = record.training_periods.get()
    first.end_date = dt.date(2024, 12, 31)
    first.save()
    second = period(record, provider, start=dt.date(2025, 1, 1))

    assert create(provider, record, T.STARTED, STARTED_2024).delivery_partner == delivery_partner_of(first)
    assert create(provider, record, T.RETAINED_1, DATES_2024[T.RETAINED_1]).delivery_partner == delivery_partner_of(
        second
    )
    assert delivery_partner_of(first) != delivery_partner_of(second)


def test_without_a_covering_period_the_delivery_partner_is_the_latest_ones(provider, other_provider):
    record = trained(other_provider)
    next_statement(provider, record)
    late = period(record, provider, start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 1))

    assert create(provider, record, T.STARTED, STARTED_2024).delivery_partner == delivery_partner_of(late)


def test_an_unconfirmed_period_gives_no_delivery_partner(provider, other_provider):
    record = trained(other_provider)
    next_statement(provider, record)
    period(record, provider, unconfirmed=True, start=dt.date(2024, 9, 2), end=dt.date(2025, 6, 30))

    assert create(provider, record).delivery_partner is None


def test_an_ects_mentor_on_the_declaration_date_is_recorded(provider, record):
    first = TrainingRecordFactory.create(mentor=True, cohort=record.cohort)
    second = TrainingRecordFactory.create(mentor=True, cohort=record.cohort)
    assign_mentor(record, first, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31))
    assign_mentor(record, second, start=dt.date(2025, 1, 1))

    assert (
        create(provider, record, T.STARTED, dt.datetime(2024, 12, 31, 23, 30, tzinfo=UTC)).mentor == first.participant
    )
    assert create(provider, record, T.RETAINED_1, dt.datetime(2025, 2, 1, tzinfo=UTC)).mentor == second.participant


def test_a_mentors_declaration_or_an_unmentored_ect_has_no_mentor(provider, record):
    mentor_record = trained(provider, mentor=True)
    next_statement(provider, mentor_record)

    assert create(provider, mentor_record).mentor is None
    assert create(provider, record).mentor is None


@pytest.mark.parametrize(
    ("year", "declaration_type", "uplifted"),
    [(2024, T.STARTED, True), (2024, T.RETAINED_1, False), (2025, T.STARTED, False)],
)
def test_uplifts_are_copied_onto_started_declarations_while_the_cohort_pays_them(
    provider, year, declaration_type, uplifted
):
    record = trained(provider, year=year, pupil_premium_uplift=True, sparsity_uplift=True)
    next_statement(provider, record)
    declaration_date = dt.datetime(2025, 2, 1, tzinfo=UTC) if declaration_type == T.RETAINED_1 else started_for(year)

    declaration = create(provider, record, declaration_type, declaration_date)

    assert (declaration.pupil_premium_uplift, declaration.sparsity_uplift) == (uplifted, uplifted)


def test_a_billable_2025_mentor_completion_ends_mentor_funding_and_its_void_restores_it(provider):
    record = trained(provider, year=2025, mentor=True)
    next_statement(provider, record)

    declaration = create(provider, record, T.COMPLETED, dt.datetime(2026, 6, 30, 23, 30, tzinfo=UTC))

    record.refresh_from_db()
    assert record.mentor_funding_end_date == dt.date(2026, 7, 1)  # the London day
    assert record.mentor_ineligible_reason == MentorIneligibleReason.COMPLETED_DECLARATION_RECEIVED
    assert record.history.first().history_change_reason == f"API: completed declared by {provider.name}"

    void(provider, declaration, now=NOW_2025)

    record.refresh_from_db()
    assert (record.mentor_funding_end_date, record.mentor_ineligible_reason) == (None, "")


@pytest.mark.parametrize(
    ("year", "funding"), [(2025, FundingEligibility.NOT_YET_KNOWN), (2024, FundingEligibility.ELIGIBLE)]
)
def test_an_unfunded_or_pre_2025_mentor_completion_leaves_mentor_funding_alone(provider, year, funding):
    record = trained(provider, year=year, mentor=True, funding=funding, schedule="ecf-reduced-september")
    next_statement(provider, record)

    create(provider, record, T.COMPLETED, now_for(year))

    record.refresh_from_db()
    assert (record.mentor_funding_end_date, record.mentor_ineligible_reason) == (None, "")


def test_an_accepted_declaration_leaves_history_naming_the_provider(provider, record):
    declaration = create(provider, record)

    assert [row.history_change_reason for row in declaration.history.all()] == [f"API: declared by {provider.name}"]


def test_every_error_of_a_request_is_reported_at_once(provider):
    record = trained(provider, year=2025, mentor=True)
    open_statement(provider, record.cohort, dt.date(2026, 1, 31))  # passed by NOW_2025
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=provider, changed_at=dt.datetime(2025, 9, 1, tzinfo=UTC), withdrawn=True
    )

    errors = refused(lambda: create(provider, record, T.RETAINED_1, NOW_2025 + dt.timedelta(days=1)))

    assert errors == {
        "participant_id": [service.WITHDRAWN_BEFORE_DATE.format(moment="2025-09-01T00:00:00Z")],
        "declaration_type": [service.MENTOR_STARTED_OR_COMPLETED_ONLY],
        "declaration_date": [service.FUTURE_DATE],
        "cohort": [service.NO_OUTPUT_STATEMENT.format(year=2025)],
    }


def test_every_message_names_its_field():
    fields = {
        "PARTICIPANT_NOT_RECOGNISED": "participant_id",
        "COURSE_NOT_RECOGNISED": "course_identifier",
        "NPQ_NOT_SUPPORTED": "course_identifier",
        "WITHDRAWN_BEFORE_DATE": "declaration_date",
        "DEFERRED_BEFORE_DATE": "declaration_date",
        "FUTURE_DATE": "declaration_date",
        "BEFORE_MILESTONE_START": "declaration_date",
        "AFTER_MILESTONE_END": "declaration_date",
        "OUT_OF_SEQUENCE": "declaration_date",
        "TYPE_NOT_IN_SCHEDULE": "declaration_type",
        "MENTOR_STARTED_OR_COMPLETED_ONLY": "declaration_type",
        "ALREADY_DECLARED": "declaration_type",
        "EVIDENCE_MISSING": "evidence_held",
        "EVIDENCE_NOT_AVAILABLE": "evidence_held",
        "NO_OUTPUT_STATEMENT": "cohort",
        "ALREADY_VOIDED": "id",
        "CLAWED_BACK": "id",
    }
    for constant, field in fields.items():
        assert f"'#/{field}'" in getattr(service, constant), constant


# Void ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [DeclarationState.SUBMITTED, DeclarationState.ELIGIBLE, DeclarationState.PAYABLE, DeclarationState.INELIGIBLE],
)
def test_an_unpaid_declaration_is_voided_and_leaves_its_statement(provider, record, state):
    declaration = existing(provider, record, state)

    voided = void(provider, declaration)

    voided.refresh_from_db()
    assert voided.state == DeclarationState.VOIDED
    assert voided.voided_at == NOW_2024
    assert (voided.payment_statement, voided.clawback_statement, voided.ineligible_reason) == (None, None, "")
    assert voided.history.first().history_change_reason == f"API: void by {provider.name}"


def test_a_paid_declaration_awaits_clawback_on_the_next_output_statement(provider, record):
    declaration = existing(provider, record, DeclarationState.PAID)
    paid_on = declaration.payment_statement
    statement = Statement.objects.get(lead_provider=provider, deadline_date__gt=NOW_2024.date())

    clawed = void(provider, declaration)

    clawed.refresh_from_db()
    assert clawed.state == DeclarationState.AWAITING_CLAWBACK
    assert (clawed.payment_statement, clawed.clawback_statement) == (paid_on, statement)
    assert clawed.voided_at == NOW_2024


def test_a_paid_declaration_without_an_open_output_statement_cannot_be_voided(provider):
    declaration = existing(provider, trained(provider), DeclarationState.PAID)

    errors = refused(lambda: void(provider, declaration))

    assert errors == {"cohort": [service.NO_OUTPUT_STATEMENT.format(year=2024)]}
    assert Declaration.objects.get().state == DeclarationState.PAID


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (DeclarationState.VOIDED, service.ALREADY_VOIDED),
        (DeclarationState.AWAITING_CLAWBACK, service.CLAWED_BACK),
        (DeclarationState.CLAWED_BACK, service.CLAWED_BACK),
    ],
)
def test_a_voided_or_clawed_back_declaration_cannot_be_voided(provider, record, state, message):
    declaration = existing(provider, record, state)

    assert refused(lambda: void(provider, declaration)) == {"id": [message]}


def test_only_the_owner_can_void(provider, other_provider, record):
    others = existing(other_provider, record)

    with pytest.raises(Declaration.DoesNotExist):
        declaration_void(lead_provider=provider, declaration_id=others.pk)
    with pytest.raises(Declaration.DoesNotExist):
        declaration_void(lead_provider=provider, declaration_id=uuid.uuid4())
    assert Declaration.objects.get().state == DeclarationState.SUBMITTED


def test_after_a_void_the_milestone_can_be_declared_again(provider, record):
    first = create(provider, record)
    void(provider, first)

    second = create(provider, record)

    assert second != first
    assert second.state == DeclarationState.ELIGIBLE
    assert sorted(Declaration.objects.values_list("state", flat=True)) == ["eligible", "voided"]


def test_a_voided_mentor_completion_only_restores_funding_it_ended(provider):
    record = trained(provider, year=2025, mentor=True)
    next_statement(provider, record)
    declaration = create(provider, record, T.COMPLETED, STARTED_2025)
    record.refresh_from_db()
    record.mentor_ineligible_reason = MentorIneligibleReason.STARTED_NOT_COMPLETED
    record.save()

    void(provider, declaration, now=NOW_2025)

    record.refresh_from_db()
    assert record.mentor_ineligible_reason == MentorIneligibleReason.STARTED_NOT_COMPLETED


def test_voiding_a_paid_mentor_completion_restores_funding_too(provider):
    record = trained(provider, year=2025, mentor=True)
    next_statement(provider, record)
    declaration = existing(
        provider, record, DeclarationState.PAID, declaration_type=T.COMPLETED, evidence_held="75-percent-engagement-met"
    )
    record.mentor_funding_end_date = dt.date(2025, 10, 1)
    record.mentor_ineligible_reason = MentorIneligibleReason.COMPLETED_DECLARATION_RECEIVED
    record.save()

    assert void(provider, declaration, now=NOW_2025).state == DeclarationState.AWAITING_CLAWBACK

    record.refresh_from_db()
    assert (record.mentor_funding_end_date, record.mentor_ineligible_reason) == (None, "")


# The slot constraint behind the lock ---------------------------------------------------------------------------


@pytest.fixture
def blind_first_look(monkeypatch):
    """The first look at the slot sees nothing, as if another writer took it after the check: the insert
    then meets `declaration_one_live_per_slot`."""
    real = service._live_in_slot
    looks: list[str] = []

    def first_blind(record: TrainingRecord, declaration_type: str) -> Declaration | None:
        looks.append(declaration_type)
        return None if len(looks) == 1 else real(record, declaration_type)

    monkeypatch.setattr(service, "_live_in_slot", first_blind)
    return looks


def test_a_repeat_meeting_the_slot_constraint_returns_the_original(provider, record, blind_first_look):
    original = existing(provider, record, declaration_date=STARTED_2024)

    assert create(provider, record, T.STARTED, STARTED_2024) == original
    assert Declaration.objects.count() == 1
    assert len(blind_first_look) == 2


def test_another_declaration_meeting_the_slot_constraint_is_refused(provider, record, blind_first_look):
    existing(provider, record, declaration_date=STARTED_2024)

    errors = refused(lambda: create(provider, record, T.STARTED, STARTED_2024 + dt.timedelta(days=1)))

    assert errors == {"declaration_type": [service.ALREADY_DECLARED]}


def test_a_declaration_and_its_void_take_a_fixed_number_of_queries(provider, record, django_assert_max_num_queries):
    assign_mentor(record, TrainingRecordFactory.create(mentor=True, cohort=record.cohort))
    for index in range(5):  # earlier periods with the provider, and other declarations of the participant
        period(record, provider, start=dt.date(2024, 6, 1) + dt.timedelta(days=index), end=dt.date(2024, 6, 10))
        existing(provider, record, declaration_type=STANDARD_TYPES[index + 1], evidence_held="other")

    with django_assert_max_num_queries(17):
        declaration = create(provider, record)
    with django_assert_max_num_queries(6):
        assert create(provider, record) == declaration
    with django_assert_max_num_queries(7):
        void(provider, declaration)
