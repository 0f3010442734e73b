"""Self-service test participants: a lead provider adds its own, in the cohort, schedule and state it needs.

Participants are made as registration would make them (a participant, its training record and a training period
with the provider at a school it partners), then brought to the state asked for through the real services: each
declaration by `declaration_create` (so it lands on the right statement, as the provider's own would), a deferral
or withdrawal by the participant services. The participant, its record and period carry the history reason
`added_reason(provider)`, which is how the per-provider limit counts what a provider added (the reset needs no
mark: it removes whatever the seed did not make).

A declaration asked for as payable or paid is history, made as the seed makes it (`sandbox.history`): it is dated
in the past, on a day in its milestone's window that lands on the provider's newest statement of that status for
the cohort, declared through `declaration_create` with that date (so every rule the real service holds is checked)
and then recorded on that statement in the state its status gives, with the history reason
`history_reason(provider, state)`. Paid and payable statements never take new declarations (decision D27): only the
sandbox writes such history, and the reset removes it like any other declaration the seed did not make.
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
    DeclarationState,
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
    Declaration,
    LeadProvider,
    Milestone,
    Participant,
    Schedule,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
)
from ecf.services.participants import participant_defer, participant_withdraw
from finance.choices import StatementStatus
from finance.models import Statement
from finance.services.declarations import declaration_create
from partnerships.choices import PartnershipStatus
from partnerships.models import Partnership
from sandbox import names
from sandbox.history import STATE_FOR_STATEMENT, day_in_window, days_landing_on, moment_on

MAX_PER_REQUEST = 50
MAX_PER_PROVIDER = 2000
ADDED_LABEL = "Added in the sandbox"
# The states a provider may ask a declaration to be in. Submitted (an unfunded participant's) and eligible (a funded
# one's) are what declaring it now gives; payable and paid are history, dated on a past statement of that status.
REQUESTABLE_STATES = (
    DeclarationState.SUBMITTED,
    DeclarationState.ELIGIBLE,
    DeclarationState.PAYABLE,
    DeclarationState.PAID,
)
HISTORY_STATES = (DeclarationState.PAYABLE, DeclarationState.PAID)
# Declarations are made in the order listed, so they go from the oldest statements to the newest: paid ones first,
# then payable ones, then those declared now (a plain milestone, submitted or eligible).
STATE_ORDER: dict[str | None, int] = {DeclarationState.PAID: 0, DeclarationState.PAYABLE: 1}


def added_reason(lead_provider: LeadProvider) -> str:
    """The history reason of every row the service writes for `lead_provider`: how its allowance is counted."""
    return f"sandbox: participant added by {lead_provider.name}"


def history_reason(lead_provider: LeadProvider, state: str) -> str:
    """The history reason of a declaration the sandbox backdated onto a past statement."""
    return f"sandbox: {state} history added by {lead_provider.name}"


@dataclass(frozen=True)
class DeclarationSpec:
    """A milestone already declared, and the state it has reached (None: whatever declaring it now gives)."""

    declaration_type: str
    state: str | None = None


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
    declarations: tuple[DeclarationSpec, ...] = ()


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
    _check_states(spec, errors)
    history = _history(lead_provider, spec, cohort, schedule, errors) if cohort and schedule and not errors else {}
    if errors:
        raise ValidationError(errors)
    assert cohort is not None
    assert schedule is not None

    rng = random.Random(secrets.randbits(64))
    created = []
    for index in range(spec.count):
        record = _register(lead_provider, spec, cohort, schedule, partnerships[index % len(partnerships)], rng)
        _declare(lead_provider, record, spec.declarations, history)
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
        start_date=_training_start(cohort),
    )
    _save(period, reason)
    return record


def _save(row: models.Model, reason: str) -> None:
    set_change_reason(row, reason)
    row.save()


def _training_start(cohort: Cohort) -> date:
    """The day an added participant's training with the provider starts."""
    return min(date(cohort.start_year, 9, 1), clock.today())


def _check_states(spec: ParticipantSpec, errors: dict[str, list[str]]) -> None:
    """Refuse the states the real service could never have given these declarations: a funded participant's are
    never left submitted and an unfunded one's never reach a statement; and as declarations are made in the order
    listed, none can be in an older statement's state than one listed before it."""
    funded = spec.funding_eligibility == FundingEligibility.ELIGIBLE
    problems = []
    latest: DeclarationSpec | None = None  # the one listed so far with the newest state
    for declaration in spec.declarations:
        name, state = declaration.declaration_type, declaration.state
        if state == DeclarationState.SUBMITTED and funded:
            problems.append(
                f"{name}: a funded participant's declaration is eligible as soon as it is made, never submitted. "
                "Ask for eligible, payable or paid, or for a funding_eligibility other than eligible."
            )
        elif state is not None and state != DeclarationState.SUBMITTED and not funded:
            problems.append(
                f"{name}: a participant whose funding_eligibility is {spec.funding_eligibility} is not funded, so "
                f"their declarations stay submitted and are never {state}. Ask for submitted, or for a "
                "funding_eligibility of eligible."
            )
        if latest is not None and _order(declaration) < _order(latest):
            problems.append(
                f"{name}: it cannot be {state} when {latest.declaration_type}, listed before it, is "
                f"{latest.state or 'declared now'}. Declarations are made in the order listed: paid ones first, "
                "then payable ones, then those declared now."
            )
        if latest is None or _order(declaration) >= _order(latest):
            latest = declaration
    if problems:
        errors.setdefault("declarations", []).extend(problems)


def _order(declaration: DeclarationSpec) -> int:
    return STATE_ORDER.get(declaration.state, len(HISTORY_STATES))


@dataclass(frozen=True)
class _Slot:
    """Where a history declaration goes: the past statement it is recorded on, and when it was made."""

    statement: Statement
    declared_at: datetime


def _history(
    lead_provider: LeadProvider,
    spec: ParticipantSpec,
    cohort: Cohort,
    schedule: Schedule,
    errors: dict[str, list[str]],
) -> dict[int, _Slot]:
    """For each payable or paid declaration asked for (by its position in the list), where it goes. Each is dated
    after the ones listed before it, so together they are in the order they were made (decision D14)."""
    slots: dict[int, _Slot] = {}
    previous: datetime | None = None
    for position, declaration in enumerate(spec.declarations):
        if declaration.state not in HISTORY_STATES:
            continue
        milestone = Milestone.objects.filter(schedule=schedule, declaration_type=declaration.declaration_type).first()
        if milestone is None:
            continue  # not a milestone of the schedule: declaring it gives the real service's answer
        slot = _history_slot(lead_provider, cohort, milestone, declaration.state, after=previous)
        if slot is None:
            errors.setdefault("declarations", []).append(
                _no_history_slot(lead_provider, spec, cohort, milestone, declaration, after=previous)
            )
            return {}
        slots[position] = slot
        previous = slot.declared_at
    return slots


def _history_slot(
    lead_provider: LeadProvider, cohort: Cohort, milestone: Milestone, state: str, *, after: datetime | None
) -> _Slot | None:
    """The provider's newest output statement for the cohort in `state`'s status on which a declaration of the
    milestone could have landed (made on a day in the milestone's window, on or after the participant's training
    started, after `after`, and after the previous output statement's cut-off and on or before its own), and
    a moment on such a day. None when there is none, or when the cohort takes no new declarations (no open output
    statement: the real service refuses any declaration there).

    Statements whose figures were kept when finance authorised them (`paid_breakdown`) are never chosen, nor any
    statement paid before one of them: a declaration added there would change figures paid long ago (a statement's
    bands count the declarations on the statements paid before it). Only seeded statements have none, so a
    statement authorised in the back office stays exactly as it was paid."""
    statements = list(
        Statement.objects.filter(lead_provider=lead_provider, cohort=cohort).order_by("deadline_date", "payment_date")
    )
    output = [s for s in statements if s.output_fee]
    if not any(s.status == StatementStatus.OPEN for s in output):
        return None
    kept = [s.payment_date for s in statements if s.paid_breakdown is not None]
    opens = max(milestone.start_date, _training_start(cohort))
    if after is not None:
        opens = max(opens, timezone.localdate(after))
    closes = clock.today() - timedelta(days=1)
    if milestone.milestone_date is not None:
        closes = min(closes, milestone.milestone_date)
    for statement in reversed(output):
        if STATE_FOR_STATEMENT[StatementStatus(statement.status)] != state:
            continue
        if kept and statement.payment_date <= max(kept):
            continue
        first, last = days_landing_on(output, statement)
        if max(first, opens) > min(last, closes):
            continue
        declared_at = moment_on(day_in_window(max(first, opens), min(last, closes)))
        if after is not None and declared_at <= after:
            declared_at = after + timedelta(minutes=1)
        return _Slot(statement, declared_at)
    return None


def _no_history_slot(
    lead_provider: LeadProvider,
    spec: ParticipantSpec,
    cohort: Cohort,
    milestone: Milestone,
    declaration: DeclarationSpec,
    after: datetime | None,
) -> str:
    """Why the declaration cannot have that state in this cohort, and the cohorts (and statements) where it can."""
    name, state = declaration.declaration_type, declaration.state
    assert state is not None
    year = cohort.start_year
    output = Statement.objects.filter(lead_provider=lead_provider, cohort=cohort, output_fee=True)
    in_state = [s for s in output if STATE_FOR_STATEMENT[StatementStatus(s.status)] == state]
    kept = Statement.objects.filter(lead_provider=lead_provider, cohort=cohort, paid_breakdown__isnull=False)
    last_kept = max((s.payment_date for s in kept), default=None)
    closes = milestone.milestone_date
    window = f"{milestone.start_date.isoformat()} to {closes.isoformat()}" if closes else f"from {milestone.start_date}"
    if not output.filter(status=StatementStatus.OPEN).exists():
        why = f"the {year} cohort takes no new declarations (you have no open output statement in it)"
    elif not in_state:
        why = f"you have no {state} output statement in the {year} cohort yet"
    elif last_kept is not None and all(s.payment_date <= last_kept for s in in_state):
        why = (
            f"your {state} output statements in the {year} cohort were paid on or before one the department "
            "authorised, whose paid figures are kept as they were"
        )
    elif after is not None and _history_slot(lead_provider, cohort, milestone, state, after=None) is not None:
        why = (
            f"none of your {state} output statements in the {year} cohort covers a day in its window ({window}) "
            "after the declarations listed before it"
        )
    else:
        why = f"none of your {state} output statements in the {year} cohort covers a day in its window ({window})"
    places = []
    cohorts = Cohort.objects.filter(
        pk__in=Partnership.objects.filter(lead_provider=lead_provider, status=PartnershipStatus.ACTIVE).values("cohort")
    )
    for other in cohorts.order_by("start_year"):
        other_milestone = Milestone.objects.filter(
            schedule__cohort=other, schedule__identifier=spec.schedule_identifier, declaration_type=name
        ).first()
        slot = _history_slot(lead_provider, other, other_milestone, state, after=None) if other_milestone else None
        if slot is not None:
            places.append(f"the {other.start_year} cohort ({slot.statement.name} statement)")
    where = (
        f"On the {spec.schedule_identifier} schedule, a {state} {name} can be added in {_listed(places)}."
        if places
        else f"On the {spec.schedule_identifier} schedule, none of your cohorts has a {state} statement for it."
    )
    return f"{name}: it cannot be {state} in the {year} cohort: {why}. {where}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _declare(
    lead_provider: LeadProvider,
    record: TrainingRecord,
    declarations: tuple[DeclarationSpec, ...],
    history: dict[int, _Slot],
) -> None:
    """Each milestone as the provider would declare it: in its window, in order, never ahead of now; history ones
    on the day `history` gives, then recorded on their statement."""
    now = clock.now()
    milestones = {m.declaration_type: m for m in Milestone.objects.filter(schedule_id=record.schedule_id)}
    for position, wanted in enumerate(declarations):
        declaration_type = wanted.declaration_type
        slot = history.get(position)
        milestone = milestones.get(declaration_type)
        latest = now - timedelta(minutes=len(declarations) - position)
        if slot is not None:
            latest = slot.declared_at
        elif milestone is not None and milestone.milestone_date is not None:
            window_end = timezone.make_aware(datetime.combine(milestone.milestone_date, time(12)))
            latest = min(latest, window_end - timedelta(minutes=len(declarations) - position))
        try:
            declaration = declaration_create(
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
        if slot is not None:
            _record_as_history(lead_provider, declaration, slot)
        if wanted.state is not None and declaration.state != wanted.state:
            raise ValidationError({"declarations": [_not_reached(declaration, wanted.state)]})


def _record_as_history(lead_provider: LeadProvider, declaration: Declaration, slot: _Slot) -> None:
    """Put the declaration, just made eligible on the open statement, on the past statement it would have landed
    on when it was made, in the state that statement's status gives it (as the seed's history is)."""
    if declaration.state != DeclarationState.ELIGIBLE:
        return  # not funded after all (an ineligible duplicate): refused as not reaching the state asked for
    declaration.state = STATE_FOR_STATEMENT[StatementStatus(slot.statement.status)]
    declaration.payment_statement = slot.statement
    set_change_reason(declaration, history_reason(lead_provider, declaration.state))
    declaration.save()


def _not_reached(declaration: Declaration, state: str) -> str:
    reason = f" ({declaration.ineligible_reason})" if declaration.ineligible_reason else ""
    return f"{declaration.declaration_type}: declared, it is {declaration.state}{reason}, so it cannot be {state}."


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
