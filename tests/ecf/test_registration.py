"""The registration service: one participant (`participant_register`) and a batch (`participant_import`)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ecf.choices import FundingEligibility, InductionStatus, ParticipantType, TrainingStatus, WorkingPattern
from ecf.models import (
    Cohort,
    DeliveryPartner,
    LeadProvider,
    MentorAssignment,
    Participant,
    School,
    TrainingPeriod,
    TrainingRecord,
)
from ecf.services import registration as reg
from ecf.services.registration import (
    ImportReport,
    Match,
    RegistrationDetails,
    RegistrationProblem,
    participant_import,
    participant_register,
)
from partnerships.models import Partnership
from tests.ecf import participant_builders as build
from tests.ecf.factories import (
    CohortFactory,
    DeliveryPartnerFactory,
    LeadProviderFactory,
    ParticipantFactory,
    ScheduleFactory,
    SchoolCohortFactory,
    SchoolFactory,
)
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """A lead provider in partnership (with a delivery partner) with a school in the 2024 cohort."""

    cohort: Cohort
    school: School
    provider: LeadProvider
    partner: DeliveryPartner
    partnership: Partnership

    def details(self, **values: Any) -> RegistrationDetails:
        """A valid ECT registration at this world's school, changed by `values`."""
        defaults = {
            "full_name": "Jane Doe",
            "email": "jane.doe@example.com",
            "trn": "1234567",
            "school_urn": self.school.urn,
            "role": "ect",
            "cohort": str(self.cohort.start_year),
            "lead_provider": self.provider.name,
        }
        return RegistrationDetails(**(defaults | values))


@pytest.fixture
def world() -> World:
    cohort = CohortFactory.create(start_year=2024)
    for identifier in ("ecf-standard-september", "ecf-replacement-september", "ecf-reduced-september"):
        ScheduleFactory.create(cohort=cohort, identifier=identifier)
    partnership = PartnershipFactory.create(cohort=cohort)
    return World(cohort, partnership.school, partnership.lead_provider, partnership.delivery_partner, partnership)


def register(details: RegistrationDetails) -> reg.RegistrationOutcome:
    return participant_register(details=details, reason="test registration")


def reasons(instance: Any) -> list[str]:
    return [row.history_change_reason for row in instance.history.all()]


# One participant -----------------------------------------------------------------------------------


def test_a_new_ect_gets_a_participant_record_period_and_history(world: World) -> None:
    SchoolCohortFactory.create(school=world.school, cohort=world.cohort, pupil_premium_uplift=True)

    outcome = register(world.details())

    participant = Participant.objects.get()
    assert (participant.full_name, participant.trn, participant.trn_validated) == ("Jane Doe", "1234567", False)
    record = TrainingRecord.objects.get()
    assert record.participant == participant
    assert record.participant_type == ParticipantType.ECT
    assert record.email == "jane.doe@example.com"
    assert record.cohort == world.cohort
    assert record.schedule.identifier == "ecf-standard-september"
    assert record.schedule.cohort == world.cohort
    assert record.funding_eligibility == FundingEligibility.NOT_YET_KNOWN
    assert (record.pupil_premium_uplift, record.sparsity_uplift) == (True, False)
    assert record.working_pattern == WorkingPattern.FULL_TIME
    period = TrainingPeriod.objects.get()
    assert period.training_record == record
    assert period.school == world.school
    assert period.lead_provider == world.provider
    assert period.partnership_id == world.partnership.pk
    assert period.start_date == dt.date(2024, 9, 1)
    assert period.end_date is None
    assert (period.training_status, period.induction_status) == (TrainingStatus.ACTIVE, InductionStatus.ACTIVE)
    assert not MentorAssignment.objects.exists()
    for instance in (participant, record, period):
        assert reasons(instance) == ["test registration"]
    assert outcome == reg.RegistrationOutcome(
        line=0,
        full_name="Jane Doe",
        participant_type=ParticipantType.ECT,
        match=Match.NEW,
        participant_id=participant.pk,
        same_person_as_line=None,
        training_record_id=record.pk,
        lead_provider=world.provider.name,
        school=f"{world.school.name} ({world.school.urn})",
        cohort=2024,
        delivery_partner=world.partner.name,
        mentor_email="",
        mentor_line=None,
    )


def test_a_mentor_has_no_working_pattern(world: World) -> None:
    register(world.details(role="mentor"))

    record = TrainingRecord.objects.get()
    assert record.participant_type == ParticipantType.MENTOR
    assert record.working_pattern == ""


def test_values_are_trimmed_and_the_role_is_read_in_any_case(world: World) -> None:
    register(world.details(full_name="  Jane Doe ", email=" jane.doe@example.com ", role=" ECT ", trn=" 1234567"))

    record = TrainingRecord.objects.select_related("participant").get()
    assert (record.participant.full_name, record.participant.trn) == ("Jane Doe", "1234567")
    assert (record.email, record.participant_type) == ("jane.doe@example.com", ParticipantType.ECT)


def test_no_trn_is_allowed(world: World) -> None:
    register(world.details(trn=""))

    assert Participant.objects.get().trn == ""


@pytest.mark.parametrize(
    ("year", "school_cohort", "expected"),
    [
        pytest.param(2024, {"pupil_premium_uplift": True, "sparsity_uplift": True}, (True, True), id="both"),
        pytest.param(2024, {"sparsity_uplift": True}, (False, True), id="sparsity"),
        pytest.param(2024, None, (False, False), id="no school cohort"),
        pytest.param(
            2025, {"pupil_premium_uplift": True, "sparsity_uplift": True}, (False, False), id="uplift fees disabled"
        ),
    ],
)
def test_uplifts_come_from_the_school_cohort_when_the_cohort_pays_them(
    world: World, year: int, school_cohort: dict[str, bool] | None, expected: tuple[bool, bool]
) -> None:
    cohort = CohortFactory.create(start_year=year)
    ScheduleFactory.create(cohort=cohort)
    if cohort != world.cohort:
        build.partnership(world.provider, world.school, cohort)
    if school_cohort is not None:
        SchoolCohortFactory.create(school=world.school, cohort=cohort, **school_cohort)
    assert cohort.uplift_fees_enabled is (year <= 2024)

    register(world.details(cohort=str(year)))

    record = TrainingRecord.objects.get()
    assert (record.pupil_premium_uplift, record.sparsity_uplift) == expected


def test_start_date_schedule_and_matching_delivery_partner_are_used(world: World) -> None:
    ScheduleFactory.create(cohort=world.cohort, identifier="ecf-extended-january")

    register(
        world.details(start_date="2025-01-06", schedule="ecf-extended-january", delivery_partner=world.partner.name)
    )

    record = TrainingRecord.objects.get()
    assert record.schedule.identifier == "ecf-extended-january"
    assert record.training_periods.get().start_date == dt.date(2025, 1, 6)


def test_the_partnership_of_the_rows_cohort_is_used(world: World) -> None:
    """The provider partners the school in two cohorts: the period goes into the row's cohort's partnership."""
    later = CohortFactory.create(start_year=2025)
    ScheduleFactory.create(cohort=later)
    partnership_2025 = build.partnership(world.provider, world.school, later)

    register(world.details(cohort="2025"))

    assert TrainingPeriod.objects.get().partnership == partnership_2025


def test_an_existing_ect_found_by_trn_gets_a_mentor_record_on_the_same_participant(world: World) -> None:
    existing = build.ect(ParticipantFactory.create(trn="1234567", full_name="Jane Smith"))

    outcome = register(world.details(role="mentor", email="jane.mentor@example.com"))

    assert Participant.objects.get() == existing.participant
    assert existing.participant.full_name == "Jane Smith"  # an existing person's name is not changed
    mentor = TrainingRecord.objects.get(participant_type=ParticipantType.MENTOR)
    assert mentor.participant == existing.participant
    assert (outcome.match, outcome.participant_id) == (Match.TRN, existing.participant_id)
    assert reasons(existing.participant) == [None]  # not written


def test_an_existing_person_is_found_by_the_email_of_a_training_record_ignoring_case(world: World) -> None:
    existing = build.mentor(ParticipantFactory.create(without_trn=True), email="Jane.Doe@Example.com")

    outcome = register(world.details(trn="", email="jane.doe@example.com"))

    assert Participant.objects.get() == existing.participant
    assert (outcome.match, outcome.participant_id) == (Match.EMAIL, existing.participant_id)
    assert existing.participant.training_records.count() == 2


def test_an_existing_person_found_by_email_without_a_trn_takes_the_rows_trn(world: World) -> None:
    existing = build.mentor(ParticipantFactory.create(without_trn=True), email="jane.doe@example.com")

    register(world.details(trn="7654321"))

    existing.participant.refresh_from_db()
    assert existing.participant.trn == "7654321"
    assert reasons(existing.participant)[0] == "test registration"


def test_the_trn_is_looked_up_before_the_email(world: World) -> None:
    by_email = build.mentor(ParticipantFactory.create(without_trn=True), email="jane.doe@example.com")
    by_trn = build.mentor(ParticipantFactory.create(trn="1234567"))

    outcome = register(world.details())

    assert outcome.participant_id == by_trn.participant_id
    assert not by_email.participant.training_records.filter(participant_type=ParticipantType.ECT).exists()


def test_an_unknown_trn_falls_back_to_the_email(world: World) -> None:
    existing = build.mentor(ParticipantFactory.create(without_trn=True), email="jane.doe@example.com")

    outcome = register(world.details(trn="7654321"))

    assert (outcome.match, outcome.participant_id) == (Match.EMAIL, existing.participant_id)


def test_an_ect_is_assigned_an_existing_mentor_from_its_start_date(world: World) -> None:
    mentor = build.mentor(email="mentor@example.com")

    register(world.details(mentor_email="MENTOR@example.com", start_date="2024-10-01"))

    assignment = MentorAssignment.objects.get()
    assert assignment.ect == TrainingRecord.objects.get(participant__trn="1234567")
    assert (assignment.mentor, assignment.start_date, assignment.end_date) == (mentor, dt.date(2024, 10, 1), None)
    assert reasons(assignment) == ["test registration"]


# Every rule, one message each ---------------------------------------------------------------------


def _challenge(world: World) -> None:
    Partnership.objects.filter(pk=world.partnership.pk).update(
        status="challenged", challenge_reason="mistake", challenged_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    )


def _nothing(world: World) -> None:
    pass


def _where(world: World) -> str:
    return f"{world.school.name} ({world.school.urn}) in the 2024 cohort"


def _sam(*, trn: str, ect: bool = False, mentor_email: str = "") -> Participant:
    """Sam Jones, already registered as an ECT or as a mentor (with `mentor_email`)."""
    sam = ParticipantFactory.create(full_name="Sam Jones", trn=trn)
    if ect:
        build.ect(sam)
    else:
        build.mentor(sam, email=mentor_email)
    return sam


Setup = Callable[[World], object]

RULES: list[Any] = [
    *(
        pytest.param({column: ""}, _nothing, column, reg.REQUIRED.format(column=column), id=f"{column} required")
        for column in reg.REQUIRED_COLUMNS
        if column not in ("school_urn", "lead_provider", "cohort")  # these also spoil the partnership check
    ),
    pytest.param({"full_name": "x" * 256}, _nothing, "full_name", reg.FULL_NAME_TOO_LONG, id="full name too long"),
    pytest.param(
        {"email": "jane.example.com"},
        _nothing,
        "email",
        "email 'jane.example.com' is not a valid email address.",
        id="bad email",
    ),
    pytest.param(
        {"email": "j" * 250 + "@example.com"},
        _nothing,
        "email",
        f"email '{'j' * 250}@example.com' is not a valid email address.",
        id="email too long",
    ),
    pytest.param(
        {"mentor_email": "mentor@"},
        _nothing,
        "mentor_email",
        "mentor_email 'mentor@' is not a valid email address.",
        id="bad mentor email",
    ),
    *(
        pytest.param(
            {"trn": trn}, _nothing, "trn", f"trn '{trn}' is not a TRN: a TRN is 7 digits.", id=f"bad trn {trn}"
        )
        for trn in ("123456", "12345678", "12345a7", "RP12345")
    ),
    pytest.param({"role": "teacher"}, _nothing, "role", "role 'teacher' is not a role: use ect or mentor.", id="role"),
    pytest.param(
        {"schedule": "ecf-standard-june"},
        _nothing,
        "schedule",
        "schedule 'ecf-standard-june': the 2024 cohort has no schedule with this identifier.",
        id="unknown schedule",
    ),
    *(
        pytest.param(
            {"start_date": value},
            _nothing,
            "start_date",
            f"start_date '{value}' is not a date in the form YYYY-MM-DD.",
            id=f"start date {value}",
        )
        for value in ("01/09/2024", "2024-13-01", "20240901", "2024-9-1")
    ),
    pytest.param(
        {"role": "ect", "schedule": "ecf-replacement-september"},
        _nothing,
        "schedule",
        "schedule 'ecf-replacement-september' is a replacement schedule, for mentors only.",
        id="replacement schedule for an ECT",
    ),
    pytest.param(
        {"role": "mentor", "schedule": "ecf-reduced-september"},
        _nothing,
        "schedule",
        "schedule 'ecf-reduced-september' is a reduced schedule: mentors cannot be placed on one.",
        id="reduced schedule for a mentor",
    ),
    pytest.param(
        {"delivery_partner": "Nobody Partners"},
        _nothing,
        "delivery_partner",
        "delivery_partner 'Nobody Partners': no delivery partner has this exact name.",
        id="unknown delivery partner",
    ),
    pytest.param(
        {"delivery_partner": "Other partner"},
        lambda world: DeliveryPartnerFactory.create(name="Other partner"),
        "delivery_partner",
        lambda world, _: (
            f"delivery_partner 'Other partner' is not the delivery partner of {world.provider.name}'s partnership "
            f"with {_where(world)} ({world.partner.name}): leave it empty or give {world.partner.name}."
        ),
        id="delivery partner not the partnership's",
    ),
    pytest.param(
        {},
        _challenge,
        "lead_provider",
        lambda world, _: (
            f"lead_provider: the school challenged {world.provider.name}'s partnership with {_where(world)}: "
            "it is not active."
        ),
        id="challenged partnership",
    ),
    pytest.param(
        {"role": "mentor", "mentor_email": "mentor@example.com"},
        _nothing,
        "mentor_email",
        "mentor_email is for ECT rows only: leave it empty for a mentor.",
        id="mentor with a mentor",
    ),
    pytest.param(
        {"mentor_email": "nobody@example.com"},
        _nothing,
        "mentor_email",
        "mentor_email nobody@example.com: no mentor training record has this email, in this file or already "
        "registered.",
        id="mentor not found",
    ),
    pytest.param(
        {"mentor_email": "ect@example.com"},
        lambda world: build.ect(email="ect@example.com"),
        "mentor_email",
        "mentor_email ect@example.com: no mentor training record has this email, in this file or already registered.",
        id="mentor email of an ECT record",
    ),
    pytest.param(
        {"mentor_email": "mentor@example.com"},
        lambda world: [build.mentor(email="mentor@example.com"), build.mentor(email="Mentor@example.com")],
        "mentor_email",
        "mentor_email mentor@example.com: several mentor training records have this email.",
        id="mentor ambiguous",
    ),
    pytest.param(
        {"mentor_email": "jane.mentor@example.com"},
        lambda world: build.mentor(ParticipantFactory.create(trn="1234567"), email="jane.mentor@example.com"),
        "mentor_email",
        "mentor_email jane.mentor@example.com is this person's own mentor training record: an ECT cannot mentor "
        "themselves.",
        id="mentor self",
    ),
    pytest.param(
        {},
        lambda world: ParticipantFactory.create_batch(2, trn="1234567"),
        "trn",
        "trn 1234567: several participants have this TRN; merge them in the back office first.",
        id="trn ambiguous",
    ),
    pytest.param(
        {"trn": ""},
        lambda world: [build.mentor(email="jane.doe@example.com"), build.mentor(email="jane.doe@example.com")],
        "email",
        "email jane.doe@example.com: training records of several people have this email; give the person's TRN.",
        id="email ambiguous",
    ),
    pytest.param(
        {},
        lambda world: _sam(trn="7654321", mentor_email="jane.doe@example.com"),
        "email",
        lambda world, sam: (
            f"email jane.doe@example.com belongs to participant Sam Jones ({sam.pk}), whose TRN is 7654321, "
            "not 1234567."
        ),
        id="email of someone with another TRN",
    ),
    pytest.param(
        {},
        lambda world: _sam(trn="1234567", ect=True),
        "row",
        lambda world, sam: f"participant Sam Jones ({sam.pk}) (found by TRN) already has an ECT training record.",
        id="already an ECT, found by TRN",
    ),
    pytest.param(
        {"trn": "", "role": "mentor"},
        lambda world: _sam(trn="7654321", mentor_email="jane.doe@example.com"),
        "row",
        lambda world, sam: f"participant Sam Jones ({sam.pk}) (found by email) already has a mentor training record.",
        id="already a mentor, found by email",
    ),
]


@pytest.mark.parametrize(("values", "setup", "column", "message"), RULES)
def test_each_rule_is_one_message_naming_its_column(
    world: World,
    values: dict[str, str],
    setup: Setup,
    column: str,
    message: str | Callable[[World, Any], str],
) -> None:
    made = setup(world)
    expected = message if isinstance(message, str) else message(world, made)
    counts = _counts()

    with pytest.raises(ValidationError) as error:
        register(world.details(**values))

    assert error.value.message_dict == {column: [expected]}
    assert _counts() == counts


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            {"school_urn": "999999"},
            {"school_urn": ["school_urn '999999': no school has this URN."]},
            id="unknown school",
        ),
        pytest.param({"school_urn": ""}, {"school_urn": ["school_urn is required."]}, id="school required"),
        pytest.param(
            {"lead_provider": "Nobody Trains"},
            {"lead_provider": ["lead_provider 'Nobody Trains': no lead provider has this exact name."]},
            id="unknown provider",
        ),
        pytest.param(
            {"lead_provider": "NOBODY"},
            {"lead_provider": ["lead_provider 'NOBODY': no lead provider has this exact name."]},
            id="provider names are exact",
        ),
        pytest.param({"lead_provider": ""}, {"lead_provider": ["lead_provider is required."]}, id="provider required"),
        pytest.param(
            {"cohort": "2031"},
            {"cohort": ["cohort 2031: there is no such cohort."]},
            id="unknown cohort",
        ),
        pytest.param(
            {"cohort": "24"},
            {"cohort": ["cohort '24' is not a year such as 2024."]},
            id="cohort not a year",
        ),
        pytest.param({"cohort": ""}, {"cohort": ["cohort is required."]}, id="cohort required"),
    ],
)
def test_unknown_references_are_reported_without_a_partnership_message(
    world: World, values: dict[str, str], expected: dict[str, list[str]]
) -> None:
    if values.get("lead_provider") == "NOBODY":
        LeadProviderFactory.create(name="Nobody")

    with pytest.raises(ValidationError) as error:
        register(world.details(**values))

    assert error.value.message_dict == expected


def test_no_partnership_of_the_provider_with_the_school_in_the_cohort(world: World) -> None:
    other_provider = LeadProviderFactory.create()
    # The provider partners the school in another cohort, and another school in this one.
    build.partnership(other_provider, world.school, CohortFactory.create(start_year=2025))
    build.partnership(other_provider, SchoolFactory.create(), world.cohort)

    with pytest.raises(ValidationError) as error:
        register(world.details(lead_provider=other_provider.name))

    assert error.value.message_dict == {
        "lead_provider": [
            f"lead_provider: {other_provider.name} has no partnership with {world.school.name} "
            f"({world.school.urn}) in the 2024 cohort."
        ]
    }


def test_every_problem_of_a_registration_is_reported(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        register(world.details(full_name="", email="nope", trn="12", role="boss", school_urn="999999"))

    assert error.value.message_dict == {
        "full_name": ["full_name is required."],
        "email": ["email 'nope' is not a valid email address."],
        "trn": ["trn '12' is not a TRN: a TRN is 7 digits."],
        "role": ["role 'boss' is not a role: use ect or mentor."],
        "school_urn": ["school_urn '999999': no school has this URN."],
    }


# Batches -------------------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Participant, TrainingRecord, TrainingPeriod, MentorAssignment)
    }


def _rows(world: World, *rows: dict[str, str]) -> list[RegistrationDetails]:
    return [replace(world.details(**values), line=line) for line, values in enumerate(rows, start=2)]


def _problems(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(problem.line, problem.field, problem.message) for problem in report.problems]


def test_a_mentor_from_a_later_line_of_the_batch_is_assigned(world: World) -> None:
    rows = _rows(
        world,
        {"full_name": "Ben", "trn": "2000001", "email": "ben@example.com", "mentor_email": "amy@example.com"},
        {"full_name": "Amy", "trn": "2000002", "email": "amy@example.com", "role": "mentor"},
    )

    report = participant_import(rows=rows)

    assignment = MentorAssignment.objects.select_related("ect__participant", "mentor__participant").get()
    assert (assignment.ect.participant.full_name, assignment.mentor.participant.full_name) == ("Ben", "Amy")
    assert reasons(assignment) == ["participants import (line 2)"]
    assert [outcome.mentor_line for outcome in report.outcomes] == [3, None]
    assert (report.mentor_assignments_created, report.participants_created, report.training_records_created) == (
        1,
        2,
        2,
    )


def test_each_write_names_its_line_in_the_history(world: World) -> None:
    participant_import(
        rows=_rows(world, {"trn": "2000001", "email": "a@example.com"}, {"trn": "2000002", "email": "b@example.com"})
    )

    for trn, line in (("2000001", 2), ("2000002", 3)):
        record = TrainingRecord.objects.get(participant__trn=trn)
        expected = [f"participants import (line {line})"]
        assert reasons(record) == reasons(record.participant) == reasons(record.training_periods.get()) == expected


def test_a_person_in_both_roles_in_one_batch_is_one_participant(world: World) -> None:
    rows = _rows(
        world,
        {"role": "ect", "email": "jane@example.com"},
        {"role": "mentor", "email": "jane.mentoring@example.com"},  # same TRN
        {"role": "mentor", "trn": "", "email": "JANE@example.com", "full_name": "J. Doe"},  # same email: duplicate
    )

    report = participant_import(rows=rows, partial=True)

    participant = Participant.objects.get()
    assert sorted(participant.training_records.values_list("participant_type", flat=True)) == ["ect", "mentor"]
    assert [(o.line, o.match, o.same_person_as_line) for o in report.outcomes] == [
        (2, Match.NEW, None),
        (3, Match.TRN, 2),
    ]
    assert _problems(report) == [
        (4, "row", "duplicate of line 3: the same person is registered as a mentor there."),
    ]
    assert (report.participants_created, report.training_records_created, report.participants_reused) == (1, 2, 0)


def test_a_later_row_gives_a_new_person_their_trn(world: World) -> None:
    rows = _rows(
        world,
        {"role": "ect", "trn": "", "email": "jane@example.com"},
        {"role": "mentor", "trn": "1234567", "email": "jane@example.com"},
    )

    participant_import(rows=rows)

    participant = Participant.objects.get()
    assert participant.trn == "1234567"
    assert reasons(participant) == ["participants import (line 3)", "participants import (line 2)"]


def test_duplicate_rows_of_a_person_and_role(world: World) -> None:
    rows = _rows(world, {}, {"email": "other@example.com"}, {"trn": "", "email": "JANE.DOE@example.com"})

    report = participant_import(rows=rows, dry_run=True)

    assert _problems(report) == [
        (3, "row", "duplicate of line 2: the same person is registered as an ECT there."),
        (4, "row", "duplicate of line 2: the same person is registered as an ECT there."),
    ]


def test_an_email_given_with_another_trn_on_an_earlier_row(world: World) -> None:
    report = participant_import(rows=_rows(world, {}, {"trn": "7654321", "role": "mentor"}), dry_run=True)

    assert _problems(report) == [
        (3, "email", "email jane.doe@example.com belongs to the person on line 2, whose TRN is 1234567, not 7654321."),
    ]


def test_an_ects_mentor_on_a_rejected_row_rejects_the_ect(world: World) -> None:
    rows = _rows(
        world,
        {"role": "mentor", "trn": "2000001", "email": "amy@example.com", "school_urn": "999999"},
        {"trn": "2000002", "email": "ben@example.com", "mentor_email": "amy@example.com"},
        {"trn": "2000003", "email": "cat@example.com"},
    )

    report = participant_import(rows=rows, partial=True)

    assert _problems(report) == [
        (2, "school_urn", "school_urn '999999': no school has this URN."),
        (3, "mentor_email", "mentor_email amy@example.com: the mentor's row (line 2) is rejected."),
    ]
    assert [outcome.line for outcome in report.outcomes] == [4]
    assert list(Participant.objects.values_list("trn", flat=True)) == ["2000003"]


def test_a_rejected_ect_row_does_not_stop_the_same_persons_mentor_row(world: World) -> None:
    """The person is created by the first of their rows that is written, with that row's values."""
    rows = _rows(
        world,
        {"full_name": "Jane (ECT row)", "mentor_email": "nobody@example.com"},
        {"full_name": "Jane (mentor row)", "role": "mentor", "trn": "", "email": "jane.doe@example.com"},
    )

    report = participant_import(rows=rows, partial=True)

    assert [problem.line for problem in report.problems] == [2]
    participant = Participant.objects.get()
    assert (participant.full_name, participant.trn) == ("Jane (mentor row)", "")
    assert report.outcomes[0].same_person_as_line is None


def test_a_second_person_with_an_earlier_rows_email_needs_their_trn_to_differ(world: World) -> None:
    rows = _rows(
        world,
        {"role": "mentor", "trn": "2000001", "email": "amy@example.com"},
        {"role": "mentor", "trn": "2000002", "email": "amy@example.com"},
        {"trn": "2000003", "email": "ben@example.com", "mentor_email": "amy@example.com"},
    )

    report = participant_import(rows=rows, dry_run=True, partial=True)

    assert _problems(report) == [
        (3, "email", "email amy@example.com belongs to the person on line 2, whose TRN is 2000001, not 2000002."),
    ]
    assert report.outcomes[-1].mentor_line == 2


@pytest.mark.parametrize("registered", [False, True], ids=["two batch mentors", "batch and registered mentor"])
def test_mentors_sharing_an_email_make_an_ects_mentor_ambiguous(world: World, registered: bool) -> None:
    """People found by TRN keep their own records' emails, so two mentor records can share one."""
    build.ect(ParticipantFactory.create(trn="2000001"))
    build.ect(ParticipantFactory.create(trn="2000002"))
    mentors = [{"role": "mentor", "trn": "2000001", "email": "amy@example.com"}]
    if registered:
        build.mentor(email="Amy@example.com")
    else:
        mentors.append({"role": "mentor", "trn": "2000002", "email": "amy@example.com"})
    rows = _rows(world, *mentors, {"trn": "2000003", "email": "ben@example.com", "mentor_email": "amy@example.com"})

    report = participant_import(rows=rows, dry_run=True, partial=True)

    assert _problems(report) == [
        (
            len(mentors) + 2,
            "mentor_email",
            "mentor_email amy@example.com: several mentor training records have this email.",
        ),
    ]


def test_an_ect_cannot_be_their_own_mentor_in_a_batch(world: World) -> None:
    rows = _rows(
        world,
        {"role": "mentor", "email": "jane.mentor@example.com"},
        {"role": "ect", "mentor_email": "jane.mentor@example.com"},
    )

    report = participant_import(rows=rows, dry_run=True)

    assert _problems(report) == [
        (
            3,
            "mentor_email",
            "mentor_email jane.mentor@example.com is this person's own mentor training record: an ECT cannot mentor "
            "themselves.",
        )
    ]


def test_a_batch_with_a_rejected_row_writes_nothing(world: World) -> None:
    rows = _rows(world, {"trn": "2000001", "email": "a@example.com"}, {"trn": "2000002", "email": "bad"})

    report = participant_import(rows=rows)

    assert _counts() == dict.fromkeys(_counts(), 0)
    assert report.outcomes == []
    assert (report.rejected_rows, report.written, report.participants_created) == (1, False, 0)


def test_a_partial_batch_writes_the_valid_rows(world: World) -> None:
    rows = _rows(world, {"trn": "2000001", "email": "a@example.com"}, {"trn": "2000002", "email": "bad"})

    report = participant_import(rows=rows, partial=True)

    assert list(Participant.objects.values_list("trn", flat=True)) == ["2000001"]
    assert (report.rejected_rows, report.written, report.participants_created) == (1, True, 1)


def test_a_dry_run_writes_nothing_and_reports_what_it_would_do(world: World) -> None:
    existing = build.ect(ParticipantFactory.create(trn="2000003"))
    rows = _rows(
        world,
        {"trn": "2000001", "email": "a@example.com", "mentor_email": "b@example.com"},
        {"trn": "2000002", "email": "b@example.com", "role": "mentor"},
        {"trn": "2000003", "email": "c@example.com", "role": "mentor"},
    )
    counts = _counts()

    dry = participant_import(rows=rows, dry_run=True)

    assert _counts() == counts
    assert [(o.line, o.match, o.participant_id, o.training_record_id) for o in dry.outcomes] == [
        (2, Match.NEW, None, None),
        (3, Match.NEW, None, None),
        (4, Match.TRN, existing.participant_id, None),
    ]
    real = participant_import(rows=rows)
    for name in (
        "participants_created",
        "training_records_created",
        "mentor_assignments_created",
        "participants_reused",
    ):
        assert getattr(dry, name) == getattr(real, name), name
    assert (real.participants_created, real.training_records_created) == (2, 3)
    assert (real.mentor_assignments_created, real.participants_reused) == (1, 1)


def test_progress_is_reported_while_checking_and_writing(world: World) -> None:
    calls: list[tuple[int, str]] = []
    rows = _rows(world, *({"trn": f"200000{n}", "email": f"p{n}@example.com"} for n in range(5)))

    participant_import(rows=rows, on_progress=lambda count, stage: calls.append((count, stage)), progress_every=2)

    assert calls == [(2, "checked"), (4, "checked"), (2, "written"), (4, "written")]


def test_problems_are_in_line_order(world: World) -> None:
    rows = _rows(
        world,
        {"mentor_email": "nobody@example.com"},
        {"trn": "2000002", "email": "b@example.com", "school_urn": "999999"},
    )

    report = participant_import(rows=rows)

    assert [problem.line for problem in report.problems] == [2, 3]
    assert isinstance(report.problems[0], RegistrationProblem)
