"""Submitting and voiding declarations (domain rules §3 and §4; decisions D5, D6, D10, D11, D14).

A declaration places money on a statement, so these use cases belong to `finance`. Both lock the
participant's training record first (then, for a void, the declaration): one fixed order, so that
concurrent submissions and voids for the same person queue up instead of deadlocking, and a slot can
never be taken twice.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ecf import clock
from ecf.audit import provider_action_reason, set_change_reason
from ecf.choices import (
    BILLABLE_DECLARATION_STATES,
    LIVE_DECLARATION_STATES,
    REFUNDABLE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
    EvidenceHeld,
    FundingEligibility,
    IneligibleReason,
    MentorIneligibleReason,
    ParticipantType,
    ScheduleType,
    TrainingStatus,
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
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from ecf.selectors.participants import provider_training_end
from finance.selectors import next_output_statement

# Error messages (decision D4: the title is the field, the sentence names it as '#/field').
NPQ_NOT_SUPPORTED = (
    "NPQ courses are no longer supported. "
    "Enter a '#/course_identifier' of ecf-induction (ECTs) or ecf-mentor (mentors)."
)
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again."
)
PARTICIPANT_NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again."
)
WITHDRAWN_BEFORE_DATE = (
    "This participant withdrew from this course on {moment}. "
    "Enter a '#/declaration_date' before the withdrawal, or resume the participant first."
)
DEFERRED_BEFORE_DATE = (
    "This participant's training on this course was deferred on {moment}. "
    "Enter a '#/declaration_date' before the deferral, or resume the participant first."
)
TRAINING_ENDED = (
    "Your training of this participant on this course ended on {day}. Enter a '#/declaration_date' on or before "
    "that day: only the lead provider training them now can declare for later dates."
)
FUTURE_DATE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
BEFORE_MILESTONE_START = (
    "Enter a '#/declaration_date' on or after the start of this milestone ({start}) in the participant's schedule."
)
AFTER_MILESTONE_END = (
    "Enter a '#/declaration_date' on or before the end of this milestone ({end}) in the participant's schedule."
)
OUT_OF_SEQUENCE = (
    "This '#/declaration_date' is out of sequence with the participant's existing declarations for this course: "
    "a later milestone cannot be dated before an earlier one. Check the date and try again."
)
TYPE_NOT_IN_SCHEDULE = "The property '#/declaration_type' does not exist for this schedule."
MENTOR_STARTED_OR_COMPLETED_ONLY = (
    "You cannot send retained or extended declarations for participants who began their mentor training after "
    "June 2025. Resubmit this declaration with a '#/declaration_type' of started or completed."
)
ALREADY_DECLARED = (
    "A declaration has already been submitted that will be, or has been, paid for this '#/declaration_type' of "
    "this participant and course. Void it first if it is wrong."
)
EVIDENCE_MISSING = "Enter a '#/evidence_held' value for this participant."
EVIDENCE_NOT_AVAILABLE = (
    "Enter an available '#/evidence_held' type for this participant's event and course: one of {accepted}."
)
NO_OUTPUT_STATEMENT = (
    "You cannot submit or void declarations for the {year} '#/cohort': it has no open output statement, "
    "because the funding contract for this cohort has ended. Get in touch if you need to discuss this with us."
)
ALREADY_VOIDED = "The declaration with this '#/id' has already been voided."
CLAWED_BACK = (
    "The declaration with this '#/id' has been (or is being) clawed back, so it cannot be voided; you can only view it."
)

COURSE_PARTICIPANT_TYPE: dict[str, str] = {
    CourseIdentifier.ECT: ParticipantType.ECT,
    CourseIdentifier.MENTOR: ParticipantType.MENTOR,
}
# The canonical milestone order: started, retained-1..4, completed, extended-1..3.
MILESTONE_ORDER = {declaration_type: index for index, declaration_type in enumerate(DeclarationType.values)}
EXTENDED_TYPES = {DeclarationType.EXTENDED_1, DeclarationType.EXTENDED_2, DeclarationType.EXTENDED_3}
MENTOR_FUNDED_TYPES = {DeclarationType.STARTED, DeclarationType.COMPLETED}

# Evidence accepted, by rule set (contract §3.1, evidence_held matrix).
EVIDENCE_BEFORE_2025 = frozenset(
    {EvidenceHeld.TRAINING_EVENT_ATTENDED, EvidenceHeld.SELF_STUDY_MATERIAL_COMPLETED, EvidenceHeld.OTHER}
)
EVIDENCE_OF_TRAINING = EVIDENCE_BEFORE_2025 | {EvidenceHeld.MATERIALS_ENGAGED_WITH_OFFLINE}
EVIDENCE_OF_ENGAGEMENT = frozenset({EvidenceHeld.ENGAGEMENT_MET, EvidenceHeld.ENGAGEMENT_MET_REDUCED_INDUCTION})

Errors = dict[str, list[str]]


def declaration_create(
    *,
    lead_provider: LeadProvider,
    participant_id: UUID,
    course_identifier: str,
    declaration_type: str,
    declaration_date: datetime,
    evidence_held: str | None = None,
) -> Declaration:
    """Record `lead_provider`'s declaration that a participant reached a milestone, and place it on the
    next output statement when the participant is funded.

    An exact repeat of a live declaration (same provider, participant, course, type, date and evidence)
    returns that declaration unchanged (decision D5), so a retried request is safe.

    Raises ValidationError (one message per broken rule, titled with the field) when:
    - `course_identifier` is an NPQ course or not one of the participant's courses with this provider;
    - the participant is unknown, or not trained by this provider (never said which);
    - the provider's withdrawal or deferral in force is dated on or before `declaration_date` (D11);
    - the provider's training of the record has ended (its latest period has an end date) before the London
      day of `declaration_date` (D22);
    - `declaration_date` is in the future, outside the milestone's window (London days, D6), or, from
      2025, out of sequence with the participant's other live declarations for the course (D14);
    - `declaration_type` is not a milestone of the participant's schedule (mentors from 2025: started or
      completed only), or its slot is taken by another live declaration of any provider (D5);
    - `evidence_held` is missing or not accepted for the cohort, course and type (D10);
    - the participant is funded but the provider has no open output statement for the cohort.
    """
    if course_identifier.startswith("npq-"):
        raise ValidationError({"course_identifier": [NPQ_NOT_SUPPORTED]})
    now = clock.now()
    with transaction.atomic():
        errors: Errors = defaultdict(list)
        record = _locked_training_record(
            lead_provider=lead_provider,
            participant_id=participant_id,
            course_identifier=course_identifier,
            errors=errors,
        )
        if record is None:
            if declaration_date > now:
                errors["declaration_date"].append(FUTURE_DATE)
            raise ValidationError(dict(errors))
        cohort = record.cohort
        evidence = _normalised_evidence(evidence_held, cohort=cohort, declaration_type=declaration_type)

        original = _live_in_slot(record, declaration_type)
        if original is not None and _is_exact_repeat(
            original, lead_provider=lead_provider, declaration_date=declaration_date, evidence_held=evidence
        ):
            return original

        _check_training_status(record, lead_provider=lead_provider, declaration_date=declaration_date, errors=errors)
        milestone = _check_declaration_type(record, declaration_type=declaration_type, errors=errors)
        _check_declaration_date(
            record,
            training_ended=provider_training_end(lead_provider=lead_provider, training_record=record),
            milestone=milestone,
            declaration_type=declaration_type,
            declaration_date=declaration_date,
            now=now,
            errors=errors,
        )
        if original is not None:
            errors["declaration_type"].append(ALREADY_DECLARED)
        if milestone is not None:
            _check_evidence(record, declaration_type=declaration_type, evidence_held=evidence, errors=errors)

        superseded_by = _same_person_declaration(record, declaration_type=declaration_type)
        state = DeclarationState.SUBMITTED
        statement = None
        if superseded_by is not None:
            state = DeclarationState.INELIGIBLE
        elif record.funding_eligibility == FundingEligibility.ELIGIBLE:
            state = DeclarationState.ELIGIBLE
            statement = next_output_statement(lead_provider=lead_provider, cohort=cohort, on=clock.today())
            if statement is None:
                errors["cohort"].append(NO_OUTPUT_STATEMENT.format(year=cohort.start_year))
        if errors:
            raise ValidationError(dict(errors))

        day = timezone.localdate(declaration_date)
        uplifts = declaration_type == DeclarationType.STARTED and cohort.uplift_fees_enabled
        declaration = Declaration(
            participant=record.participant,
            training_record=record,
            lead_provider=lead_provider,
            cohort=cohort,
            course_identifier=course_identifier,
            declaration_type=declaration_type,
            declaration_date=declaration_date,
            evidence_held=evidence,
            state=state,
            ineligible_reason=IneligibleReason.DUPLICATE_DECLARATION if superseded_by else "",
            superseded_by=superseded_by,
            delivery_partner=_delivery_partner_on(record, lead_provider=lead_provider, day=day),
            mentor=_mentor_on(record, day=day),
            pupil_premium_uplift=uplifts and record.pupil_premium_uplift,
            sparsity_uplift=uplifts and record.sparsity_uplift,
            payment_statement=statement,
        )
        set_change_reason(declaration, f"API: declared by {lead_provider.name}")
        try:
            with transaction.atomic():
                declaration.save()
        except IntegrityError:
            # Only reachable when the slot was taken outside the record lock (a direct insert): answer as
            # if the request had come second.
            original = _live_in_slot(record, declaration_type)
            if original is None:
                raise
            if _is_exact_repeat(
                original, lead_provider=lead_provider, declaration_date=declaration_date, evidence_held=evidence
            ):
                return original
            raise ValidationError({"declaration_type": [ALREADY_DECLARED]}) from None
        if declaration.state in BILLABLE_DECLARATION_STATES and _is_funded_mentor_completion(declaration):
            record.mentor_funding_end_date = day
            record.mentor_ineligible_reason = MentorIneligibleReason.COMPLETED_DECLARATION_RECEIVED
            set_change_reason(record, f"API: completed declared by {lead_provider.name}")
            record.save(update_fields=["mentor_funding_end_date", "mentor_ineligible_reason", "updated_at"])
        return declaration


def declaration_void(
    *, lead_provider: LeadProvider, declaration_id: UUID, voided_by: User | None = None, note: str = ""
) -> Declaration:
    """Void `lead_provider`'s own declaration: an unpaid one is voided (and leaves its statement); a paid
    one awaits clawback on the provider's next output statement for its cohort. Voiding a billable 2025+
    mentor `completed` declaration restores the mentor's funding.

    Finance staff void on the provider's behalf with `voided_by` (kept on the declaration) and `note` (why):
    the history reason then names them instead of the API.

    Raises Declaration.DoesNotExist when the declaration is not one of this provider's.
    Raises ValidationError when it is already voided, awaiting clawback or clawed back (title `id`), or
    when it is paid and the provider has no open output statement for its cohort (title `cohort`).
    """
    with transaction.atomic():
        record_id = (
            Declaration.objects.filter(pk=declaration_id, lead_provider=lead_provider)
            .values_list("training_record_id", flat=True)
            .first()
        )
        if record_id is None:
            raise Declaration.DoesNotExist("No such declaration of this lead provider.")
        record = TrainingRecord.objects.select_for_update(of=("self",)).get(pk=record_id)
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .select_related("cohort", "lead_provider")
            .get(pk=declaration_id)
        )
        if declaration.state == DeclarationState.VOIDED:
            raise ValidationError({"id": [ALREADY_VOIDED]})
        if declaration.state in REFUNDABLE_DECLARATION_STATES:
            raise ValidationError({"id": [CLAWED_BACK]})
        was_billable = declaration.state in BILLABLE_DECLARATION_STATES
        if declaration.state == DeclarationState.PAID:
            clawback_statement = next_output_statement(
                lead_provider=lead_provider, cohort=declaration.cohort, on=clock.today()
            )
            if clawback_statement is None:
                raise ValidationError({"cohort": [NO_OUTPUT_STATEMENT.format(year=declaration.cohort.start_year)]})
            declaration.state = DeclarationState.AWAITING_CLAWBACK
            declaration.clawback_statement = clawback_statement
        else:
            declaration.state = DeclarationState.VOIDED
            declaration.payment_statement = None
            declaration.ineligible_reason = ""
        declaration.voided_at = clock.now()
        declaration.voided_by = voided_by
        staff = voided_by.get_username() if voided_by is not None else None
        reason = partial(provider_action_reason, lead_provider_name=lead_provider.name, staff=staff, note=note)
        set_change_reason(declaration, reason("void"))
        declaration.save()
        if was_billable and _is_funded_mentor_completion(declaration) and _funding_ended_by_declaration(record):
            record.mentor_funding_end_date = None
            record.mentor_ineligible_reason = ""
            set_change_reason(record, reason("completed voided"))
            record.save(update_fields=["mentor_funding_end_date", "mentor_ineligible_reason", "updated_at"])
        return declaration


# Participant and training record ----------------------------------------------------------------------


def _locked_training_record(
    *, lead_provider: LeadProvider, participant_id: UUID, course_identifier: str, errors: Errors
) -> TrainingRecord | None:
    """The participant's training record for the course, locked for the rest of the transaction, when this
    provider trains them in it (a period of its own, not in a partnership the school challenged)."""
    participant = _participant(participant_id)
    visible_types = set()
    if participant is not None:
        visible_types = set(
            TrainingRecord.objects.filter(
                participant=participant,
                training_periods__in=_qualifying_periods(lead_provider),
            ).values_list("participant_type", flat=True)
        )
    if not visible_types:
        errors["participant_id"].append(PARTICIPANT_NOT_RECOGNISED)
        return None
    participant_type = COURSE_PARTICIPANT_TYPE.get(course_identifier)
    if participant_type not in visible_types:
        errors["course_identifier"].append(COURSE_NOT_RECOGNISED)
        return None
    return (
        TrainingRecord.objects.select_for_update(of=("self",))
        .select_related("participant", "cohort", "schedule")
        .get(participant=participant, participant_type=participant_type)
    )


def _participant(participant_id: UUID) -> Participant | None:
    """The participant with this id, or the one a retired id was merged into."""
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is not None:
        return participant
    change = ParticipantIdChange.objects.filter(from_participant_id=participant_id).select_related("participant")
    found = change.order_by("-created_at").first()
    return found.participant if found else None


def _qualifying_periods(lead_provider: LeadProvider) -> QuerySet[TrainingPeriod]:
    """Periods through which a provider trains someone (the rule of the read side, D8)."""
    return TrainingPeriod.objects.filter(
        Q(partnership__isnull=True) | Q(partnership__challenged_at__isnull=True), lead_provider=lead_provider
    )


# Rules -------------------------------------------------------------------------------------------------------


def _check_training_status(
    record: TrainingRecord, *, lead_provider: LeadProvider, declaration_date: datetime, errors: Errors
) -> None:
    """D11: a withdrawal or deferral still in force blocks declarations dated on or after it."""
    latest = (
        TrainingStatusChange.objects.filter(training_record=record, lead_provider=lead_provider)
        .order_by("-changed_at", "-created_at")
        .first()
    )
    if latest is None or latest.training_status == TrainingStatus.ACTIVE or declaration_date < latest.changed_at:
        return
    message = WITHDRAWN_BEFORE_DATE if latest.training_status == TrainingStatus.WITHDRAWN else DEFERRED_BEFORE_DATE
    errors["participant_id"].append(message.format(moment=_rfc3339(latest.changed_at)))


def _check_declaration_type(record: TrainingRecord, *, declaration_type: str, errors: Errors) -> Milestone | None:
    """The schedule's milestone for the type, when the type may be declared for this record."""
    if not record.is_ect and record.cohort.mentor_funding and declaration_type not in MENTOR_FUNDED_TYPES:
        errors["declaration_type"].append(MENTOR_STARTED_OR_COMPLETED_ONLY)
        return None
    milestone = Milestone.objects.filter(schedule=record.schedule, declaration_type=declaration_type).first()
    if milestone is None or (
        declaration_type in EXTENDED_TYPES and record.schedule.schedule_type != ScheduleType.EXTENDED
    ):
        errors["declaration_type"].append(TYPE_NOT_IN_SCHEDULE)
        return None
    return milestone


def _check_declaration_date(
    record: TrainingRecord,
    *,
    training_ended: date | None,
    milestone: Milestone | None,
    declaration_type: str,
    declaration_date: datetime,
    now: datetime,
    errors: Errors,
) -> None:
    if declaration_date > now:
        errors["declaration_date"].append(FUTURE_DATE)
        return
    if training_ended is not None and timezone.localdate(declaration_date) > training_ended:
        # D22: a provider the participant has left declares only for the training it gave.
        errors["declaration_date"].append(TRAINING_ENDED.format(day=training_ended.isoformat()))
        return
    if milestone is not None:
        if declaration_date < _start_of_day(milestone.start_date):
            errors["declaration_date"].append(BEFORE_MILESTONE_START.format(start=milestone.start_date.isoformat()))
            return
        if milestone.milestone_date and declaration_date >= _start_of_day(milestone.milestone_date + timedelta(1)):
            errors["declaration_date"].append(AFTER_MILESTONE_END.format(end=milestone.milestone_date.isoformat()))
            return
    if _dated_in_sequence(record.cohort) and not _in_sequence(record, declaration_type, declaration_date):
        errors["declaration_date"].append(OUT_OF_SEQUENCE)


def _dated_in_sequence(cohort: Cohort) -> bool:
    """D14: from 2025, milestones are open-ended, so dates must follow the milestone order instead."""
    return cohort.detailed_evidence_types or cohort.start_year >= 2025


def _in_sequence(record: TrainingRecord, declaration_type: str, declaration_date: datetime) -> bool:
    position = MILESTONE_ORDER[declaration_type]
    for other_type, other_date in Declaration.objects.filter(
        training_record=record, state__in=LIVE_DECLARATION_STATES
    ).values_list("declaration_type", "declaration_date"):
        other_position = MILESTONE_ORDER[other_type]
        if other_position < position and declaration_date < other_date:
            return False
        if other_position > position and declaration_date > other_date:
            return False
    return True


def _normalised_evidence(evidence_held: str | None, *, cohort: Cohort, declaration_type: str) -> str:
    """D10: before 2025, evidence for `started` is not asked for, and whatever is sent is not kept."""
    if not cohort.detailed_evidence_types and declaration_type == DeclarationType.STARTED:
        return ""
    return evidence_held or ""


def accepted_evidence(*, detailed_evidence_types: bool, is_ect: bool, declaration_type: str) -> frozenset[str] | None:
    """The `evidence_held` values a declaration may carry (D10), or None when none is asked for: `started`
    before detailed evidence (2025). The rule table the guidance pages show is read from here."""
    if not detailed_evidence_types:
        return None if declaration_type == DeclarationType.STARTED else EVIDENCE_BEFORE_2025
    if declaration_type == DeclarationType.RETAINED_2:
        return EVIDENCE_OF_ENGAGEMENT
    if declaration_type == DeclarationType.COMPLETED:
        return EVIDENCE_OF_ENGAGEMENT | {EvidenceHeld.ONE_TERM_INDUCTION} if is_ect else EVIDENCE_OF_ENGAGEMENT
    return EVIDENCE_OF_TRAINING


def _check_evidence(record: TrainingRecord, *, declaration_type: str, evidence_held: str, errors: Errors) -> None:
    accepted = accepted_evidence(
        detailed_evidence_types=record.cohort.detailed_evidence_types,
        is_ect=record.is_ect,
        declaration_type=declaration_type,
    )
    if accepted is None:
        return
    if not evidence_held:
        errors["evidence_held"].append(EVIDENCE_MISSING)
    elif evidence_held not in accepted:
        listed = ", ".join(value for value in EvidenceHeld.values if value in accepted)
        errors["evidence_held"].append(EVIDENCE_NOT_AVAILABLE.format(accepted=listed))


# Slots and duplicates ---------------------------------------------------------------------------------------


def _live_in_slot(record: TrainingRecord, declaration_type: str) -> Declaration | None:
    """The live declaration (any provider's) holding this participant's slot for the course and type."""
    return (
        Declaration.objects.filter(
            participant_id=record.participant_id,
            course_identifier=record.course_identifier,
            declaration_type=declaration_type,
            state__in=LIVE_DECLARATION_STATES,
        )
        .select_related("lead_provider")
        .first()
    )


def _is_exact_repeat(
    declaration: Declaration, *, lead_provider: LeadProvider, declaration_date: datetime, evidence_held: str
) -> bool:
    return (
        declaration.lead_provider_id == lead_provider.pk
        and declaration.declaration_date == declaration_date
        and declaration.evidence_held == evidence_held
    )


def _same_person_declaration(record: TrainingRecord, *, declaration_type: str) -> Declaration | None:
    """The oldest live declaration for the same milestone of the same person recorded as another participant
    (same TRN): the new declaration is then an ineligible duplicate of it."""
    trn = record.participant.trn
    if not trn:
        return None
    return (
        Declaration.objects.filter(
            participant__trn=trn,
            course_identifier=record.course_identifier,
            declaration_type=declaration_type,
            state__in=LIVE_DECLARATION_STATES,
            superseded_by__isnull=True,
        )
        .exclude(participant_id=record.participant_id)
        .order_by("created_at", "id")
        .first()
    )


# What the declaration records -------------------------------------------------------------------------------


def _delivery_partner_on(record: TrainingRecord, *, lead_provider: LeadProvider, day: date) -> DeliveryPartner | None:
    """The delivery partner of the provider's partnership covering `day`, else of its latest one."""
    periods = (
        TrainingPeriod.objects.filter(training_record=record, lead_provider=lead_provider, partnership__isnull=False)
        .select_related("partnership__delivery_partner")
        .order_by("-start_date", "-created_at")
    )
    candidates = list(periods)
    covering = [p for p in candidates if p.start_date <= day and (p.end_date is None or p.end_date >= day)]
    chosen = (covering or candidates)[:1]
    return chosen[0].partnership.delivery_partner if chosen and chosen[0].partnership else None


def _mentor_on(record: TrainingRecord, *, day: date) -> Participant | None:
    """An ECT's mentor on `day` (none for a mentor's own declarations)."""
    if not record.is_ect:
        return None
    assignment = (
        MentorAssignment.objects.filter(ect=record, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("mentor__participant")
        .order_by("-start_date")
        .first()
    )
    return assignment.mentor.participant if assignment else None


def _is_funded_mentor_completion(declaration: Declaration) -> bool:
    """A mentor's `completed` on the flat-rate contract (2025 onwards): while billable, it ends the mentor's
    funding (finance §5)."""
    return (
        declaration.course_identifier == CourseIdentifier.MENTOR
        and declaration.declaration_type == DeclarationType.COMPLETED
        and declaration.cohort.mentor_funding
    )


def _funding_ended_by_declaration(record: TrainingRecord) -> bool:
    return record.mentor_ineligible_reason == MentorIneligibleReason.COMPLETED_DECLARATION_RECEIVED


# Helpers ----------------------------------------------------------------------------------------------------


def _start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in London (D6)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
