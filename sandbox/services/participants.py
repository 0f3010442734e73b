"""Self-service test participants: a lead provider adds its own, in the cohort, schedule and state it needs.

Participants are made as registration would make them (a participant, its training record and a training period
with the provider at a school it partners), then brought to the state asked for through the real services: each
declaration by `declaration_create` (so it lands on the right statement, as the provider's own would), a deferral
or withdrawal by the participant services. The participant, its record and period carry the history reason
`added_reason(provider)`, which is how the per-provider limit counts what a provider added (the reset needs no
mark: it removes whatever the seed did not make).
"""

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from ecf import clock
from ecf.audit import set_change_reason
from ecf.choices import (
    CourseIdentifier,
    DeclarationType,
    DeferReason,
    EvidenceHeld,
    FundingEligibility,
    ParticipantType,
    ScheduleType,
    TrainingStatus,
    WithdrawReason,
    WorkingPattern,
)
from ecf.models import (
    Cohort,
    LeadProvider,
    Milestone,
    Participant,
    Schedule,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
)
from ecf.services.participants import participant_defer, participant_withdraw
from finance.services.declarations import declaration_create
from partnerships.choices import PartnershipStatus
from partnerships.models import Partnership
from sandbox import names

MAX_PER_REQUEST = 50
MAX_PER_PROVIDER = 2000
ADDED_LABEL = "Added in the sandbox"


def added_reason(lead_provider: LeadProvider) -> str:
    """The history reason of every row the service writes for `lead_provider`: how its allowance is counted."""
    return f"sandbox: participant added by {lead_provider.name}"


@dataclass(frozen=True)
class ParticipantSpec:
    """What the provider asks for; each field has the default a provider most often wants."""

    count: int = 1
    cohort: int | None = None  # None: the newest cohort
    participant_type: str = ParticipantType.ECT
    schedule_identifier: str = "ecf-standard-september"
    funding_eligibility: str = FundingEligibility.ELIGIBLE
    school_id: uuid.UUID | None = None  # None: any school the provider partners in the cohort
    training_status: str = TrainingStatus.ACTIVE
    declarations: tuple[str, ...] = ()


def added_participants(lead_provider: LeadProvider) -> models.QuerySet[Participant]:
    """The participants `lead_provider` added that still exist."""
    added = Participant.history.filter(history_type="+", history_change_reason=added_reason(lead_provider))
    return Participant.objects.filter(pk__in=added.values("id"))


@transaction.atomic
def sandbox_participants_create(*, lead_provider: LeadProvider, spec: ParticipantSpec) -> list[Participant]:
    """Add `spec.count` participants trained by `lead_provider`; all or nothing. Raises ValidationError (titled with
    the field at fault) when the request breaks a rule: too many, an unknown cohort or schedule, a school the
    provider does not partner in the cohort, or a declaration the real service refuses."""
    errors: dict[str, list[str]] = {}
    if not 1 <= spec.count <= MAX_PER_REQUEST:
        errors["count"] = [f"Add between 1 and {MAX_PER_REQUEST} participants in one request."]
    elif added_participants(lead_provider).count() + spec.count > MAX_PER_PROVIDER:
        errors["count"] = [
            f"Your sandbox holds at most {MAX_PER_PROVIDER} participants you added. Reset your sandbox to start again."
        ]
    cohort = _cohort(spec.cohort, errors)
    schedule = _schedule(spec, cohort, errors) if cohort else None
    partnerships = _partnerships(lead_provider, cohort, spec.school_id, errors) if cohort else []
    if errors:
        raise ValidationError(errors)
    assert cohort is not None
    assert schedule is not None

    rng = random.Random(secrets.randbits(64))
    created = []
    for index in range(spec.count):
        record = _register(lead_provider, spec, cohort, schedule, partnerships[index % len(partnerships)], rng)
        _declare(lead_provider, record, spec.declarations)
        _set_training_status(lead_provider, record, spec.training_status)
        created.append(record.participant)
    return created


def _cohort(year: int | None, errors: dict[str, list[str]]) -> Cohort | None:
    cohorts = Cohort.objects.order_by("-start_year")
    cohort = cohorts.first() if year is None else cohorts.filter(start_year=year).first()
    if cohort is None:
        known = ", ".join(str(y) for y in sorted(cohorts.values_list("start_year", flat=True)))
        errors["cohort"] = [f"There is no {year} cohort. The cohorts are {known}."]
    return cohort


def _schedule(spec: ParticipantSpec, cohort: Cohort, errors: dict[str, list[str]]) -> Schedule | None:
    schedule = Schedule.objects.filter(identifier=spec.schedule_identifier, cohort=cohort).first()
    if schedule is None:
        errors["schedule_identifier"] = [f"The {cohort.start_year} cohort has no {spec.schedule_identifier} schedule."]
    elif schedule.schedule_type == ScheduleType.REPLACEMENT and spec.participant_type != ParticipantType.MENTOR:
        errors["schedule_identifier"] = ["Replacement schedules are for mentors only."]
    return schedule


def _partnerships(
    lead_provider: LeadProvider, cohort: Cohort, school_id: uuid.UUID | None, errors: dict[str, list[str]]
) -> list[Partnership]:
    partnerships = Partnership.objects.filter(
        lead_provider=lead_provider, cohort=cohort, status=PartnershipStatus.ACTIVE
    ).order_by("created_at", "id")
    if school_id is not None:
        partnerships = partnerships.filter(school_id=school_id)
    found = list(partnerships)
    if not found:
        errors["school_id"] = [
            f"You have no partnership with this school in the {cohort.start_year} cohort."
            if school_id is not None
            else f"You have no partnership in the {cohort.start_year} cohort: report one first."
        ]
    return found


def _register(
    lead_provider: LeadProvider,
    spec: ParticipantSpec,
    cohort: Cohort,
    schedule: Schedule,
    partnership: Partnership,
    rng: random.Random,
) -> TrainingRecord:
    reason = added_reason(lead_provider)
    person = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
    participant = Participant(
        full_name=f"{ADDED_LABEL}: {person}",
        trn=str(rng.randrange(1000000, 10000000)),
        trn_validated=spec.funding_eligibility == FundingEligibility.ELIGIBLE,
    )
    _save(participant, reason)
    ect = spec.participant_type == ParticipantType.ECT
    school_cohort = SchoolCohort.objects.filter(school_id=partnership.school_id, cohort=cohort).first()
    pupil_premium, sparsity = (
        (school_cohort.pupil_premium_uplift, school_cohort.sparsity_uplift)
        if cohort.uplift_fees_enabled and school_cohort is not None
        else (False, False)
    )
    record = TrainingRecord(
        participant=participant,
        participant_type=spec.participant_type,
        email=f"{names.email_safe(person)}.{str(participant.pk)[:6]}@example.com",
        cohort=cohort,
        schedule=schedule,
        funding_eligibility=spec.funding_eligibility,
        pupil_premium_uplift=pupil_premium,
        sparsity_uplift=sparsity,
        working_pattern=WorkingPattern.FULL_TIME if ect else "",
        induction_start_date=date(cohort.start_year, 9, 1) if ect else None,
    )
    _save(record, reason)
    period = TrainingPeriod(
        training_record=record,
        school_id=partnership.school_id,
        lead_provider=lead_provider,
        partnership=partnership,
        start_date=min(date(cohort.start_year, 9, 1), clock.today()),
    )
    _save(period, reason)
    return record


def _save(row: models.Model, reason: str) -> None:
    set_change_reason(row, reason)
    row.save()


def _declare(lead_provider: LeadProvider, record: TrainingRecord, declaration_types: tuple[str, ...]) -> None:
    """Each milestone as the provider would declare it: in its window, in order, never ahead of now."""
    now = clock.now()
    milestones = {m.declaration_type: m for m in Milestone.objects.filter(schedule_id=record.schedule_id)}
    for position, declaration_type in enumerate(declaration_types):
        milestone = milestones.get(declaration_type)
        latest = now - timedelta(minutes=len(declaration_types) - position)
        if milestone is not None and milestone.milestone_date is not None:
            window_end = timezone.make_aware(datetime.combine(milestone.milestone_date, time(12)))
            latest = min(latest, window_end - timedelta(minutes=len(declaration_types) - position))
        try:
            declaration_create(
                lead_provider=lead_provider,
                participant_id=record.participant_id,
                course_identifier=CourseIdentifier.ECT if record.is_ect else CourseIdentifier.MENTOR,
                declaration_type=declaration_type,
                declaration_date=latest,
                evidence_held=_evidence(record, declaration_type),
            )
        except ValidationError as error:
            messages = [f"{declaration_type}: {message}" for message in error.messages]
            raise ValidationError({"declarations": messages}) from error


def _evidence(record: TrainingRecord, declaration_type: str) -> str:
    """Evidence the service accepts for the milestone (decision D10)."""
    engagement = record.cohort.detailed_evidence_types and declaration_type in (
        DeclarationType.RETAINED_2,
        DeclarationType.COMPLETED,
    )
    return EvidenceHeld.ENGAGEMENT_MET if engagement else EvidenceHeld.TRAINING_EVENT_ATTENDED


def _set_training_status(lead_provider: LeadProvider, record: TrainingRecord, training_status: str) -> None:
    if training_status == TrainingStatus.ACTIVE:
        return
    change = participant_defer if training_status == TrainingStatus.DEFERRED else participant_withdraw
    change(
        lead_provider=lead_provider,
        participant_id=record.participant_id,
        course_identifier=CourseIdentifier.ECT if record.is_ect else CourseIdentifier.MENTOR,
        reason=DeferReason.OTHER if training_status == TrainingStatus.DEFERRED else WithdrawReason.OTHER,
    )
