"""`seed_sandbox`: what the seeded sandbox holds, checked by querying the database after one run.

The seed runs once per module, inside a transaction rolled back when the module ends, so nothing
leaks into other test modules; each test runs in a savepoint of its own on top of it.
"""

import contextlib
import io
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from ecf.choices import (
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
    DeferReason,
    EvidenceHeld,
    FundingEligibility,
    InductionProgrammeChoice,
    ParticipantStatus,
    ParticipantType,
    ScheduleType,
    TrainingStatus,
    WithdrawReason,
)
from ecf.models import (
    Cohort,
    Declaration,
    DeliveryPartner,
    LeadProvider,
    MentorAssignment,
    Participant,
    ParticipantIdChange,
    Schedule,
    School,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from ecf.selectors.schools import school_list
from finance.calendars import statement_calendar
from finance.choices import BandName, ContractType, StatementStatus
from finance.models import Contract, Statement
from finance.services.declarations import declaration_create
from partnerships.choices import PartnershipStatus
from partnerships.models import Partnership, ProviderRelationship
from sandbox.reference import NO_SCHOOL_COHORTS_LABEL, PARTNERED_ONCE_LABEL
from sandbox.scenarios import SCENARIO_LABELS, SCENARIOS

pytestmark = pytest.mark.django_db

COHORT_YEARS = range(2021, 2027)
LEAD_PROVIDERS = {
    "Ambition Institute",
    "Best Practice Network",
    "Capita",
    "Education Development Trust",
    "National Institute of Teaching",
    "Teach First",
    "UCL Early Career Teacher Education",
}
ADMIN_LOGIN_LINE = "Admin login (development only): admin / admin"
# The payment statement status each billable declaration state must sit on.
STATEMENT_STATUS_FOR_STATE = {
    DeclarationState.ELIGIBLE: StatementStatus.OPEN,
    DeclarationState.PAYABLE: StatementStatus.PAYABLE,
    DeclarationState.PAID: StatementStatus.PAID,
}


@dataclass(frozen=True)
class Seeded:
    output: str
    today: date


# The seed builds its data around the day it runs; these days cross output statement cut-offs,
# cohort turnovers and the moment a new cohort's first statement is paid.
SEED_DAYS = [
    pytest.param(None, id="today"),
    pytest.param(datetime(2026, 10, 1, 8, tzinfo=UTC), id="2026-10-01"),
    pytest.param(datetime(2027, 1, 10, 12, tzinfo=UTC), id="2027-01-10"),
    pytest.param(datetime(2027, 4, 6, 12, tzinfo=UTC), id="2027-04-06"),
]


@pytest.fixture(scope="module", params=SEED_DAYS)
def seeded(request: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[Seeded]:
    """Seed once per day in SEED_DAYS (as in development: DEBUG and SANDBOX on) with the clock held on
    that day while the module's tests run, then roll back."""
    clock = time_machine.travel(request.param, tick=False) if request.param else contextlib.nullcontext()
    with clock, django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        with override_settings(DEBUG=True, SANDBOX=True):
            call_command("seed_sandbox", stdout=output)
        yield Seeded(output=output.getvalue(), today=timezone.localdate())
        transaction.set_rollback(True)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _latest_periods() -> dict[Any, TrainingPeriod]:
    """Each training record's latest training period (periods never overlap, so by start date)."""
    latest: dict[Any, TrainingPeriod] = {}
    for period in TrainingPeriod.objects.order_by("start_date", "created_at"):
        latest[period.training_record_id] = period
    return latest


# Command behaviour ----------------------------------------------------------------------------------


def test_refuses_to_run_outside_the_sandbox(settings: Any) -> None:
    settings.SANDBOX = False
    before = _row_counts()

    with pytest.raises(CommandError, match="SANDBOX"):
        call_command("seed_sandbox", stdout=io.StringIO())

    assert _row_counts() == before


def test_creates_a_development_admin_and_prints_its_login(seeded: Seeded) -> None:
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.check_password("admin")
    assert "created staff superuser 'admin'" in seeded.output
    assert ADMIN_LOGIN_LINE in seeded.output
    assert "Sandbox seeded in" in seeded.output


def test_a_second_run_changes_nothing(seeded: Seeded, settings: Any) -> None:
    settings.DEBUG = True
    settings.SANDBOX = True
    before = _row_counts()
    output = io.StringIO()

    call_command("seed_sandbox", stdout=output)

    assert "no changes" in output.getvalue()
    assert "created" not in output.getvalue()
    assert ADMIN_LOGIN_LINE in output.getvalue()
    assert _row_counts() == before


def test_scale_adds_exactly_n_participants_and_is_idempotent(seeded: Seeded, settings: Any) -> None:
    settings.SANDBOX = True
    participants, records = Participant.objects.count(), TrainingRecord.objects.count()

    call_command("seed_sandbox", "--scale", "50", stdout=io.StringIO())

    assert Participant.objects.count() == participants + 50
    assert TrainingRecord.objects.count() == records + 50
    before = _row_counts()
    output = io.StringIO()
    call_command("seed_sandbox", "--scale", "50", stdout=output)
    assert "no changes" in output.getvalue()
    assert _row_counts() == before
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_sandbox", "--scale", "-1", stdout=io.StringIO())
    assert _row_counts() == before


# Reference data -------------------------------------------------------------------------------------


def test_cohorts(seeded: Seeded) -> None:
    cohorts = {cohort.start_year: cohort for cohort in Cohort.objects.all()}

    assert set(cohorts) == set(COHORT_YEARS)
    for year, cohort in cohorts.items():
        frozen = year in (2021, 2022)
        assert (cohort.payments_frozen_at is not None) == frozen, year
        assert cohort.payments_frozen == frozen, year
        assert cohort.mentor_funding == (year >= 2025), year
        assert cohort.detailed_evidence_types == (year >= 2025), year
        assert cohort.uplift_fees_enabled == (year <= 2024), year


def test_schedules_and_milestones(seeded: Seeded) -> None:
    schedules = list(Schedule.objects.select_related("cohort").annotate(milestone_count=Count("milestones")))

    per_cohort = Counter(schedule.cohort.start_year for schedule in schedules)
    assert per_cohort == dict.fromkeys(COHORT_YEARS, 12)
    for schedule in schedules:
        year = schedule.cohort.start_year
        assert schedule.identifier.split("-")[1] == schedule.schedule_type, schedule
        if (schedule.identifier, year) == ("ecf-standard-january", 2021):
            expected = 5  # published without a completion milestone
        elif schedule.schedule_type == ScheduleType.EXTENDED:
            expected = 9
        else:
            expected = 6
        assert schedule.milestone_count == expected, schedule
        dates = list(schedule.milestones.values_list("milestone_date", flat=True))
        if schedule.schedule_type == ScheduleType.STANDARD:
            if year >= 2025:
                assert dates == [None] * expected, schedule
            else:
                assert None not in dates, schedule


def test_lead_providers_delivery_partners_and_relationships(seeded: Seeded) -> None:
    assert set(LeadProvider.objects.values_list("name", flat=True)) == LEAD_PROVIDERS
    assert 15 <= DeliveryPartner.objects.count() <= 30

    relationships = set(
        ProviderRelationship.objects.values_list("lead_provider__name", "cohort__start_year").distinct()
    )
    assert relationships == {(provider, year) for provider in LEAD_PROVIDERS for year in COHORT_YEARS}
    # Providers share delivery partners, as in real life.
    shared = ProviderRelationship.objects.values("delivery_partner").annotate(
        providers=Count("lead_provider", distinct=True)
    )
    assert any(row["providers"] > 1 for row in shared)


def test_schools_and_school_cohorts(seeded: Seeded) -> None:
    schools = School.objects.all()
    eligible = School.objects.funding_eligible()

    assert 250 <= schools.count() <= 400
    assert all(urn.isdigit() and 6 <= len(urn) <= 8 for urn in schools.values_list("urn", flat=True))
    closed = schools.filter(school_status_code=2)
    assert closed.exists()
    assert not eligible.filter(pk__in=closed).exists()
    assert 0 < eligible.count() < schools.count()
    assert set(eligible.values_list("pk", flat=True)) < set(schools.values_list("pk", flat=True))
    # The queryset filter and the model property agree.
    assert {school.pk for school in schools if school.funding_eligible} == set(eligible.values_list("pk", flat=True))

    school_cohorts = SchoolCohort.objects.all()
    assert school_cohorts.filter(pupil_premium_uplift=True).exists()
    assert school_cohorts.filter(sparsity_uplift=True).exists()
    assert set(school_cohorts.values_list("induction_programme_choice", flat=True)) == set(InductionProgrammeChoice)


def test_partnerships(seeded: Seeded) -> None:
    partnerships = Partnership.objects.all()

    assert set(partnerships.values_list("lead_provider__name", "cohort__start_year").distinct()) == {
        (provider, year) for provider in LEAD_PROVIDERS for year in COHORT_YEARS
    }
    challenged = partnerships.filter(status=PartnershipStatus.CHALLENGED)
    assert challenged.exists()
    assert partnerships.filter(status=PartnershipStatus.ACTIVE).exists()
    for partnership in challenged:
        assert partnership.challenge_reason
        assert partnership.challenged_at is not None
    # D8: several providers may partner one school in a cohort.
    shared = partnerships.values("school", "cohort").annotate(providers=Count("lead_provider", distinct=True))
    assert any(row["providers"] >= 2 for row in shared)
    # A partnership only names a delivery partner the provider has a relationship with that cohort.
    allowed = set(ProviderRelationship.objects.values_list("lead_provider_id", "delivery_partner_id", "cohort_id"))
    assert set(partnerships.values_list("lead_provider_id", "delivery_partner_id", "cohort_id")) <= allowed


def test_contracts_and_bands(seeded: Seeded) -> None:
    contracts = Contract.objects.select_related("lead_provider", "cohort").prefetch_related("bands")

    assert Counter((c.lead_provider.name, c.cohort.start_year) for c in contracts) == {
        (provider, year): 1 for provider in LEAD_PROVIDERS for year in COHORT_YEARS
    }
    for contract in contracts:
        modern = contract.cohort.start_year >= 2025
        assert contract.contract_type == (ContractType.ITTECF_ECTP if modern else ContractType.ECF), contract
        assert (contract.mentor_payment_per_participant is not None) == modern, contract
        bands = sorted(contract.bands.all(), key=lambda band: band.name)
        assert [band.name for band in bands] == list(BandName), contract
        # Bands follow one another without gaps: A from 1, each next one from the previous maximum + 1.
        assert bands[0].min is None
        for previous, band in itertools.pairwise(bands):
            assert band.min == previous.max + 1, contract


def test_statement_calendar(seeded: Seeded) -> None:
    today = seeded.today
    statements = Statement.objects.select_related("lead_provider", "cohort", "contract")
    by_slot: dict[tuple[str, int], set[tuple]] = defaultdict(set)
    for statement in statements:
        by_slot[(statement.lead_provider.name, statement.cohort.start_year)].add(
            (
                statement.year,
                statement.month,
                statement.deadline_date,
                statement.payment_date,
                statement.output_fee,
            )
        )
        assert statement.contract.lead_provider_id == statement.lead_provider_id
        assert statement.contract.cohort_id == statement.cohort_id
        # Open until the cut-off; afterwards payable until finance marks it paid.
        assert (statement.status == StatementStatus.OPEN) == (statement.deadline_date >= today), statement
        if statement.status == StatementStatus.PAID:
            assert statement.marked_as_paid_at is not None
            assert timezone.localdate(statement.marked_as_paid_at) <= today
        else:
            assert statement.marked_as_paid_at is None

    assert set(by_slot) == {(provider, year) for provider in LEAD_PROVIDERS for year in COHORT_YEARS}
    for (provider, year), slots in by_slot.items():
        calendar = statement_calendar(year)
        assert len(slots) == len(calendar), (provider, year)
        assert slots == {(s.year, s.month, s.deadline_date, s.payment_date, s.output_fee) for s in calendar}
    assert set(statements.values_list("status", flat=True)) == set(StatementStatus)


# Participants ---------------------------------------------------------------------------------------


def test_participants_cover_every_case_for_every_provider(seeded: Seeded) -> None:
    today = seeded.today
    providers = dict(LeadProvider.objects.values_list("pk", "name"))
    records = {record.pk: record for record in TrainingRecord.objects.select_related("schedule")}
    periods_of: dict[Any, list[TrainingPeriod]] = defaultdict(list)
    for period in TrainingPeriod.objects.select_related("partnership").order_by("start_date", "created_at"):
        periods_of[period.training_record_id].append(period)
    latest = _latest_periods()
    changes_of: dict[Any, list[TrainingStatusChange]] = defaultdict(list)
    for change in TrainingStatusChange.objects.order_by("changed_at"):
        changes_of[change.training_record_id].append(change)

    assert set(periods_of) == set(records), "every training record has a training period"
    for record_id, periods in periods_of.items():
        for earlier, later in itertools.pairwise(periods):
            assert earlier.end_date is not None, "only the latest period may be open"
            assert earlier.end_date < later.start_date, "periods overlap"
        for period in periods:
            if period.partnership is not None:
                assert period.partnership.lead_provider_id == period.lead_provider_id
                assert period.partnership.school_id == period.school_id
        # A provider's latest status change is the status of the record's current period.
        if changes_of[record_id]:
            assert changes_of[record_id][-1].training_status == latest[record_id].training_status
        elif latest[record_id].training_status != TrainingStatus.ACTIVE:
            pytest.fail(f"{records[record_id]} is {latest[record_id].training_status} without a change")

    for change in TrainingStatusChange.objects.all():
        assert change.changed_at <= timezone.now()
        if change.training_status == TrainingStatus.DEFERRED:
            assert change.reason in DeferReason.values
        elif change.training_status == TrainingStatus.WITHDRAWN:
            assert change.reason in WithdrawReason.values
        else:
            assert change.reason == ""

    for record in records.values():
        assert record.schedule.cohort_id == record.cohort_id, record
        if record.schedule.schedule_type == ScheduleType.REPLACEMENT:
            assert record.participant_type == ParticipantType.MENTOR, "replacement schedules are for mentors only"

    mentor_assignments = MentorAssignment.objects.select_related("ect", "mentor")
    for assignment in mentor_assignments:
        assert assignment.ect.participant_type == ParticipantType.ECT
        assert assignment.mentor.participant_type == ParticipantType.MENTOR

    for provider_id, provider in providers.items():
        mine = {pk for pk, periods in periods_of.items() if any(p.lead_provider_id == provider_id for p in periods)}
        current = {pk for pk in mine if latest[pk].lead_provider_id == provider_id}

        assert {records[pk].participant_type for pk in mine} == set(ParticipantType), provider
        participants = Counter(records[pk].participant_id for pk in mine)
        assert any(count == 2 for count in participants.values()), f"{provider}: nobody is both ECT and mentor"

        assert {p.training_status for pk in mine for p in periods_of[pk] if p.lead_provider_id == provider_id} == set(
            TrainingStatus
        ), provider
        provider_changes = {
            pk: [c.training_status for c in changes_of[pk] if c.lead_provider_id == provider_id] for pk in mine
        }
        assert {status for statuses in provider_changes.values() for status in statuses} == set(TrainingStatus)
        assert any(
            TrainingStatus.DEFERRED in statuses
            and TrainingStatus.ACTIVE in statuses[statuses.index(TrainingStatus.DEFERRED) + 1 :]
            for statuses in provider_changes.values()
        ), f"{provider}: no resumed participant"

        statuses = {latest[pk].participant_status(today) for pk in current}
        assert statuses == set(ParticipantStatus), provider

        school_moves = [
            pk
            for pk in mine
            if len({p.school_id for p in periods_of[pk]}) >= 2
            and {p.lead_provider_id for p in periods_of[pk]} == {provider_id}
        ]
        assert school_moves, f"{provider}: no school move with the same provider"
        provider_moves = [pk for pk in mine if len({p.lead_provider_id for p in periods_of[pk]}) == 2]
        assert provider_moves, f"{provider}: no move between providers"

        assert any(
            records[a.ect_id].pk in current
            and a.end_date is None
            and latest[a.mentor_id].lead_provider_id != provider_id
            for a in mentor_assignments
        ), f"{provider}: no ECT mentored by someone another provider trains"

        assert {records[pk].funding_eligibility for pk in mine} == set(FundingEligibility), provider
        assert {records[pk].schedule.schedule_type for pk in mine} == set(ScheduleType), provider

        mine_participants = {records[pk].participant_id for pk in mine}
        assert ParticipantIdChange.objects.filter(participant_id__in=mine_participants).exists(), provider

    for id_change in ParticipantIdChange.objects.all():
        assert id_change.to_participant_id == id_change.participant_id
        assert not Participant.objects.filter(pk=id_change.from_participant_id).exists(), "retired id still in use"


# Declarations ---------------------------------------------------------------------------------------


def test_declarations_reach_every_state_consistently(seeded: Seeded) -> None:
    now = timezone.now()
    declarations = list(
        Declaration.objects.select_related("cohort", "training_record", "payment_statement", "clawback_statement")
    )
    periods_of: dict[Any, set[object]] = defaultdict(set)
    for record_id, provider_id in TrainingPeriod.objects.values_list("training_record_id", "lead_provider_id"):
        periods_of[record_id].add(provider_id)

    assert {declaration.state for declaration in declarations} == set(DeclarationState)

    checked: Counter[str] = Counter()
    for declaration in declarations:
        year = declaration.cohort.start_year
        record = declaration.training_record
        declared_on = timezone.localdate(declaration.declaration_date)
        label = f"{declaration} [{year}]"

        assert declaration.declaration_date <= now, label
        assert declaration.participant_id == record.participant_id, label
        assert declaration.lead_provider_id in periods_of[record.pk], f"{label}: provider never trained them"
        assert declaration.course_identifier == (
            CourseIdentifier.ECT if record.participant_type == ParticipantType.ECT else CourseIdentifier.MENTOR
        ), label

        if declaration.state in STATEMENT_STATUS_FOR_STATE:
            statement = declaration.payment_statement
            assert statement is not None, label
            assert statement.lead_provider_id == declaration.lead_provider_id, label
            assert statement.cohort_id == declaration.cohort_id, label
            assert statement.status == STATEMENT_STATUS_FOR_STATE[DeclarationState(declaration.state)], label
            assert statement.output_fee, label
            assert statement.deadline_date >= declared_on, label
            checked["payment"] += 1
        if declaration.state in (DeclarationState.AWAITING_CLAWBACK, DeclarationState.CLAWED_BACK):
            clawback = declaration.clawback_statement
            assert clawback is not None, label
            assert clawback.lead_provider_id == declaration.lead_provider_id, label
            assert clawback.cohort_id == declaration.cohort_id, label
            assert clawback.output_fee, label
            assert clawback.pk != declaration.payment_statement_id, label
            assert declaration.payment_statement is not None, label
            assert declaration.payment_statement.status == StatementStatus.PAID, label
            expected = (
                StatementStatus.OPEN
                if declaration.state == DeclarationState.AWAITING_CLAWBACK
                else StatementStatus.PAID
            )
            assert clawback.status == expected, label
            checked["clawback"] += 1
        else:
            assert declaration.clawback_statement_id is None, label

        if declaration.declaration_type == DeclarationType.STARTED:
            # D10: from 2025 every declaration carries evidence; before, `started` carried none.
            if year >= 2025:
                assert declaration.evidence_held in EvidenceHeld.values, label
            else:
                assert declaration.evidence_held == "", label
            checked["started"] += 1
        if year >= 2025 and declaration.course_identifier == CourseIdentifier.MENTOR:
            assert declaration.declaration_type in (DeclarationType.STARTED, DeclarationType.COMPLETED), label
            checked["modern mentor"] += 1
        if declaration.pupil_premium_uplift or declaration.sparsity_uplift:
            assert declaration.declaration_type == DeclarationType.STARTED, label
            assert year <= 2024, label
            assert record.pupil_premium_uplift or not declaration.pupil_premium_uplift, label
            assert record.sparsity_uplift or not declaration.sparsity_uplift, label
            checked["uplift"] += 1

    # None of the rules above held vacuously.
    assert set(checked) == {"payment", "clawback", "started", "modern mentor", "uplift"}
    started_years = {d.cohort.start_year for d in declarations if d.declaration_type == DeclarationType.STARTED}
    assert {2024, 2025} <= started_years


# Test data for every provider -----------------------------------------------------------------------


def test_every_provider_has_thirty_ready_to_declare_participants_in_each_of_the_two_newest_cohorts(
    seeded: Seeded,
) -> None:
    newest = sorted(Cohort.objects.values_list("start_year", flat=True))[-2:]
    latest = _latest_periods()
    declared = set(Declaration.objects.values_list("training_record_id", flat=True))
    providers = dict(LeadProvider.objects.values_list("pk", "name"))
    ready: Counter[tuple[str, int]] = Counter()
    kinds: dict[tuple[str, int], set[tuple[str, str]]] = defaultdict(set)
    records = TrainingRecord.objects.select_related("participant", "cohort", "schedule")
    for record in records.filter(participant__full_name__startswith="Ready to declare: "):
        period = latest[record.pk]
        partnership = period.partnership
        assert partnership is not None, record
        assert record.funding_eligibility == FundingEligibility.ELIGIBLE, record
        assert period.training_status == TrainingStatus.ACTIVE, record
        assert period.participant_status(seeded.today) == ParticipantStatus.ACTIVE, record
        assert partnership.status == PartnershipStatus.ACTIVE, record
        assert partnership.lead_provider_id == period.lead_provider_id, record
        assert partnership.cohort_id == record.cohort_id, record
        assert record.pk not in declared, record
        key = (providers[period.lead_provider_id], record.cohort.start_year)
        ready[key] += 1
        kinds[key].add((record.participant_type, record.schedule.schedule_type))

    for provider in LEAD_PROVIDERS:
        for year in newest:
            assert ready[(provider, year)] >= 30, (provider, year)
            types = {participant_type for participant_type, _ in kinds[(provider, year)]}
            assert types == set(ParticipantType), (provider, year)
            schedules = {schedule_type for _, schedule_type in kinds[(provider, year)]}
            assert ScheduleType.STANDARD in schedules, (provider, year)
            assert len(schedules) >= 3, f"{provider} {year}: too few non-standard schedules"


def test_scenario_people_have_listed_labels_and_unique_names(seeded: Seeded) -> None:
    named = Participant.objects.filter(full_name__contains=": ").values_list("full_name", flat=True)
    labels = Counter(name.split(": ", 1)[0] for name in named)
    people = Counter(name.split(": ", 1)[1] for name in named)

    assert set(labels) == SCENARIO_LABELS - {PARTNERED_ONCE_LABEL, NO_SCHOOL_COHORTS_LABEL}
    assert all(count == 1 for count in people.values()), [name for name, count in people.items() if count > 1]
    assert all(scenario.description for scenario in SCENARIOS)


def test_two_people_share_a_trn_and_the_seconds_started_declaration_is_an_ineligible_duplicate(
    seeded: Seeded,
) -> None:
    for provider in LeadProvider.objects.all():
        first = Participant.objects.get(
            full_name__startswith="ECT sharing a TRN: ",
            training_records__training_periods__lead_provider=provider,
        )
        duplicate = Participant.objects.get(
            full_name__startswith="ECT with a duplicate TRN: ",
            training_records__training_periods__lead_provider=provider,
        )
        assert first.trn == duplicate.trn != ""
        assert first.declarations.filter(declaration_type=DeclarationType.STARTED).exists()
        assert not duplicate.declarations.exists()

    provider = LeadProvider.objects.order_by("name")[0]
    duplicate = Participant.objects.get(
        full_name__startswith="ECT with a duplicate TRN: ", training_records__training_periods__lead_provider=provider
    )
    started = declaration_create(
        lead_provider=provider,
        participant_id=duplicate.pk,
        course_identifier=CourseIdentifier.ECT,
        declaration_type=DeclarationType.STARTED,
        declaration_date=timezone.now() - timedelta(minutes=5),
        evidence_held=EvidenceHeld.TRAINING_EVENT_ATTENDED,
    )
    assert started.state == DeclarationState.INELIGIBLE
    assert started.superseded_by is not None
    assert started.superseded_by.participant.trn == duplicate.trn


def test_schools_whose_cohort_is_not_yet_known(seeded: Seeded) -> None:
    newest = Cohort.objects.latest("start_year")
    partnered_once = School.objects.filter(name__startswith=f"{PARTNERED_ONCE_LABEL}: ")
    assert partnered_once.count() == len(LEAD_PROVIDERS)
    for school in partnered_once:
        partnerships = list(school.partnerships.values_list("lead_provider__name", "cohort__start_year"))
        assert len(partnerships) == 1
        assert partnerships[0][1] == newest.start_year - 1
        assert school.school_cohorts.filter(cohort__start_year=newest.start_year - 1).exists()
        assert not school.school_cohorts.filter(cohort=newest).exists()
        provider = LeadProvider.objects.get(name=partnerships[0][0])
        shown = school_list(lead_provider=provider, cohort_year=newest.start_year).get(pk=school.pk)
        assert vars(shown)["induction_programme_choice"] == InductionProgrammeChoice.NOT_YET_KNOWN

    without = School.objects.get(name__startswith=f"{NO_SCHOOL_COHORTS_LABEL}: ")
    assert not without.school_cohorts.exists()
    assert not without.partnerships.exists()
