"""Lead providers' actions on a participant's training: withdraw, defer, resume and change schedule
(domain rules §2.1, §5 and §11.3; contract §3 and §4.5; decisions D12 and D15).

Who may act. Only the record's current provider: the lead provider of its latest training period (D22); a
provider the participant has left still sees them and may declare training it gave, but no longer acts (a 422
on `participant_id`). The provider must also see the participant (`ecf.selectors.participants`: a training period
with the provider outside any challenged partnership), otherwise the participant does not exist for it
(`Participant.DoesNotExist`, a 404 in the API). It acts on the training record of the course
(`ecf-induction`: the ECT record, `ecf-mentor`: the mentor record), which it must see too (otherwise a
422 on `course_identifier`, whether the person has no such record or trains for it with someone else:
a provider learns nothing about other providers' training). This is stricter than the original
service, which let a provider act through a period in a challenged partnership (domain rules §13.19).

The training status a provider sees and changes is the one of its latest visible period for the record
("latest" as the participants endpoint reads it). Each action runs in one transaction holding a row
lock on the training record, so concurrent actions on one record run one after the other and the
second sees the first's effect (two racing withdrawals: one withdrawal, one 422).

Withdraw, defer, resume (§2.1, D12: a withdrawn participant can be resumed; D15: an ECT cannot be
withdrawn as `mentor-no-longer-being-mentor`):
- a `TrainingStatusChange` row (the provider, the new status, the reason, `changed_at` = now on the
  request clock), from which the API's `withdrawal` and `deferral` objects are read;
- the provider's latest visible period takes the new `training_status`, updated in place. The original
  service closed the induction record and cloned it (§5.6); here the history is the append-only
  status changes plus the audit history of the period, and periods keep meaning "where and with whom"
  (a clone would start a period today and move participant_status, transfers and declaration
  visibility for no reason).
- in the sandbox the request clock can go back in time; an action dated before the provider's
  previous action on the record is refused, so the latest change stays the one in force.

Change schedule (§5.5, §11.3, D15): see `participant_change_schedule`.

Back office staff take these actions on a provider's behalf through the same functions: `acted_by` (their
username) and `note` (why) make the history reason name them instead of the API.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecf import clock
from ecf.audit import provider_action_reason, set_change_reason
from ecf.choices import (
    LIVE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationType,
    DeferReason,
    ParticipantType,
    ScheduleType,
    TrainingStatus,
    WithdrawReason,
)
from ecf.models import (
    Cohort,
    Declaration,
    LeadProvider,
    Milestone,
    Participant,
    Schedule,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from ecf.selectors.participants import (
    LATEST_PERIOD_FIRST,
    current_lead_provider_id,
    provider_period_list,
    visible_training_record_list,
)

# Where a participant whose cohort's payments are frozen may be moved (domain rules §11.3).
DESTINATION_FROM_FROZEN_COHORT = 2024

COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for this participant: you do not train them on this "
    "course. Check the participant's details and try again."
)
WITHDRAW_REASON_INVALID = "The '#/reason' must be one of: " + ", ".join(WithdrawReason.values) + "."
DEFER_REASON_INVALID = "The '#/reason' must be one of: " + ", ".join(DeferReason.values) + "."
WITHDRAW_REASON_MENTORS_ONLY = (
    "The '#/reason' mentor-no-longer-being-mentor is for mentors only: choose another reason to withdraw an ECT."
)
NOT_CURRENT_PROVIDER = (
    "The '#/participant_id' no longer trains with you on this course: only the lead provider training them now "
    "can withdraw, defer, resume or change their schedule. You can still declare training you gave them."
)
ALREADY_WITHDRAWN = "The '#/participant_id' is already withdrawn from this course."
ALREADY_DEFERRED = "The '#/participant_id' is already deferred from this course."
DEFER_WITHDRAWN = "The '#/participant_id' is withdrawn from this course: resume them before deferring them."
ALREADY_ACTIVE = (
    "The '#/participant_id' is already active on this course: only a deferred or withdrawn participant can be resumed."
)
BEFORE_PREVIOUS_ACTION = (
    "The '#/participant_id' has a later change of training status from you: an action cannot be dated before it."
)
CHANGE_SCHEDULE_WITHDRAWN = (
    "The '#/participant_id' is withdrawn from this course: resume them before changing their schedule."
)
COHORT_UNKNOWN = "The '#/cohort' you have entered is invalid. Check cohort details and try again."
SCHEDULE_UNKNOWN = (
    "The '#/schedule_identifier' does not match a schedule of the {cohort} cohort. Check the schedule and the "
    "cohort and try again."
)
SCHEDULE_UNCHANGED = "The participant is already on this '#/schedule_identifier' in this cohort."
SCHEDULE_MENTORS_ONLY = (
    "The '#/schedule_identifier' is a replacement schedule, for mentors only: choose another schedule for an ECT."
)
SCHEDULE_NOT_FOR_MENTORS = (
    "Mentors cannot be placed on a reduced schedule: choose another '#/schedule_identifier' for a mentor."
)
SCHEDULE_INVALIDATES_DECLARATIONS = (
    "Changing to this '#/schedule_identifier' would leave existing declarations outside its milestone dates. "
    "Void them first."
)
COHORT_HAS_DECLARATIONS = (
    "You cannot change the '#/cohort' of a participant with declarations for this course (submitted, eligible, "
    "payable or paid). Void them first."
)
COHORT_NO_PARTNERSHIP = (
    "You cannot move the participant to this '#/cohort': you do not have a partnership with their school for "
    "it. Contact the DfE for assistance."
)
COHORT_FROZEN_DESTINATION = (
    "Payments for the participant's cohort are frozen: the '#/cohort' can only change to "
    f"{DESTINATION_FROM_FROZEN_COHORT}."
)
COHORT_FROZEN_COMPLETED = (
    "The participant completed training in a cohort whose payments are frozen: their '#/cohort' cannot change."
)
COHORT_FROZEN_TARGET = (
    "You cannot move a participant to a '#/cohort' whose payments are frozen unless they previously belonged to it."
)

_PARTICIPANT_TYPES: dict[str, str] = {
    CourseIdentifier.ECT: ParticipantType.ECT,
    CourseIdentifier.MENTOR: ParticipantType.MENTOR,
}


class _Errors:
    """Rule violations of one request, by field, raised together (decision D4: one error per message)."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)

    def fail(self, field: str, message: str) -> NoReturn:
        """Add a violation that stops the checks, and raise every violation found so far."""
        self.add(field, message)
        raise ValidationError(self.by_field)


def participant_withdraw(
    *,
    lead_provider: LeadProvider,
    participant_id: uuid.UUID,
    course_identifier: str,
    reason: str,
    acted_by: str | None = None,
    note: str = "",
) -> TrainingRecord:
    """Withdraw the participant from the course with this provider (from active or deferred)."""
    return _change_training_status(
        lead_provider=lead_provider,
        participant_id=participant_id,
        course_identifier=course_identifier,
        training_status=TrainingStatus.WITHDRAWN,
        reason=reason,
        acted_by=acted_by,
        note=note,
    )


def participant_defer(
    *,
    lead_provider: LeadProvider,
    participant_id: uuid.UUID,
    course_identifier: str,
    reason: str,
    acted_by: str | None = None,
    note: str = "",
) -> TrainingRecord:
    """Defer (pause) the participant's training on the course with this provider (from active only)."""
    return _change_training_status(
        lead_provider=lead_provider,
        participant_id=participant_id,
        course_identifier=course_identifier,
        training_status=TrainingStatus.DEFERRED,
        reason=reason,
        acted_by=acted_by,
        note=note,
    )


def participant_resume(
    *,
    lead_provider: LeadProvider,
    participant_id: uuid.UUID,
    course_identifier: str,
    acted_by: str | None = None,
    note: str = "",
) -> TrainingRecord:
    """Resume the participant's training on the course with this provider (from deferred or withdrawn, D12)."""
    return _change_training_status(
        lead_provider=lead_provider,
        participant_id=participant_id,
        course_identifier=course_identifier,
        training_status=TrainingStatus.ACTIVE,
        reason="",
        acted_by=acted_by,
        note=note,
    )


def _change_training_status(
    *,
    lead_provider: LeadProvider,
    participant_id: uuid.UUID,
    course_identifier: str,
    training_status: TrainingStatus,
    reason: str,
    acted_by: str | None,
    note: str,
) -> TrainingRecord:
    with transaction.atomic():
        record, period = _locked_record(
            lead_provider=lead_provider, participant_id=participant_id, course_identifier=course_identifier
        )
        now = clock.now()
        errors = _Errors()
        for field, message in _transition_errors(record, period, training_status=training_status, reason=reason):
            errors.add(field, message)
        previous = (
            TrainingStatusChange.objects.filter(training_record=record, lead_provider=lead_provider)
            .order_by("-changed_at")
            .first()
        )
        if previous is not None and now < previous.changed_at:
            errors.add("participant_id", BEFORE_PREVIOUS_ACTION)
        errors.raise_if_any()

        action = {TrainingStatus.WITHDRAWN: "withdrawn", TrainingStatus.DEFERRED: "deferred"}.get(
            training_status, "resumed"
        )
        history_reason = provider_action_reason(
            action, lead_provider_name=lead_provider.name, staff=acted_by, note=note
        )
        change = TrainingStatusChange(
            training_record=record,
            lead_provider=lead_provider,
            training_status=training_status,
            reason=reason,
            changed_at=now,
        )
        set_change_reason(change, history_reason)
        change.save()
        period.training_status = training_status
        set_change_reason(period, history_reason)
        period.save()
    return record


def _transition_errors(
    record: TrainingRecord, period: TrainingPeriod, *, training_status: TrainingStatus, reason: str
) -> Iterable[tuple[str, str]]:
    """The state machine of domain rules §2.1 with D12 and D15."""
    current = period.training_status
    if training_status == TrainingStatus.WITHDRAWN:
        if reason not in WithdrawReason.values:
            yield "reason", WITHDRAW_REASON_INVALID
        elif reason == WithdrawReason.MENTOR_NO_LONGER_BEING_MENTOR and record.is_ect:
            yield "reason", WITHDRAW_REASON_MENTORS_ONLY
        if current == TrainingStatus.WITHDRAWN:
            yield "participant_id", ALREADY_WITHDRAWN
    elif training_status == TrainingStatus.DEFERRED:
        if reason not in DeferReason.values:
            yield "reason", DEFER_REASON_INVALID
        if current == TrainingStatus.DEFERRED:
            yield "participant_id", ALREADY_DEFERRED
        elif current == TrainingStatus.WITHDRAWN:
            yield "participant_id", DEFER_WITHDRAWN
    elif current == TrainingStatus.ACTIVE:
        yield "participant_id", ALREADY_ACTIVE


def participant_change_schedule(
    *,
    lead_provider: LeadProvider,
    participant_id: uuid.UUID,
    course_identifier: str,
    schedule_identifier: str,
    cohort: int | None = None,
    acted_by: str | None = None,
    note: str = "",
) -> TrainingRecord:
    """Put the training record on another schedule, of its cohort or (with `cohort`) of another cohort.

    Rules, all reported together where they can be checked:
    - the participant is not withdrawn by this provider (deferred is fine);
    - the target cohort (default: the record's) exists, and the schedule exists in it;
    - it is not the record's current schedule;
    - replacement schedules are for mentors only, and mentors cannot go on reduced schedules (D15);
    - within a cohort: every live declaration of the record (submitted, eligible, payable or paid, by any
      provider) still falls inside the new schedule's milestone window for its type, computed in London
      time (D6) exactly as for a new declaration (from 00:00 on the start date to the end of the
      milestone date). The original service also refused a declaration dated exactly 00:00 on the start
      date here (§13.16); we use the window of declaring, so a schedule change never refuses what a
      declaration would be accepted with.
    - moving to another cohort (§5.5 rule 6, §11.3, simplified):
      - the provider has an unchallenged partnership with the school of its latest period in the target
        cohort; the period moves to that partnership (updated in place: the period stays where and with
        whom the participant trains, now under the target cohort's partnership; the record's cohort and
        schedule change together, keeping `schedule.cohort == cohort`);
      - no live declarations (they belong to their cohort's contract), except for an ECT leaving a
        cohort whose payments are frozen, or going back to it, whose declarations in frozen cohorts
        stay where they are (old declarations keep their cohort and statements);
      - out of a payments-frozen cohort: only to 2024, and not once training is complete (a live
        `completed` declaration, an induction end date or a mentor funding end date);
        `cohort_changed_after_payments_frozen` becomes true;
      - into a payments-frozen cohort: only back to the cohort the participant left (the flag is set and
        the record has live declarations in it); the flag becomes false.
      "Payments frozen" is read on the request clock (D18), not the real time.
    """
    with transaction.atomic():
        record, period = _locked_record(
            lead_provider=lead_provider, participant_id=participant_id, course_identifier=course_identifier
        )
        now = clock.now()
        errors = _Errors()
        if period.training_status == TrainingStatus.WITHDRAWN:
            errors.add("participant_id", CHANGE_SCHEDULE_WITHDRAWN)

        target = record.cohort if cohort is None else Cohort.objects.filter(start_year=cohort).first()
        if target is None:
            errors.fail("cohort", COHORT_UNKNOWN)
        schedule = Schedule.objects.filter(cohort=target, identifier=schedule_identifier).first()
        if schedule is None:
            errors.fail("schedule_identifier", SCHEDULE_UNKNOWN.format(cohort=target.start_year))
        if schedule.pk == record.schedule_id:
            errors.fail("schedule_identifier", SCHEDULE_UNCHANGED)
        if schedule.mentors_only and record.is_ect:
            errors.add("schedule_identifier", SCHEDULE_MENTORS_ONLY)
        if schedule.schedule_type == ScheduleType.REDUCED and not record.is_ect:
            errors.add("schedule_identifier", SCHEDULE_NOT_FOR_MENTORS)

        live = list(
            Declaration.objects.filter(training_record=record, state__in=LIVE_DECLARATION_STATES).select_related(
                "cohort"
            )
        )
        moves_cohort = target.pk != record.cohort_id
        flag = record.cohort_changed_after_payments_frozen
        partnership_id = None
        if moves_cohort:
            partnership_id = (
                lead_provider.partnerships.filter(school_id=period.school_id, cohort=target, challenged_at__isnull=True)
                .values_list("pk", flat=True)
                .first()
            )
            for message in _cohort_move_errors(record, target=target, live=live, now=now):
                errors.add("cohort", message)
            if partnership_id is None:
                errors.add("cohort", COHORT_NO_PARTNERSHIP)
            if _payments_frozen(record.cohort, now):
                flag = True
            elif _payments_frozen(target, now):
                flag = False
        elif not _declarations_fit(schedule, live):
            errors.add("schedule_identifier", SCHEDULE_INVALIDATES_DECLARATIONS)
        errors.raise_if_any()

        history_reason = provider_action_reason(
            "schedule changed", lead_provider_name=lead_provider.name, staff=acted_by, note=note
        )
        record.cohort = target
        record.schedule = schedule
        record.cohort_changed_after_payments_frozen = flag
        set_change_reason(record, history_reason)
        record.save()
        if moves_cohort and period.partnership_id != partnership_id:
            period.partnership_id = partnership_id
            set_change_reason(period, history_reason)
            period.save()
    return record


def _cohort_move_errors(
    record: TrainingRecord, *, target: Cohort, live: list[Declaration], now: dt.datetime
) -> Iterable[str]:
    source_frozen = _payments_frozen(record.cohort, now)
    target_frozen = _payments_frozen(target, now)
    if source_frozen:
        if target.start_year != DESTINATION_FROM_FROZEN_COHORT:
            yield COHORT_FROZEN_DESTINATION
        completed = any(d.declaration_type == DeclarationType.COMPLETED for d in live)
        if completed or record.induction_end_date or record.mentor_funding_end_date:
            yield COHORT_FROZEN_COMPLETED
    elif target_frozen and not (
        record.cohort_changed_after_payments_frozen and any(d.cohort_id == target.pk for d in live)
    ):
        yield COHORT_FROZEN_TARGET
    frozen_move = record.is_ect and (source_frozen or target_frozen)
    if any(not (frozen_move and _payments_frozen(d.cohort, now)) for d in live):
        yield COHORT_HAS_DECLARATIONS


def _payments_frozen(cohort: Cohort, now: dt.datetime) -> bool:
    return cohort.payments_frozen_at is not None and now >= cohort.payments_frozen_at


def _declarations_fit(schedule: Schedule, declarations: list[Declaration]) -> bool:
    milestones = {m.declaration_type: m for m in Milestone.objects.filter(schedule=schedule)}
    return all(_in_window(milestones.get(d.declaration_type), d.declaration_date) for d in declarations)


def _in_window(milestone: Milestone | None, moment: dt.datetime) -> bool:
    """Whether `moment` falls in the milestone's window: from 00:00 London on its start date to the end
    of its milestone date in London (no end when the milestone is open-ended)."""
    if milestone is None:
        return False
    if moment < _london_midnight(milestone.start_date):
        return False
    return milestone.milestone_date is None or moment < _london_midnight(
        milestone.milestone_date + dt.timedelta(days=1)
    )


def _london_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def _locked_record(
    *, lead_provider: LeadProvider, participant_id: uuid.UUID, course_identifier: str
) -> tuple[TrainingRecord, TrainingPeriod]:
    """The training record the action is about, locked for the transaction, and the provider's latest
    visible period for it (read after the lock, so it reflects any action that ran before)."""
    visible = dict(
        visible_training_record_list(lead_provider=lead_provider)
        .filter(participant_id=participant_id)
        .values_list("participant_type", "pk")
    )
    if not visible:
        raise Participant.DoesNotExist("The participant is not visible to this lead provider.")
    participant_type = _PARTICIPANT_TYPES.get(course_identifier)
    record_id = visible.get(participant_type) if participant_type is not None else None
    if record_id is None:
        raise ValidationError({"course_identifier": [COURSE_NOT_RECOGNISED]})
    # The lock is taken on the record alone: PostgreSQL rechecks a locked row that a concurrent action changed,
    # and with a join it would lose the row when that action changed the joined key (its schedule).
    record = TrainingRecord.objects.select_for_update().get(pk=record_id)
    if current_lead_provider_id(training_record=record) != lead_provider.pk:
        raise ValidationError({"participant_id": [NOT_CURRENT_PROVIDER]})
    period = (
        provider_period_list(lead_provider=lead_provider)
        .filter(training_record=record)
        .order_by(*LATEST_PERIOD_FIRST)
        .first()
    )
    if period is None:  # the provider lost sight of the record while waiting for the lock
        raise ValidationError({"course_identifier": [COURSE_NOT_RECOGNISED]})
    return record, period
