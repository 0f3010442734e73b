"""Participants of the sandbox: ordinary ones in bulk, and for every provider a set of named
scenarios covering each case a provider's integration must handle."""

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from ecf.calendars import cohort_facts, schedule_milestones
from ecf.choices import (
    DeclarationState,
    DeclarationType,
    EvidenceHeld,
    FundingEligibility,
    InductionStatus,
    ParticipantType,
    TrainingStatus,
    WorkingPattern,
)
from ecf.models import (
    Declaration,
    MentorAssignment,
    Participant,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from finance.choices import StatementStatus
from sandbox import names
from sandbox.batch import SeedBatch, seed_id
from sandbox.history import STATE_FOR_STATEMENT, day_in_window, moment_on
from sandbox.reference import PartnershipInfo, SeedContext, StatementInfo

ORDINARY_PARTICIPANTS_PER_PROVIDER_AND_COHORT = 8
# Months after the start declaration at which later milestones are declared when windows are open-ended.
OPEN_ENDED_OFFSETS = {
    DeclarationType.STARTED: 0,
    DeclarationType.RETAINED_1: 4,
    DeclarationType.RETAINED_2: 7,
    DeclarationType.RETAINED_3: 12,
    DeclarationType.RETAINED_4: 16,
    DeclarationType.COMPLETED: 20,
    DeclarationType.EXTENDED_1: 24,
    DeclarationType.EXTENDED_2: 27,
    DeclarationType.EXTENDED_3: 30,
}
MENTOR_2025_OFFSETS = {DeclarationType.STARTED: 0, DeclarationType.COMPLETED: 10}


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, min(day.day, 28))


@dataclass
class Enrolment:
    """A training record being built, with the provider and partnership it is declared through."""

    record: TrainingRecord
    provider: str
    partnership: PartnershipInfo | None
    schedule_identifier: str
    year: int
    current_period: TrainingPeriod | None = None
    mentor_participant_id: uuid.UUID | None = None


class ParticipantSeeder:
    def __init__(self, batch: SeedBatch, context: SeedContext) -> None:
        self.batch = batch
        self.context = context
        self.today = context.today
        self.unique_names: set[str] = set()

    # --- building blocks -------------------------------------------------------------------------

    def person(self, key: str, rng: random.Random, *, with_trn: bool = True, unique: bool = False) -> Participant:
        """A new person; `unique` ones (scenario people) never share a name, so a search finds one case."""
        full_name = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
        while unique and full_name in self.unique_names:
            full_name = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
        if unique:
            self.unique_names.add(full_name)
        participant = Participant(
            id=seed_id("participant", key),
            full_name=full_name,
            trn=f"{rng.randrange(1000000, 9999999)}" if with_trn else "",
            trn_validated=with_trn and rng.random() < 0.9,
        )
        self.batch.add(participant)
        return participant

    def enrol(
        self,
        participant: Participant,
        *,
        provider: str,
        year: int,
        partnership: PartnershipInfo,
        participant_type: ParticipantType = ParticipantType.ECT,
        schedule_identifier: str = "ecf-standard-september",
        funding: FundingEligibility = FundingEligibility.ELIGIBLE,
        start: date | None = None,
        end: date | None = None,
        induction_status: InductionStatus = InductionStatus.ACTIVE,
        school_transfer: bool = False,
        **record_fields: object,
    ) -> Enrolment:
        ect = participant_type == ParticipantType.ECT
        pupil_premium, sparsity = self.context.school_uplifts[(partnership.school_id, year)]
        record = TrainingRecord(
            id=seed_id("training-record", participant.pk, participant_type),
            participant_id=participant.pk,
            participant_type=participant_type,
            email=f"{names.email_safe(participant.full_name)}.{str(participant.pk)[:6]}@example.com",
            cohort_id=self.context.cohorts[year],
            schedule_id=self.context.schedules[(schedule_identifier, year)],
            funding_eligibility=funding,
            pupil_premium_uplift=pupil_premium,
            sparsity_uplift=sparsity,
            **({"working_pattern": WorkingPattern.FULL_TIME, "induction_start_date": date(year, 9, 1)} if ect else {})
            | record_fields,
        )
        self.batch.add(record)
        enrolment = Enrolment(record, provider, partnership, schedule_identifier, year)
        self.period(
            enrolment,
            "first",
            start=start or date(year, 9, 1),
            end=end,
            induction_status=induction_status,
            school_transfer=school_transfer,
        )
        return enrolment

    def period(
        self,
        enrolment: Enrolment,
        key: str,
        *,
        start: date,
        end: date | None = None,
        induction_status: InductionStatus = InductionStatus.ACTIVE,
        training_status: TrainingStatus = TrainingStatus.ACTIVE,
        school_transfer: bool = False,
    ) -> TrainingPeriod:
        partnership = enrolment.partnership
        assert partnership is not None
        period = TrainingPeriod(
            id=seed_id("training-period", enrolment.record.pk, key),
            training_record_id=enrolment.record.pk,
            school_id=partnership.school_id,
            lead_provider_id=self.context.providers[enrolment.provider],
            partnership_id=partnership.id,
            start_date=start,
            end_date=end,
            induction_status=induction_status,
            training_status=training_status,
            school_transfer=school_transfer,
        )
        self.batch.add(period)
        enrolment.current_period = period
        return period

    def mentor(self, ect: Enrolment, mentor: Enrolment, start: date) -> None:
        self.batch.add(
            MentorAssignment(
                id=seed_id("mentor-assignment", ect.record.pk, mentor.record.pk),
                ect_id=ect.record.pk,
                mentor_id=mentor.record.pk,
                start_date=start,
            )
        )
        ect.mentor_participant_id = mentor.record.participant_id

    def status_change(
        self,
        enrolment: Enrolment,
        status: TrainingStatus,
        reason: str,
        on: date,
        *,
        provider: str | None = None,
    ) -> None:
        self.batch.add(
            TrainingStatusChange(
                id=seed_id("status-change", enrolment.record.pk, status, on),
                training_record_id=enrolment.record.pk,
                lead_provider_id=self.context.providers[provider or enrolment.provider],
                training_status=status,
                reason=reason,
                changed_at=moment_on(on),
            )
        )

    def declaration_dates(self, enrolment: Enrolment) -> list[tuple[DeclarationType, date]]:
        """When each milestone of the enrolment's schedule is declared: in its window, never in the future."""
        record = enrolment.record
        milestones = schedule_milestones(enrolment.schedule_identifier, enrolment.year)
        modern_mentor = record.participant_type == ParticipantType.MENTOR and enrolment.year >= 2025
        dates = []
        anchor = max(milestones[0].start_date, date(enrolment.year, 9, 1)) + timedelta(days=25)
        for milestone in milestones:
            if modern_mentor and milestone.declaration_type not in MENTOR_2025_OFFSETS:
                continue
            if milestone.milestone_date is not None:
                opens = max(milestone.start_date, date(enrolment.year, 9, 1))
                day = day_in_window(opens, milestone.milestone_date)
            else:
                offsets = MENTOR_2025_OFFSETS if modern_mentor else OPEN_ENDED_OFFSETS
                day = max(_add_months(anchor, offsets[milestone.declaration_type]), milestone.start_date)
            if day >= self.today:
                break
            dates.append((milestone.declaration_type, day))
        return dates

    def declare(
        self,
        enrolment: Enrolment,
        declaration_type: DeclarationType,
        on: date,
        *,
        provider: str | None = None,
        key: str = "",
    ) -> Declaration | None:
        """A declaration as the provider would have submitted it on `on`, in the state it has now reached."""
        provider = provider or enrolment.provider
        record = enrolment.record
        year = enrolment.year
        statement: StatementInfo | None = None
        if record.funding_eligibility == FundingEligibility.ELIGIBLE:
            statement = self.context.output_statement_for(provider, year, on)
            if statement is None:
                return None  # beyond the cohort's last statement
            state = STATE_FOR_STATEMENT[StatementStatus(statement.status)]
        else:
            state = DeclarationState.SUBMITTED
        is_ect = record.participant_type == ParticipantType.ECT
        uplifted = declaration_type == DeclarationType.STARTED and cohort_facts(year).uplift_fees_enabled
        evidence: str
        if year >= 2025:
            evidence = (
                EvidenceHeld.ENGAGEMENT_MET
                if declaration_type == DeclarationType.COMPLETED
                else EvidenceHeld.TRAINING_EVENT_ATTENDED
            )
        else:
            evidence = "" if declaration_type == DeclarationType.STARTED else EvidenceHeld.TRAINING_EVENT_ATTENDED
        declaration = Declaration(
            id=seed_id("declaration", record.pk, declaration_type, provider, key),
            participant_id=record.participant_id,
            training_record_id=record.pk,
            lead_provider_id=self.context.providers[provider],
            cohort_id=self.context.cohorts[year],
            course_identifier="ecf-induction" if is_ect else "ecf-mentor",
            declaration_type=declaration_type,
            declaration_date=moment_on(on),
            evidence_held=evidence,
            state=state,
            delivery_partner_id=enrolment.partnership.delivery_partner_id if enrolment.partnership else None,
            mentor_id=enrolment.mentor_participant_id if is_ect else None,
            pupil_premium_uplift=uplifted and record.pupil_premium_uplift,
            sparsity_uplift=uplifted and record.sparsity_uplift,
            payment_statement_id=statement.id if statement else None,
        )
        self.batch.add(declaration)
        return declaration

    def declare_progress(self, enrolment: Enrolment, milestones: int | None = None) -> list[Declaration]:
        declared = []
        for declaration_type, on in self.declaration_dates(enrolment)[:milestones]:
            declaration = self.declare(enrolment, declaration_type, on)
            if declaration is None:
                break
            declared.append(declaration)
        return declared

    def void(self, declaration: Declaration, on: date) -> None:
        """Void as the provider would have on `on`: a declaration already paid by then is clawed back on
        the next output statement; any other is simply voided."""
        declaration.voided_at = moment_on(on)
        statement_id = declaration.payment_statement_id
        payment_statement = self.context.statements_by_id[statement_id] if statement_id else None
        if payment_statement is None or not payment_statement.paid_by(on):
            declaration.state = DeclarationState.VOIDED
            declaration.payment_statement_id = None
            return
        provider = next(name for name, pk in self.context.providers.items() if pk == declaration.lead_provider_id)
        year = next(y for y, pk in self.context.cohorts.items() if pk == declaration.cohort_id)
        clawback = self.context.output_statement_for(provider, year, on)
        assert clawback is not None, "a clawback needs an output statement after the void"
        declaration.clawback_statement_id = clawback.id
        declaration.state = (
            DeclarationState.CLAWED_BACK
            if clawback.status == StatementStatus.PAID
            else DeclarationState.AWAITING_CLAWBACK
        )

    # --- ordinary participants -------------------------------------------------------------------

    def ordinary(
        self, key: str, provider: str, year: int, rng: random.Random, mentor_for: Enrolment | None
    ) -> Enrolment:
        """One unremarkable participant: mostly ECTs, every fourth a mentor of the previous ECT."""
        participant = self.person(key, rng)
        if mentor_for is not None:
            enrolment = self.enrol(
                participant,
                provider=provider,
                year=year,
                partnership=mentor_for.partnership,  # type: ignore[arg-type]
                participant_type=ParticipantType.MENTOR,
            )
            self.mentor(mentor_for, enrolment, date(year, 9, 1))
        else:
            roll = rng.random()
            funding = (
                FundingEligibility.ELIGIBLE
                if roll < 0.85
                else FundingEligibility.NOT_YET_KNOWN
                if roll < 0.95
                else FundingEligibility.INELIGIBLE
            )
            partnerships = self.context.active_partnerships(provider, year)
            enrolment = self.enrol(
                participant,
                provider=provider,
                year=year,
                partnership=rng.choice(partnerships),
                schedule_identifier=rng.choices(
                    ["ecf-standard-september", "ecf-standard-january", "ecf-standard-april"],
                    weights=[8, 1, 1],
                )[0],
                funding=funding,
            )
        if enrolment.record.funding_eligibility != FundingEligibility.INELIGIBLE:
            self.declare_progress(enrolment, rng.randint(1, 9))
        return enrolment

    def ordinary_batch(self, prefix: str, start: int, stop: int) -> None:
        """Ordinary participants number `start` to `stop - 1`, spread evenly over providers and cohorts."""
        rng = random.Random(f"{prefix}-{start}")
        slots = [(provider, year) for provider in names.LEAD_PROVIDERS for year in self.context.years]
        previous: dict[tuple[str, int], Enrolment] = {}
        for index in range(start, stop):
            provider, year = slots[index % len(slots)]
            last = previous.get((provider, year))
            pair_with_last = (index // len(slots)) % 4 == 3 and last is not None and last.record.is_ect
            previous[(provider, year)] = self.ordinary(
                f"{prefix}-{index}", provider, year, rng, last if pair_with_last else None
            )
