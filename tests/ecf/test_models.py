"""The `ecf` models: factories, every database constraint, and model properties and `clean()` checks."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ecf.choices import (
    LIVE_DECLARATION_STATES,
    REFUNDABLE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
    DeferReason,
    FundingEligibility,
    InductionStatus,
    IneligibleReason,
    MentorIneligibleReason,
    ParticipantStatus,
    ParticipantType,
    ScheduleType,
    TrainingStatus,
    WithdrawReason,
    WorkingPattern,
)
from ecf.models import School, TrainingPeriod
from partnerships.models import ProviderRelationship
from tests.ecf.factories import (
    CohortFactory,
    DeclarationFactory,
    DeliveryPartnerFactory,
    LeadProviderFactory,
    MentorAssignmentFactory,
    MilestoneFactory,
    ParticipantFactory,
    ParticipantIdChangeFactory,
    ScheduleFactory,
    SchoolCohortFactory,
    SchoolFactory,
    TrainingPeriodFactory,
    TrainingRecordFactory,
    TrainingStatusChangeFactory,
)
from tests.finance.factories import StatementFactory
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

# The factory traits that put a declaration in each state (with the statements and voided_at it needs).
STATE_TRAITS: dict[str, dict[str, Any]] = {
    DeclarationState.SUBMITTED: {},
    DeclarationState.ELIGIBLE: {"eligible": True},
    DeclarationState.PAYABLE: {"payable": True},
    DeclarationState.PAID: {"paid": True},
    DeclarationState.VOIDED: {"voided": True},
    DeclarationState.INELIGIBLE: {"ineligible": True},
    DeclarationState.AWAITING_CLAWBACK: {"awaiting_clawback": True},
    DeclarationState.CLAWED_BACK: {"clawed_back": True},
}


# Factories ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory_class", "kwargs"),
    [
        pytest.param(CohortFactory, {}, id="cohort"),
        pytest.param(CohortFactory, {"start_year": 2021, "frozen": True}, id="cohort-frozen"),
        pytest.param(LeadProviderFactory, {}, id="lead-provider"),
        pytest.param(DeliveryPartnerFactory, {}, id="delivery-partner"),
        pytest.param(SchoolFactory, {}, id="school"),
        pytest.param(SchoolFactory, {"independent": True, "closed": True, "welsh": True}, id="school-traits"),
        pytest.param(SchoolCohortFactory, {}, id="school-cohort"),
        pytest.param(ScheduleFactory, {}, id="schedule"),
        pytest.param(ScheduleFactory, {"replacement": True}, id="schedule-replacement"),
        pytest.param(MilestoneFactory, {}, id="milestone"),
        pytest.param(MilestoneFactory, {"declaration_type": DeclarationType.EXTENDED_3}, id="milestone-late"),
        pytest.param(ParticipantFactory, {}, id="participant"),
        pytest.param(ParticipantFactory, {"without_trn": True}, id="participant-without-trn"),
        pytest.param(ParticipantIdChangeFactory, {}, id="participant-id-change"),
        pytest.param(TrainingRecordFactory, {}, id="training-record"),
        pytest.param(TrainingRecordFactory, {"mentor": True, "eligible": True}, id="training-record-mentor"),
        pytest.param(TrainingPeriodFactory, {}, id="training-period"),
        pytest.param(TrainingPeriodFactory, {"school_led": True}, id="training-period-school-led"),
        pytest.param(TrainingPeriodFactory, {"unconfirmed": True}, id="training-period-unconfirmed"),
        pytest.param(TrainingPeriodFactory, {"ended": True}, id="training-period-ended"),
        pytest.param(MentorAssignmentFactory, {}, id="mentor-assignment"),
        pytest.param(TrainingStatusChangeFactory, {}, id="training-status-change"),
        pytest.param(TrainingStatusChangeFactory, {"withdrawn": True}, id="training-status-change-withdrawn"),
        pytest.param(TrainingStatusChangeFactory, {"deferred": True}, id="training-status-change-deferred"),
        pytest.param(DeclarationFactory, {"mentor": True}, id="declaration-mentor"),
        *(
            pytest.param(DeclarationFactory, traits, id=f"declaration-{state}")
            for state, traits in STATE_TRAITS.items()
        ),
    ],
)
def test_factory_saves_a_valid_row(factory_class: Any, kwargs: dict[str, Any]) -> None:
    obj = factory_class(**kwargs)

    obj.refresh_from_db()
    obj.full_clean()
    assert str(obj)


def test_training_record_factory_takes_the_schedule_from_its_cohort() -> None:
    record = TrainingRecordFactory.create(cohort__start_year=2025)

    assert record.cohort.start_year == 2025
    assert record.schedule.cohort == record.cohort


def test_training_period_factory_partnership_matches_provider_school_and_cohort() -> None:
    period = TrainingPeriodFactory.create()

    partnership = period.partnership
    assert partnership is not None
    assert partnership.lead_provider == period.lead_provider
    assert partnership.school == period.school
    assert partnership.cohort == period.training_record.cohort
    assert ProviderRelationship.objects.filter(
        lead_provider=partnership.lead_provider,
        delivery_partner=partnership.delivery_partner,
        cohort=partnership.cohort,
    ).exists()


@pytest.mark.parametrize(
    ("record_kwargs", "course"),
    [({}, CourseIdentifier.ECT), ({"mentor": True}, CourseIdentifier.MENTOR)],
)
def test_declaration_factory_follows_its_training_record(
    record_kwargs: dict[str, Any], course: CourseIdentifier
) -> None:
    record = TrainingRecordFactory.create(cohort__start_year=2025, **record_kwargs)

    declaration = DeclarationFactory.create(training_record=record, awaiting_clawback=True)

    assert declaration.participant == record.participant
    assert declaration.cohort == record.cohort
    assert declaration.course_identifier == course
    for statement in (declaration.payment_statement, declaration.clawback_statement):
        assert statement is not None
        assert statement.lead_provider == declaration.lead_provider
        assert statement.cohort == declaration.cohort
        assert statement.contract.lead_provider == declaration.lead_provider
        assert statement.contract.cohort == declaration.cohort
    assert declaration.payment_statement != declaration.clawback_statement


def test_mentor_assignment_factory_pairs_an_ect_with_a_mentor_of_its_cohort() -> None:
    assignment = MentorAssignmentFactory.create(ect__cohort__start_year=2023)

    assert assignment.ect.participant_type == ParticipantType.ECT
    assert assignment.mentor.participant_type == ParticipantType.MENTOR
    assert assignment.mentor.cohort == assignment.ect.cohort


# Cohort ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("start_year", [2019, 2101])
def test_cohort_start_year_must_be_plausible(assert_violates: Any, start_year: int) -> None:
    with assert_violates("cohort_start_year_plausible"):
        CohortFactory.create(start_year=start_year)


@pytest.mark.parametrize("start_year", [2020, 2100])
def test_cohort_start_year_bounds_are_inclusive(start_year: int) -> None:
    assert CohortFactory.create(start_year=start_year).start_year == start_year


def test_cohort_start_year_is_unique(assert_violates: Any) -> None:
    CohortFactory.create(start_year=2024)

    with assert_violates("ecf.Cohort.start_year"):
        CohortFactory.build(start_year=2024).save()


@pytest.mark.parametrize(
    ("frozen_at_offset", "frozen"),
    [
        pytest.param(None, False, id="never"),
        pytest.param(dt.timedelta(seconds=1), False, id="tomorrow"),
        pytest.param(dt.timedelta(0), True, id="exactly-now"),
        pytest.param(-dt.timedelta(days=1), True, id="yesterday"),
    ],
)
def test_cohort_payments_frozen(time_machine: Any, frozen_at_offset: dt.timedelta | None, frozen: bool) -> None:
    now = dt.datetime(2025, 7, 31, 23, 0, tzinfo=dt.UTC)
    time_machine.move_to(now, tick=False)
    cohort = CohortFactory.create(payments_frozen_at=None if frozen_at_offset is None else now + frozen_at_offset)

    assert cohort.payments_frozen is frozen


def test_cohort_payments_frozen_changes_when_the_clock_passes_the_freeze(time_machine: Any) -> None:
    frozen_at = dt.datetime(2025, 7, 31, 23, 0, tzinfo=dt.UTC)
    cohort = CohortFactory.create(payments_frozen_at=frozen_at)

    time_machine.move_to(frozen_at - dt.timedelta(minutes=1), tick=False)
    assert not cohort.payments_frozen
    time_machine.move_to(frozen_at + dt.timedelta(minutes=1), tick=False)
    assert cohort.payments_frozen


# Lead providers and delivery partners ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory_class", "field"),
    [(LeadProviderFactory, "ecf.LeadProvider.name"), (DeliveryPartnerFactory, "ecf.DeliveryPartner.name")],
)
def test_organisation_names_are_unique(assert_violates: Any, factory_class: Any, field: str) -> None:
    factory_class(name="Ambition")

    with assert_violates(field):
        factory_class(name="Ambition")


# Schools --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("urn", ["12345", "1234567A", "ABCDEF", "", " 123456", "123456\n"])
def test_school_urn_must_be_6_to_8_digits(assert_violates: Any, urn: str) -> None:
    with assert_violates("school_urn_digits"):
        SchoolFactory.create(urn=urn)


@pytest.mark.parametrize("urn", ["100000", "1234567", "12345678"])
def test_school_urn_of_6_to_8_digits_is_accepted(urn: str) -> None:
    assert SchoolFactory.create(urn=urn).urn == urn


def test_school_urn_is_unique(assert_violates: Any) -> None:
    SchoolFactory.create(urn="123456")

    with assert_violates("ecf.School.urn"):
        SchoolFactory.create(urn="123456")


@pytest.mark.parametrize(
    ("status", "type_code", "section_41", "district", "eligible"),
    [
        pytest.param(1, 1, False, "E09000007", True, id="open-community"),
        pytest.param(3, 1, False, "E09000007", True, id="proposed-to-close"),
        pytest.param(2, 1, False, "E09000007", False, id="closed"),
        pytest.param(4, 1, False, "E09000007", False, id="proposed-to-open"),
        pytest.param(1, 48, False, "E09000007", True, id="last-eligible-type"),
        pytest.param(1, 4, False, "E09000007", False, id="ineligible-type"),
        pytest.param(1, 10, True, "E09000007", True, id="independent-section-41"),
        pytest.param(1, 11, True, "E09000007", True, id="other-independent-section-41"),
        pytest.param(1, 10, False, "E09000007", False, id="independent-without-section-41"),
        pytest.param(1, 25, True, "E09000007", False, id="section-41-does-not-help-other-types"),
        pytest.param(1, 1, False, "W06000015", False, id="wales"),
        pytest.param(1, 1, False, "", False, id="no-district"),
        pytest.param(1, 1, False, "e09000007", True, id="lower-case-district"),
        pytest.param(2, 10, True, "W06000015", False, id="nothing-right"),
    ],
)
def test_school_funding_eligible_property_and_queryset_agree(
    status: int, type_code: int, section_41: bool, district: str, eligible: bool
) -> None:
    school = SchoolFactory.create(
        school_status_code=status,
        school_type_code=type_code,
        section_41_approved=section_41,
        administrative_district_code=district,
    )
    SchoolFactory.create()  # an eligible neighbour, so the queryset has something to leave out or keep

    assert school.funding_eligible is eligible
    assert School.objects.funding_eligible().filter(pk=school.pk).exists() is eligible


@pytest.mark.parametrize(("status", "is_open"), [(1, True), (2, False), (3, True), (4, False)])
def test_school_is_open(status: int, is_open: bool) -> None:
    assert SchoolFactory.build(school_status_code=status).is_open is is_open


def test_school_cohort_is_unique_per_school_and_cohort(assert_violates: Any) -> None:
    school_cohort = SchoolCohortFactory.create()

    with assert_violates("school_cohort_unique"):
        SchoolCohortFactory.create(school=school_cohort.school, cohort=school_cohort.cohort)
    SchoolCohortFactory.create(school=school_cohort.school, cohort=CohortFactory.create(start_year=2025))


# Schedules and milestones ---------------------------------------------------------------------------


def test_schedule_identifier_is_unique_per_cohort(assert_violates: Any) -> None:
    schedule = ScheduleFactory.create()

    with assert_violates("schedule_identifier_cohort_unique"):
        ScheduleFactory.build(identifier=schedule.identifier, cohort=schedule.cohort).save()
    other = ScheduleFactory.create(identifier=schedule.identifier, cohort=CohortFactory.create(start_year=2025))
    assert other != schedule


@pytest.mark.parametrize(
    ("schedule_type", "mentors_only"),
    [
        (ScheduleType.STANDARD, False),
        (ScheduleType.EXTENDED, False),
        (ScheduleType.REDUCED, False),
        (ScheduleType.REPLACEMENT, True),
    ],
)
def test_schedule_mentors_only(schedule_type: ScheduleType, mentors_only: bool) -> None:
    schedule = ScheduleFactory.create(identifier=f"ecf-{schedule_type}-january")

    assert schedule.schedule_type == schedule_type
    assert schedule.mentors_only is mentors_only


def test_milestone_is_unique_per_schedule_and_declaration_type(assert_violates: Any) -> None:
    milestone = MilestoneFactory.create()

    with assert_violates("milestone_schedule_type_unique"):
        MilestoneFactory.build(schedule=milestone.schedule, declaration_type=milestone.declaration_type).save()
    MilestoneFactory.create(schedule=milestone.schedule, declaration_type=DeclarationType.RETAINED_1)


@pytest.mark.parametrize("days_after_start", [0, -1])
def test_milestone_date_must_be_after_start(assert_violates: Any, days_after_start: int) -> None:
    start = dt.date(2024, 6, 1)

    with assert_violates("milestone_date_after_start"):
        MilestoneFactory.create(start_date=start, milestone_date=start + dt.timedelta(days=days_after_start))


@pytest.mark.parametrize("milestone_date", [None, dt.date(2024, 6, 2)])
def test_milestone_date_may_be_open_or_after_start(milestone_date: dt.date | None) -> None:
    milestone = MilestoneFactory.create(start_date=dt.date(2024, 6, 1), milestone_date=milestone_date)

    milestone.full_clean()


# Participants ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("trn", ["123456", "12345A", "abcdefg", " 123456", "\uff11" * 7, "123456\n"])
def test_participant_trn_must_be_7_digits(assert_violates: Any, trn: str) -> None:
    with assert_violates("participant_trn_7_digits"):
        ParticipantFactory.create(trn=trn, trn_validated=False)


@pytest.mark.parametrize("trn", ["", "0000001", "9999999"])
def test_participant_trn_may_be_blank_or_7_digits(trn: str) -> None:
    assert ParticipantFactory.create(trn=trn, trn_validated=False).trn == trn


def test_participant_validated_trn_must_be_present(assert_violates: Any) -> None:
    with assert_violates("participant_validated_trn_present"):
        ParticipantFactory.create(trn="", trn_validated=True)
    ParticipantFactory.create(trn="1234567", trn_validated=True)


def test_participant_id_change_must_change_the_id(assert_violates: Any) -> None:
    participant = ParticipantFactory.create()

    with assert_violates("participant_id_change_differs"):
        ParticipantIdChangeFactory.create(participant=participant, from_participant_id=participant.id)
    ParticipantIdChangeFactory.create(participant=participant)


# Training records -----------------------------------------------------------------------------------


def test_training_record_is_one_per_participant_and_role(assert_violates: Any) -> None:
    ect = TrainingRecordFactory.create()

    with assert_violates("training_record_one_per_role"):
        TrainingRecordFactory.create(participant=ect.participant)
    mentor = TrainingRecordFactory.create(participant=ect.participant, mentor=True)
    with assert_violates("training_record_one_per_role"):
        TrainingRecordFactory.create(participant=ect.participant, mentor=True)
    assert set(ect.participant.training_records.all()) == {ect, mentor}


@pytest.mark.parametrize(
    "ect_only_field",
    [
        {"working_pattern": WorkingPattern.FULL_TIME},
        {"induction_start_date": dt.date(2024, 9, 1)},
        {"induction_end_date": dt.date(2026, 7, 31)},
        {"most_recent_induction_period_end_date": dt.date(2025, 7, 31)},
    ],
    ids=lambda field: next(iter(field)),
)
def test_training_record_induction_fields_are_for_ects_only(
    assert_violates: Any, ect_only_field: dict[str, Any]
) -> None:
    with assert_violates("training_record_induction_fields_ect_only"):
        TrainingRecordFactory.create(mentor=True, **ect_only_field)
    TrainingRecordFactory.create(**ect_only_field)


@pytest.mark.parametrize(
    "mentor_only_field",
    [
        {"mentor_ineligible_reason": MentorIneligibleReason.STARTED_NOT_COMPLETED},
        {"mentor_funding_end_date": dt.date(2025, 7, 31)},
    ],
    ids=lambda field: next(iter(field)),
)
def test_training_record_mentor_fields_are_for_mentors_only(
    assert_violates: Any, mentor_only_field: dict[str, Any]
) -> None:
    with assert_violates("training_record_mentor_fields_mentor_only"):
        TrainingRecordFactory.create(**mentor_only_field)
    TrainingRecordFactory.create(mentor=True, **mentor_only_field)


@pytest.mark.parametrize(
    ("funding_eligibility", "eligible_for_funding"),
    [
        (FundingEligibility.ELIGIBLE, True),
        (FundingEligibility.INELIGIBLE, False),
        (FundingEligibility.NOT_YET_KNOWN, None),
    ],
)
def test_training_record_eligible_for_funding_is_tri_state(
    funding_eligibility: FundingEligibility, eligible_for_funding: bool | None
) -> None:
    record = TrainingRecordFactory.create(funding_eligibility=funding_eligibility)
    record.refresh_from_db()  # the column holds a plain string

    assert record.eligible_for_funding is eligible_for_funding


@pytest.mark.parametrize(("kwargs", "is_ect"), [({}, True), ({"mentor": True}, False)])
def test_training_record_is_ect(kwargs: dict[str, Any], is_ect: bool) -> None:
    assert TrainingRecordFactory.create(**kwargs).is_ect is is_ect


def test_training_record_clean_rejects_a_schedule_of_another_cohort() -> None:
    record = TrainingRecordFactory.create(cohort__start_year=2024)
    record.full_clean()

    record.schedule = ScheduleFactory.create(cohort=CohortFactory.create(start_year=2025))
    with pytest.raises(ValidationError) as excinfo:
        record.full_clean()
    assert set(excinfo.value.message_dict) == {"schedule"}


# Training periods -----------------------------------------------------------------------------------


def test_training_period_must_not_end_before_it_starts(assert_violates: Any) -> None:
    start = dt.date(2024, 9, 1)

    with assert_violates("training_period_ends_after_start"):
        TrainingPeriodFactory.create(start_date=start, end_date=start - dt.timedelta(days=1))
    TrainingPeriodFactory.create(start_date=start, end_date=start)


def test_training_period_partnership_needs_a_lead_provider(assert_violates: Any) -> None:
    partnership = PartnershipFactory.create()

    with assert_violates("training_period_partnership_needs_provider"):
        TrainingPeriodFactory.create(school=partnership.school, lead_provider=None, partnership=partnership)
    TrainingPeriodFactory.create(school_led=True)


def test_training_period_one_open_per_record(assert_violates: Any) -> None:
    first = TrainingPeriodFactory.create()
    record = first.training_record

    with assert_violates("training_period_one_open_per_record"):
        TrainingPeriodFactory.create(training_record=record, start_date=dt.date(2025, 1, 1))

    first.end_date = dt.date(2024, 12, 31)
    first.save()
    second = TrainingPeriodFactory.create(training_record=record, start_date=dt.date(2025, 1, 1))
    TrainingPeriodFactory.create(training_record=record, start_date=dt.date(2023, 9, 1), ended=True)
    TrainingPeriodFactory.create()  # another record's open period
    assert list(record.training_periods.filter(end_date__isnull=True)) == [second]


def test_training_period_clean_rejects_a_partnership_of_another_provider() -> None:
    period = TrainingPeriodFactory.create()
    period.full_clean()

    period.partnership = PartnershipFactory.create(school=period.school, cohort=period.training_record.cohort)
    with pytest.raises(ValidationError) as excinfo:
        period.full_clean()
    assert set(excinfo.value.message_dict) == {"partnership"}


def test_training_period_clean_rejects_a_partnership_with_another_school() -> None:
    period = TrainingPeriodFactory.create()
    period.school = SchoolFactory.create()
    with pytest.raises(ValidationError) as excinfo:
        period.full_clean()
    assert set(excinfo.value.message_dict) == {"partnership"}


def test_declaration_clean_checks_participant_and_course_match_the_training_record() -> None:
    declaration = DeclarationFactory.create()
    declaration.full_clean()

    declaration.course_identifier = "ecf-mentor"
    with pytest.raises(ValidationError) as excinfo:
        declaration.full_clean()
    assert set(excinfo.value.message_dict) == {"course_identifier"}

    declaration.course_identifier = "ecf-induction"
    declaration.participant = ParticipantFactory.create()
    with pytest.raises(ValidationError) as excinfo:
        declaration.full_clean()
    assert set(excinfo.value.message_dict) == {"participant"}


@pytest.mark.parametrize(
    ("start_date", "end_date", "induction_status", "status"),
    [
        pytest.param("2025-01-01", "2025-03-02", InductionStatus.LEAVING, ParticipantStatus.LEAVING, id="leaving"),
        pytest.param("2025-01-01", "2025-03-01", InductionStatus.LEAVING, ParticipantStatus.LEFT, id="left-today"),
        pytest.param("2025-01-01", "2025-02-01", InductionStatus.ACTIVE, ParticipantStatus.LEFT, id="left"),
        pytest.param("2025-01-01", "2025-02-01", InductionStatus.WITHDRAWN, ParticipantStatus.LEFT, id="ended-wd"),
        pytest.param("2025-03-02", None, InductionStatus.ACTIVE, ParticipantStatus.JOINING, id="joining"),
        pytest.param("2025-03-02", None, InductionStatus.WITHDRAWN, ParticipantStatus.JOINING, id="joining-wd"),
        pytest.param("2025-01-01", None, InductionStatus.WITHDRAWN, ParticipantStatus.WITHDRAWN, id="withdrawn"),
        pytest.param("2025-03-01", None, InductionStatus.ACTIVE, ParticipantStatus.ACTIVE, id="starts-today"),
        pytest.param("2025-01-01", None, InductionStatus.ACTIVE, ParticipantStatus.ACTIVE, id="active"),
        pytest.param("2025-01-01", None, InductionStatus.LEAVING, ParticipantStatus.ACTIVE, id="open-leaving"),
        pytest.param("2025-01-01", None, InductionStatus.COMPLETED, ParticipantStatus.ACTIVE, id="completed"),
    ],
)
def test_training_period_participant_status(
    start_date: str, end_date: str | None, induction_status: InductionStatus, status: ParticipantStatus
) -> None:
    period = TrainingPeriod(
        start_date=dt.date.fromisoformat(start_date),
        end_date=None if end_date is None else dt.date.fromisoformat(end_date),
        induction_status=induction_status,
    )

    assert period.participant_status(dt.date(2025, 3, 1)) == status


# Mentor assignments ---------------------------------------------------------------------------------


def test_mentor_assignment_must_not_end_before_it_starts(assert_violates: Any) -> None:
    start = dt.date(2024, 9, 1)

    with assert_violates("mentor_assignment_ends_after_start"):
        MentorAssignmentFactory.create(start_date=start, end_date=start - dt.timedelta(days=1))
    MentorAssignmentFactory.create(start_date=start, end_date=start)


def test_mentor_assignment_must_not_be_to_self(assert_violates: Any) -> None:
    record = TrainingRecordFactory.create()

    with assert_violates("mentor_assignment_not_self"):
        MentorAssignmentFactory.create(ect=record, mentor=record)


def test_mentor_assignment_one_current_per_ect(assert_violates: Any) -> None:
    first = MentorAssignmentFactory.create()
    ect = first.ect

    with assert_violates("mentor_assignment_one_current"):
        MentorAssignmentFactory.create(ect=ect)

    first.end_date = dt.date(2024, 12, 31)
    first.save()
    second = MentorAssignmentFactory.create(ect=ect, start_date=dt.date(2025, 1, 1))
    MentorAssignmentFactory.create(mentor=second.mentor)  # a mentor may have several current mentees
    assert list(ect.mentor_assignments.filter(end_date__isnull=True)) == [second]


def test_mentor_assignment_clean_checks_the_record_types() -> None:
    assignment = MentorAssignmentFactory.create()
    assignment.full_clean()
    another_ect = TrainingRecordFactory.create()
    another_mentor = TrainingRecordFactory.create(mentor=True)

    assignment.ect = another_mentor
    with pytest.raises(ValidationError) as excinfo:
        assignment.clean()
    assert set(excinfo.value.message_dict) == {"ect"}

    assignment.ect, assignment.mentor = another_ect, TrainingRecordFactory.create()
    with pytest.raises(ValidationError) as excinfo:
        assignment.clean()
    assert set(excinfo.value.message_dict) == {"mentor"}


# Training status changes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("training_status", "reason"),
    [
        (TrainingStatus.ACTIVE, WithdrawReason.OTHER),
        (TrainingStatus.ACTIVE, DeferReason.BEREAVEMENT),
        (TrainingStatus.WITHDRAWN, ""),
        (TrainingStatus.DEFERRED, ""),
        (TrainingStatus.WITHDRAWN, DeferReason.BEREAVEMENT),
        (TrainingStatus.DEFERRED, WithdrawReason.MOVED_SCHOOL),
    ],
)
def test_training_status_change_reason_fits_status(
    assert_violates: Any, training_status: TrainingStatus, reason: str
) -> None:
    with assert_violates("training_status_change_reason_fits_status"):
        TrainingStatusChangeFactory.create(training_status=training_status, reason=reason)


@pytest.mark.parametrize(
    ("training_status", "reason"),
    [
        (TrainingStatus.ACTIVE, ""),
        (TrainingStatus.WITHDRAWN, WithdrawReason.MOVED_SCHOOL),
        (TrainingStatus.DEFERRED, DeferReason.CAREER_BREAK),
    ],
)
def test_training_status_change_valid_reasons(training_status: TrainingStatus, reason: str) -> None:
    TrainingStatusChangeFactory.create(training_status=training_status, reason=reason).full_clean()


# Declarations ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("existing_state", list(DeclarationState))
def test_declaration_one_live_per_slot(assert_violates: Any, existing_state: DeclarationState) -> None:
    existing = DeclarationFactory.create(**STATE_TRAITS[existing_state])

    if existing_state in LIVE_DECLARATION_STATES:
        with assert_violates("declaration_one_live_per_slot"):
            DeclarationFactory.create(training_record=existing.training_record)
    else:
        DeclarationFactory.create(training_record=existing.training_record)


@pytest.mark.parametrize("new_state", LIVE_DECLARATION_STATES)
def test_declaration_slot_is_shared_by_every_live_state_and_provider(
    assert_violates: Any, new_state: DeclarationState
) -> None:
    existing = DeclarationFactory.create()

    for lead_provider in (existing.lead_provider, LeadProviderFactory.create()):
        with assert_violates("declaration_one_live_per_slot"):
            DeclarationFactory.create(
                training_record=existing.training_record,
                lead_provider=lead_provider,
                **STATE_TRAITS[new_state],
            )


def test_declaration_slot_is_per_course_and_type() -> None:
    ect_declaration = DeclarationFactory.create()
    participant = ect_declaration.participant

    DeclarationFactory.create(
        training_record=ect_declaration.training_record, declaration_type=DeclarationType.RETAINED_1
    )
    DeclarationFactory.create(training_record=TrainingRecordFactory.create(participant=participant, mentor=True))
    assert participant.declarations.count() == 3


def test_voiding_a_declaration_frees_its_slot(assert_violates: Any) -> None:
    existing = DeclarationFactory.create()
    with assert_violates("declaration_one_live_per_slot"):
        DeclarationFactory.create(training_record=existing.training_record)

    existing.state = DeclarationState.VOIDED
    existing.voided_at = timezone.now()
    existing.save()
    replacement = DeclarationFactory.create(training_record=existing.training_record)
    replacement.full_clean()


@pytest.mark.parametrize(
    "state",
    [
        DeclarationState.ELIGIBLE,
        DeclarationState.PAYABLE,
        DeclarationState.PAID,
        *REFUNDABLE_DECLARATION_STATES,
    ],
)
def test_declaration_billable_or_refundable_needs_a_payment_statement(
    assert_violates: Any, state: DeclarationState
) -> None:
    traits = STATE_TRAITS[state]

    with assert_violates("declaration_billable_has_payment_statement"):
        DeclarationFactory.create(**traits, payment_statement=None)


@pytest.mark.parametrize("state", REFUNDABLE_DECLARATION_STATES)
def test_declaration_refundable_needs_a_clawback_statement(assert_violates: Any, state: DeclarationState) -> None:
    with assert_violates("declaration_clawback_statement_iff_refundable"):
        DeclarationFactory.create(**STATE_TRAITS[state], clawback_statement=None)


@pytest.mark.parametrize(
    "state",
    [
        DeclarationState.SUBMITTED,
        DeclarationState.ELIGIBLE,
        DeclarationState.PAID,
        DeclarationState.VOIDED,
        DeclarationState.INELIGIBLE,
    ],
)
def test_declaration_clawback_statement_only_when_refundable(assert_violates: Any, state: DeclarationState) -> None:
    record = TrainingRecordFactory.create()
    lead_provider = LeadProviderFactory.create()
    statement = StatementFactory.create(lead_provider=lead_provider, cohort=record.cohort)

    with assert_violates("declaration_clawback_statement_iff_refundable"):
        DeclarationFactory.create(
            training_record=record,
            lead_provider=lead_provider,
            clawback_statement=statement,
            **STATE_TRAITS[state],
        )


@pytest.mark.parametrize("state", [DeclarationState.VOIDED, *REFUNDABLE_DECLARATION_STATES])
def test_declaration_voided_needs_voided_at(assert_violates: Any, state: DeclarationState) -> None:
    with assert_violates("declaration_voided_at_iff_voided"):
        DeclarationFactory.create(**STATE_TRAITS[state], voided_at=None)


@pytest.mark.parametrize(
    "state",
    [
        DeclarationState.SUBMITTED,
        DeclarationState.ELIGIBLE,
        DeclarationState.PAYABLE,
        DeclarationState.PAID,
        DeclarationState.INELIGIBLE,
    ],
)
def test_declaration_voided_at_only_when_voided(assert_violates: Any, state: DeclarationState) -> None:
    with assert_violates("declaration_voided_at_iff_voided"):
        DeclarationFactory.create(**STATE_TRAITS[state], voided_at=timezone.now())


@pytest.mark.parametrize("state", [s for s in DeclarationState if s != DeclarationState.INELIGIBLE])
def test_declaration_ineligible_reason_only_when_ineligible(assert_violates: Any, state: DeclarationState) -> None:
    with assert_violates("declaration_reason_only_when_ineligible"):
        DeclarationFactory.create(**STATE_TRAITS[state], ineligible_reason=IneligibleReason.DUPLICATE_DECLARATION)


def test_declaration_ineligible_reason_is_optional() -> None:
    DeclarationFactory.create(ineligible=True).full_clean()
    DeclarationFactory.create(ineligible=True, ineligible_reason="").full_clean()


def test_declaration_clawback_must_be_on_another_statement(assert_violates: Any) -> None:
    paid = DeclarationFactory.create(paid=True)
    statement = paid.payment_statement

    with assert_violates("declaration_clawback_on_later_statement"):
        DeclarationFactory.create(
            training_record=paid.training_record,
            lead_provider=paid.lead_provider,
            state=DeclarationState.AWAITING_CLAWBACK,
            payment_statement=statement,
            clawback_statement=statement,
            voided_at=timezone.now(),
        )


@pytest.mark.parametrize(("kwargs", "is_ect"), [({}, True), ({"mentor": True}, False)])
def test_declaration_is_ect(kwargs: dict[str, Any], is_ect: bool) -> None:
    assert DeclarationFactory.create(**kwargs).is_ect is is_ect


def test_a_training_records_course_is_the_apis_course_identifier() -> None:
    assert TrainingRecordFactory.create().course_identifier == "ecf-induction"
    assert TrainingRecordFactory.create(mentor=True).course_identifier == "ecf-mentor"
