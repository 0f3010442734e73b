"""Test data factories for the `ecf` models (factory-boy; test-only code).

Every factory saves a row that passes `full_clean()` and the database constraints, with the
cross-object invariants true by construction:

    CohortFactory()                       # the 2024 cohort, shared (get_or_create on start_year)
    CohortFactory(start_year=2025)        # another shared cohort
    ScheduleFactory()                     # ecf-standard-september of the 2024 cohort (get_or_create)
    TrainingRecordFactory()               # an ECT; its schedule belongs to its cohort
    TrainingRecordFactory(mentor=True)    # a mentor
    TrainingPeriodFactory()               # open period at a new school, with a partnership of that
                                          # school, its lead provider and the record's cohort
    TrainingPeriodFactory(school_led=True) / (unconfirmed=True) / (ended=True)
    MentorAssignmentFactory()             # an ECT record mentored by a mentor record of the same cohort
    DeclarationFactory()                  # a submitted "started" declaration; participant, cohort and
                                          # course follow the training record
    DeclarationFactory(paid=True) / (voided=True) / (awaiting_clawback=True) / ...
                                          # states with the statements and voided_at the constraints need

Override any field by keyword, and related fields with `__`:
`TrainingRecordFactory(cohort__start_year=2025)`. `XFactory.create(...)` is the same call, typed for mypy.
Factories that use get_or_create (Cohort, Schedule, Milestone) return the existing row when the key fields
match; to test a uniqueness constraint on them, use `Model.objects.create(...)`.
"""

import datetime as dt
import uuid
from typing import Any

import factory
from django.utils import timezone

from ecf.choices import (
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
    DeferReason,
    FundingEligibility,
    InductionStatus,
    IneligibleReason,
    ParticipantType,
    TrainingStatus,
    WithdrawReason,
)
from ecf.models import (
    Cohort,
    Declaration,
    DeliveryPartner,
    LeadProvider,
    MentorAssignment,
    Milestone,
    Participant,
    ParticipantIdChange,
    Schedule,
    School,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)

STATEMENT_FACTORY = "tests.finance.factories.StatementFactory"
PARTNERSHIP_FACTORY = "tests.partnerships.factories.PartnershipFactory"


class CohortFactory(factory.django.DjangoModelFactory[Cohort]):
    class Meta:
        model = Cohort
        django_get_or_create = ("start_year",)

    class Params:
        frozen = factory.Trait(payments_frozen_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)))

    start_year = 2024
    registration_start_date = factory.LazyAttribute(lambda o: dt.date(o.start_year, 6, 1))
    academic_year_start_date = factory.LazyAttribute(lambda o: dt.date(o.start_year, 9, 1))
    automatic_assignment_period_end_date = factory.LazyAttribute(lambda o: dt.date(o.start_year + 1, 3, 31))
    payments_frozen_at = None
    mentor_funding = factory.LazyAttribute(lambda o: o.start_year >= 2025)
    detailed_evidence_types = factory.LazyAttribute(lambda o: o.start_year >= 2025)
    uplift_fees_enabled = factory.LazyAttribute(lambda o: o.start_year <= 2024)


class LeadProviderFactory(factory.django.DjangoModelFactory[LeadProvider]):
    class Meta:
        model = LeadProvider

    name = factory.Sequence(lambda n: f"Lead provider {n}")
    vat_registered = True


class DeliveryPartnerFactory(factory.django.DjangoModelFactory[DeliveryPartner]):
    class Meta:
        model = DeliveryPartner

    name = factory.Sequence(lambda n: f"Delivery partner {n}")


class SchoolFactory(factory.django.DjangoModelFactory[School]):
    """An open, funding-eligible community school in England."""

    class Meta:
        model = School

    class Params:
        closed = factory.Trait(school_status_code=2, school_status_name="Closed")
        independent = factory.Trait(school_type_code=11, school_type_name="Other independent school")
        welsh = factory.Trait(administrative_district_code="W06000015", local_authority_code="")

    urn = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"School {n}")
    ukprn = factory.Sequence(lambda n: f"{10000000 + n}")
    school_type_code = 1
    school_type_name = "Community school"
    school_status_code = 1
    school_status_name = "Open"
    local_authority_code = "202"
    administrative_district_code = "E09000007"
    postcode = "NW1 1AA"
    section_41_approved = False
    primary_contact_email = factory.LazyAttribute(lambda o: f"head@school-{o.urn}.example.com")


class SchoolCohortFactory(factory.django.DjangoModelFactory[SchoolCohort]):
    class Meta:
        model = SchoolCohort

    school = factory.SubFactory(SchoolFactory)
    cohort = factory.SubFactory(CohortFactory)
    induction_tutor_name = "Induction Tutor"
    induction_tutor_email = factory.LazyAttribute(lambda o: f"tutor@school-{o.school.urn}.example.com")


class ScheduleFactory(factory.django.DjangoModelFactory[Schedule]):
    """A schedule; its type follows its identifier (`ecf-<type>-<month>`)."""

    class Meta:
        model = Schedule
        django_get_or_create = ("identifier", "cohort")

    class Params:
        replacement = factory.Trait(identifier="ecf-replacement-september")

    identifier = "ecf-standard-september"
    cohort = factory.SubFactory(CohortFactory)
    name = factory.LazyAttribute(lambda o: o.identifier.replace("-", " ").upper())
    schedule_type = factory.LazyAttribute(lambda o: o.identifier.split("-")[1])


def _milestone_start(milestone: Any) -> dt.date:
    index = list(DeclarationType.values).index(milestone.declaration_type)
    return dt.date(milestone.schedule.cohort.start_year, 6, 1) + dt.timedelta(days=120 * index)


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    """A milestone; consecutive declaration types get consecutive 120-day windows from 1 June."""

    class Meta:
        model = Milestone
        django_get_or_create = ("schedule", "declaration_type")

    schedule = factory.SubFactory(ScheduleFactory)
    declaration_type = DeclarationType.STARTED
    name = factory.LazyAttribute(lambda o: f"Output {o.declaration_type}")
    start_date = factory.LazyAttribute(_milestone_start)
    milestone_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=119))
    payment_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=150))


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    class Params:
        without_trn = factory.Trait(trn="", trn_validated=False)

    full_name = factory.Faker("name", locale="en_GB")
    trn = factory.Sequence(lambda n: f"{1000000 + n % 9000000:07d}")
    trn_validated = True


class ParticipantIdChangeFactory(factory.django.DjangoModelFactory[ParticipantIdChange]):
    """A merge of a retired (random) participant id into `participant`."""

    class Meta:
        model = ParticipantIdChange

    participant = factory.SubFactory(ParticipantFactory)
    from_participant_id = factory.LazyFunction(uuid.uuid4)
    to_participant_id = factory.SelfAttribute("participant.id")


class TrainingRecordFactory(factory.django.DjangoModelFactory[TrainingRecord]):
    """An ECT training record (`mentor=True` for a mentor's); its schedule belongs to its cohort."""

    class Meta:
        model = TrainingRecord

    class Params:
        mentor = factory.Trait(participant_type=ParticipantType.MENTOR)
        eligible = factory.Trait(funding_eligibility=FundingEligibility.ELIGIBLE)
        ineligible = factory.Trait(funding_eligibility=FundingEligibility.INELIGIBLE)

    participant = factory.SubFactory(ParticipantFactory)
    participant_type = ParticipantType.ECT
    email = factory.Sequence(lambda n: f"participant{n}@example.com")
    cohort = factory.SubFactory(CohortFactory)
    schedule = factory.SubFactory(ScheduleFactory, cohort=factory.SelfAttribute("..cohort"))
    funding_eligibility = FundingEligibility.NOT_YET_KNOWN
    working_pattern = ""


class TrainingPeriodFactory(factory.django.DjangoModelFactory[TrainingPeriod]):
    """An open, provider-led training period from 1 September of the record's cohort, through a
    partnership of the period's own lead provider and school in the record's cohort."""

    class Meta:
        model = TrainingPeriod

    class Params:
        school_led = factory.Trait(lead_provider=None, partnership=None)
        unconfirmed = factory.Trait(partnership=None)
        ended = factory.Trait(
            end_date=factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=180)),
            induction_status=InductionStatus.LEAVING,
        )

    training_record = factory.SubFactory(TrainingRecordFactory)
    school = factory.SubFactory(SchoolFactory)
    lead_provider = factory.SubFactory(LeadProviderFactory)
    partnership = factory.SubFactory(
        PARTNERSHIP_FACTORY,
        school=factory.SelfAttribute("..school"),
        lead_provider=factory.SelfAttribute("..lead_provider"),
        cohort=factory.SelfAttribute("..training_record.cohort"),
    )
    start_date = factory.LazyAttribute(lambda o: dt.date(o.training_record.cohort.start_year, 9, 1))
    end_date = None
    induction_status = InductionStatus.ACTIVE
    training_status = TrainingStatus.ACTIVE


class MentorAssignmentFactory(factory.django.DjangoModelFactory[MentorAssignment]):
    """A current assignment of a mentor training record to an ECT training record of the same cohort."""

    class Meta:
        model = MentorAssignment

    ect = factory.SubFactory(TrainingRecordFactory)
    mentor = factory.SubFactory(TrainingRecordFactory, mentor=True, cohort=factory.SelfAttribute("..ect.cohort"))
    start_date = factory.LazyAttribute(lambda o: dt.date(o.ect.cohort.start_year, 9, 1))
    end_date = None


class TrainingStatusChangeFactory(factory.django.DjangoModelFactory[TrainingStatusChange]):
    """A provider resuming training (`withdrawn=True` / `deferred=True` for the other actions)."""

    class Meta:
        model = TrainingStatusChange

    class Params:
        withdrawn = factory.Trait(
            training_status=TrainingStatus.WITHDRAWN, reason=WithdrawReason.LEFT_TEACHING_PROFESSION
        )
        deferred = factory.Trait(training_status=TrainingStatus.DEFERRED, reason=DeferReason.PARENTAL_LEAVE)

    training_record = factory.SubFactory(TrainingRecordFactory)
    lead_provider = factory.SubFactory(LeadProviderFactory)
    training_status = TrainingStatus.ACTIVE
    reason = ""
    changed_at = factory.LazyFunction(timezone.now)


def _statement(**overrides: object) -> factory.SubFactory:
    """A statement of the declaration's lead provider and cohort."""
    return factory.SubFactory(
        STATEMENT_FACTORY,
        lead_provider=factory.SelfAttribute("..lead_provider"),
        cohort=factory.SelfAttribute("..cohort"),
        **overrides,
    )


class DeclarationFactory(factory.django.DjangoModelFactory[Declaration]):
    """A submitted "started" declaration for a training record. Participant and cohort are the record's;
    the course follows the record type. State traits add what the constraints require:
    `eligible`, `payable`, `paid` (payment statement), `voided` (voided_at), `ineligible` (reason),
    `awaiting_clawback`, `clawed_back` (paid statement + later clawback statement + voided_at)."""

    class Meta:
        model = Declaration

    class Params:
        mentor = factory.Trait(training_record__mentor=True)
        eligible = factory.Trait(state=DeclarationState.ELIGIBLE, payment_statement=_statement())
        payable = factory.Trait(state=DeclarationState.PAYABLE, payment_statement=_statement(payable=True))
        paid = factory.Trait(state=DeclarationState.PAID, payment_statement=_statement(paid=True))
        voided = factory.Trait(state=DeclarationState.VOIDED, voided_at=factory.LazyFunction(timezone.now))
        ineligible = factory.Trait(
            state=DeclarationState.INELIGIBLE, ineligible_reason=IneligibleReason.DUPLICATE_DECLARATION
        )
        awaiting_clawback = factory.Trait(
            state=DeclarationState.AWAITING_CLAWBACK,
            payment_statement=_statement(paid=True),
            clawback_statement=_statement(),
            voided_at=factory.LazyFunction(timezone.now),
        )
        clawed_back = factory.Trait(
            state=DeclarationState.CLAWED_BACK,
            payment_statement=_statement(paid=True),
            clawback_statement=_statement(paid=True),
            voided_at=factory.LazyFunction(timezone.now),
        )

    training_record = factory.SubFactory(TrainingRecordFactory)
    participant = factory.SelfAttribute("training_record.participant")
    cohort = factory.SelfAttribute("training_record.cohort")
    lead_provider = factory.SubFactory(LeadProviderFactory)
    course_identifier = factory.LazyAttribute(
        lambda o: (
            CourseIdentifier.ECT
            if o.training_record.participant_type == ParticipantType.ECT
            else CourseIdentifier.MENTOR
        )
    )
    declaration_type = DeclarationType.STARTED
    declaration_date = factory.LazyAttribute(lambda o: dt.datetime(o.cohort.start_year, 10, 1, 12, tzinfo=dt.UTC))
    state = DeclarationState.SUBMITTED
