"""Reference data of the sandbox: cohorts, schedules, providers, delivery partners, schools,
partnerships, contracts and the statement calendar."""

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from ecf.calendars import cohort_facts, schedule_milestones, schedule_name, schedule_type_of
from ecf.choices import SCHEDULE_IDENTIFIERS, InductionProgrammeChoice
from ecf.models import Cohort, DeliveryPartner, LeadProvider, Milestone, Schedule, School, SchoolCohort
from finance.calendars import statement_calendar
from finance.choices import BandName, ContractType, StatementStatus
from finance.models import Band, Contract, Statement
from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.models import Partnership, ProviderRelationship
from sandbox import names
from sandbox.batch import SeedBatch, seed_id
from sandbox.history import output_statement_for

FIRST_COHORT = 2021
LAST_COHORT_AT_LEAST = 2026
SCHOOL_COUNT = 300
PARTNERSHIPS_PER_PROVIDER_AND_COHORT = 24
DELIVERY_PARTNERS_PER_PROVIDER = 5
# One school per provider for "partnered, then no school cohort", one with no school cohort at all.
RESERVED_SCHOOLS = len(names.LEAD_PROVIDERS) + 1
PARTNERED_ONCE_LABEL = "Partnered, next cohort not yet known"
NO_SCHOOL_COHORTS_LABEL = "No school cohort in any year"


def paid_on(payment_date: date) -> date:
    """In the sandbox, finance authorises each statement five days before its payment date."""
    return payment_date - timedelta(days=5)


@dataclass
class StatementInfo:
    id: uuid.UUID
    deadline_date: date
    payment_date: date
    status: str
    output_fee: bool

    def paid_by(self, day: date) -> bool:
        return self.status == StatementStatus.PAID and day >= paid_on(self.payment_date)


@dataclass
class PartnershipInfo:
    id: uuid.UUID
    school_id: uuid.UUID
    delivery_partner_id: uuid.UUID
    challenged: bool


@dataclass
class SeedContext:
    """What the participant scenarios need to know about the reference data."""

    today: date
    years: list[int] = field(default_factory=list)
    cohorts: dict[int, uuid.UUID] = field(default_factory=dict)
    frozen_years: set[int] = field(default_factory=set)
    providers: dict[str, uuid.UUID] = field(default_factory=dict)
    delivery_partners: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    schedules: dict[tuple[str, int], uuid.UUID] = field(default_factory=dict)
    partnerships: dict[tuple[str, int], list[PartnershipInfo]] = field(default_factory=dict)
    statements: dict[tuple[str, int], list[StatementInfo]] = field(default_factory=dict)
    statements_by_id: dict[uuid.UUID, StatementInfo] = field(default_factory=dict)
    school_uplifts: dict[tuple[uuid.UUID, int], tuple[bool, bool]] = field(default_factory=dict)
    # Per provider: a school it partners in the second newest cohort that has no school cohort in the newest.
    partnered_once: dict[str, PartnershipInfo] = field(default_factory=dict)
    school_without_cohorts: uuid.UUID | None = None

    def active_partnerships(self, provider: str, year: int) -> list[PartnershipInfo]:
        return [p for p in self.partnerships[(provider, year)] if not p.challenged]

    def output_statement_for(self, provider: str, year: int, on: date) -> StatementInfo | None:
        """The output statement a declaration made on `on` lands on: the first cut-off on or after it."""
        return output_statement_for(self.statements[(provider, year)], on)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _existing_ids(model: type[models.Model], key_field: str) -> dict[object, uuid.UUID]:
    """Natural key -> id of rows already there (possibly made by hand), so the seed reuses them."""
    return dict(model._default_manager.values_list(key_field, "pk"))


def cohort_years(today: date) -> list[int]:
    """2021 to 2026, and later cohorts as their academic years begin."""
    academic_year = today.year if today.month >= 9 else today.year - 1
    return list(range(FIRST_COHORT, max(LAST_COHORT_AT_LEAST, academic_year) + 1))


def build_reference_data(batch: SeedBatch, today: date) -> SeedContext:
    rng = random.Random(2021)
    context = SeedContext(today=today, years=cohort_years(today))
    _cohorts_and_schedules(batch, context)
    _providers_and_partners(batch, context, rng)
    schools = _schools(batch, context, rng)
    eligible = [s for s in schools if s.funding_eligible]
    # The last eligible schools lie beyond every provider's window of partnerships (for decades of cohorts), so
    # they can be set aside for the school scenarios below without changing any other partnership.
    reserved = eligible[-RESERVED_SCHOOLS:]
    _partnerships(batch, context, eligible[:-RESERVED_SCHOOLS], rng)
    _school_scenarios(batch, context, reserved)
    _contracts_and_statements(batch, context, rng)
    return context


def _cohorts_and_schedules(batch: SeedBatch, context: SeedContext) -> None:
    existing_cohorts = _existing_ids(Cohort, "start_year")
    existing_schedules = {
        (identifier, year): pk
        for identifier, year, pk in Schedule.objects.values_list("identifier", "cohort__start_year", "pk")
    }
    for year in context.years:
        facts = cohort_facts(year)
        cohort_id = existing_cohorts.get(year, seed_id("cohort", year))
        context.cohorts[year] = cohort_id
        if facts.payments_frozen_on:
            context.frozen_years.add(year)
        batch.add(
            Cohort(
                id=cohort_id,
                start_year=year,
                registration_start_date=facts.registration_start_date,
                academic_year_start_date=facts.academic_year_start_date,
                automatic_assignment_period_end_date=facts.automatic_assignment_period_end_date,
                payments_frozen_at=facts.payments_frozen_on
                and timezone.make_aware(datetime.combine(facts.payments_frozen_on, time.min)),
                mentor_funding=facts.mentor_funding,
                detailed_evidence_types=facts.detailed_evidence_types,
                uplift_fees_enabled=facts.uplift_fees_enabled,
            )
        )
        for identifier in SCHEDULE_IDENTIFIERS:
            schedule_id = existing_schedules.get((identifier, year), seed_id("schedule", identifier, year))
            context.schedules[(identifier, year)] = schedule_id
            batch.add(
                Schedule(
                    id=schedule_id,
                    identifier=identifier,
                    name=schedule_name(identifier),
                    cohort_id=cohort_id,
                    schedule_type=schedule_type_of(identifier),
                )
            )
    # Milestones after all schedules, so rows are inserted parent first.
    for (identifier, year), schedule_id in context.schedules.items():
        for milestone in schedule_milestones(identifier, year):
            batch.add(
                Milestone(
                    id=seed_id("milestone", schedule_id, milestone.declaration_type),
                    schedule_id=schedule_id,
                    name=milestone.name,
                    declaration_type=milestone.declaration_type,
                    start_date=milestone.start_date,
                    milestone_date=milestone.milestone_date,
                    payment_date=milestone.payment_date,
                )
            )


def _providers_and_partners(batch: SeedBatch, context: SeedContext, rng: random.Random) -> None:
    existing_providers = _existing_ids(LeadProvider, "name")
    existing_partners = _existing_ids(DeliveryPartner, "name")
    for name in names.LEAD_PROVIDERS:
        provider_id = existing_providers.get(name, seed_id("lead-provider", name))
        context.providers[name] = provider_id
        # One provider is not VAT registered, so statements show both VAT treatments.
        batch.add(LeadProvider(id=provider_id, name=name, vat_registered=name != "Teach First"))
    partner_ids = [existing_partners.get(name, seed_id("delivery-partner", name)) for name in names.DELIVERY_PARTNERS]
    for name, partner_id in zip(names.DELIVERY_PARTNERS, partner_ids, strict=True):
        batch.add(DeliveryPartner(id=partner_id, name=name))
    for index, provider in enumerate(names.LEAD_PROVIDERS):
        # Overlapping slices: several providers share delivery partners, as in real life.
        chosen = [
            partner_ids[(index * 3 + offset) % len(partner_ids)] for offset in range(DELIVERY_PARTNERS_PER_PROVIDER)
        ]
        context.delivery_partners[provider] = chosen
        for year in context.years:
            # The newest delivery partner of each provider starts working with it in 2023.
            for partner_id in chosen if year >= 2023 else chosen[:-1]:
                batch.add(
                    ProviderRelationship(
                        id=seed_id("provider-relationship", provider, partner_id, year),
                        lead_provider_id=context.providers[provider],
                        delivery_partner_id=partner_id,
                        cohort_id=context.cohorts[year],
                    )
                )


def _schools(batch: SeedBatch, context: SeedContext, rng: random.Random) -> list[School]:
    existing = _existing_ids(School, "urn")
    schools = []
    for index in range(SCHOOL_COUNT):
        urn = str(100000 + index * 137)
        place = names.PLACES[index % len(names.PLACES)]
        type_code, type_name, suffix = names.SCHOOL_KINDS[index % len(names.SCHOOL_KINDS)]
        closed = index % 23 == 7
        welsh = index % 41 == 13  # outside England: never eligible
        area = names.POSTCODE_AREAS[index % len(names.POSTCODE_AREAS)]
        school = School(
            id=existing.get(urn, seed_id("school", urn)),
            urn=urn,
            name=f"{place} {suffix}" + (f" {index // len(names.PLACES) + 1}" if index >= len(names.PLACES) else ""),
            ukprn=str(10000000 + index * 7),
            school_type_code=type_code,
            school_type_name=type_name,
            school_status_code=2 if closed else 1,
            school_status_name="Closed" if closed else "Open",
            local_authority_code=str(200 + index % 150),
            administrative_district_code=f"W0600{index % 20:04d}" if welsh else f"E0600{index % 60:04d}",
            postcode=f"{area}{index % 30 + 1} {index % 9 + 1}{'ABDEFGHJ'[index % 8]}{'LNPQRSTU'[index % 8]}",
            # Independent schools are eligible only when section 41 approved: half of them are.
            section_41_approved=type_code in (10, 11) and index % 2 == 0,
            primary_contact_email=f"office@{names.email_safe(place)}{index}.sch.uk",
        )
        schools.append(school)
        batch.add(school)
        for year in context.years:
            pupil_premium = rng.random() < 0.22
            sparsity = rng.random() < 0.11
            uplifts = cohort_facts(year).uplift_fees_enabled
            context.school_uplifts[(school.id, year)] = (pupil_premium and uplifts, sparsity and uplifts)
            choice = rng.choices(list(InductionProgrammeChoice), weights=[70, 15, 5, 10])[0]
            batch.add(
                SchoolCohort(
                    id=seed_id("school-cohort", school.id, year),
                    school_id=school.id,
                    cohort_id=context.cohorts[year],
                    induction_programme_choice=choice,
                    induction_tutor_name=f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}",
                    induction_tutor_email=f"induction.tutor{index}-{year}@example.sch.uk",
                    pupil_premium_uplift=pupil_premium,
                    sparsity_uplift=sparsity,
                )
            )
    return schools


def _partnerships(batch: SeedBatch, context: SeedContext, eligible: list[School], rng: random.Random) -> None:
    for provider_index, provider in enumerate(names.LEAD_PROVIDERS):
        partners = context.delivery_partners[provider]
        for year in context.years:
            infos = []
            # Neighbouring providers' windows overlap: some schools have two providers in a cohort (D8).
            first = (provider_index * 20 + (year - 2021) * 3) % len(eligible)
            for offset in range(PARTNERSHIPS_PER_PROVIDER_AND_COHORT):
                school = eligible[(first + offset) % len(eligible)]
                partner_id = partners[offset % (len(partners) if year >= 2023 else len(partners) - 1)]
                challenged = offset % 12 == 11
                partnership_id = seed_id("partnership", provider, school.id, year)
                infos.append(PartnershipInfo(partnership_id, school.id, partner_id, challenged))
                batch.add(
                    Partnership(
                        id=partnership_id,
                        school_id=school.id,
                        lead_provider_id=context.providers[provider],
                        delivery_partner_id=partner_id,
                        cohort_id=context.cohorts[year],
                        status=PartnershipStatus.CHALLENGED if challenged else PartnershipStatus.ACTIVE,
                        challenge_reason=rng.choice(list(ChallengeReason)) if challenged else "",
                        challenged_at=_aware(date(year, 10, 1)) if challenged else None,
                        challenge_deadline=_aware(date(year, 10, 31)),
                    )
                )
            context.partnerships[(provider, year)] = infos


def _school_scenarios(batch: SeedBatch, context: SeedContext, reserved: list[School]) -> None:
    """Schools whose cohort is "not yet known" to the API (no school cohort row): for each provider one it partners
    in the second newest cohort with no school cohort in the newest, and one school with no school cohort at all.
    Their names start with the case, as participants' names do."""
    newest = context.years[-1]
    without_cohorts, *partnered_once = reserved
    without_cohorts.name = f"{NO_SCHOOL_COHORTS_LABEL}: {without_cohorts.name}"
    context.school_without_cohorts = without_cohorts.pk
    batch.discard(SchoolCohort, [seed_id("school-cohort", without_cohorts.pk, year) for year in context.years])
    for provider, school in zip(names.LEAD_PROVIDERS, partnered_once, strict=True):
        school.name = f"{PARTNERED_ONCE_LABEL}: {school.name}"
        batch.discard(SchoolCohort, [seed_id("school-cohort", school.pk, newest)])
        year = newest - 1
        partnership_id = seed_id("partnership", provider, school.pk, year)
        delivery_partner_id = context.delivery_partners[provider][0]
        context.partnered_once[provider] = PartnershipInfo(partnership_id, school.pk, delivery_partner_id, False)
        batch.add(
            Partnership(
                id=partnership_id,
                school_id=school.pk,
                lead_provider_id=context.providers[provider],
                delivery_partner_id=delivery_partner_id,
                cohort_id=context.cohorts[year],
                status=PartnershipStatus.ACTIVE,
                challenge_deadline=_aware(date(year, 10, 31)),
            )
        )


def _contracts_and_statements(batch: SeedBatch, context: SeedContext, rng: random.Random) -> None:
    for provider in names.LEAD_PROVIDERS:
        for year in context.years:
            target = rng.choice([2000, 3000, 4500, 6000])
            modern = year >= 2025
            contract_id = seed_id("contract", provider, year)
            batch.add(
                Contract(
                    id=contract_id,
                    lead_provider_id=context.providers[provider],
                    cohort_id=context.cohorts[year],
                    version="0.0.1",
                    contract_type=ContractType.ITTECF_ECTP if modern else ContractType.ECF,
                    recruitment_target=target,
                    set_up_fee=Decimal("0") if modern else Decimal("149651.00"),
                    monthly_service_fee=Decimal("20000.00") if modern else None,
                    uplift_amount=None if modern else Decimal("100.00"),
                    uplift_target=None if modern else Decimal("0.33"),
                    vat_rate=Decimal("0.20"),
                    mentor_recruitment_target=target // 2 if modern else None,
                    mentor_payment_per_participant=Decimal("1000.00") if modern else None,
                )
            )
            band_size = target // 3
            for order, (band, price) in enumerate(zip(BandName, ("995", "979", "966", "950"), strict=True)):
                batch.add(
                    Band(
                        id=seed_id("band", contract_id, band),
                        contract_id=contract_id,
                        name=band,
                        min=None if order == 0 else band_size * order + 1,
                        max=band_size * (order + 1),
                        per_participant=Decimal(price),
                        # Band D is paid entirely as output fees.
                        output_payment_percentage=100 if band == BandName.D else 60,
                        service_fee_percentage=0 if band == BandName.D else 40,
                    )
                )
            context.statements[(provider, year)] = _statements(batch, context, provider, year, contract_id)


def _statements(
    batch: SeedBatch, context: SeedContext, provider: str, year: int, contract_id: uuid.UUID
) -> list[StatementInfo]:
    slots = statement_calendar(year)
    today = context.today
    # The latest output statement past its cut-off waits for finance to authorise it (open cohorts only),
    # so the sandbox always has a payable statement to exercise.
    past_output = [s for s in slots if s.output_fee and s.deadline_date < today]
    awaiting_authorisation = past_output[-1] if past_output and year not in context.frozen_years else None
    infos = []
    for slot in slots:
        if slot.deadline_date >= today:
            status = StatementStatus.OPEN
        elif slot is awaiting_authorisation or slot.payment_date >= today:
            status = StatementStatus.PAYABLE
        else:
            status = StatementStatus.PAID
        statement_id = seed_id("statement", provider, year, slot.year, slot.month)
        batch.add(
            Statement(
                id=statement_id,
                lead_provider_id=context.providers[provider],
                cohort_id=context.cohorts[year],
                contract_id=contract_id,
                month=slot.month,
                year=slot.year,
                deadline_date=slot.deadline_date,
                payment_date=slot.payment_date,
                output_fee=slot.output_fee,
                status=status,
                marked_as_paid_at=_aware(paid_on(slot.payment_date)) if status == StatementStatus.PAID else None,
            )
        )
        info = StatementInfo(statement_id, slot.deadline_date, slot.payment_date, status, slot.output_fee)
        context.statements_by_id[statement_id] = info
        infos.append(info)
    return infos
