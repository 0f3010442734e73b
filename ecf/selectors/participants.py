"""Which participants a lead provider can read, and what it sees of each (contract §2.1, domain rules
§1.2 and §2.2, decisions D7 and D8).

Visibility: a participant is visible to a provider while any of its training records has a training
period with that provider, outside any partnership the school has challenged (a period not yet
confirmed by a partnership counts). Participants stay visible after they leave the provider (the
successor service's rule), so a provider can follow its leavers; a participant whose only periods
with the provider sit in a challenged partnership is hidden (D8).

Each visible training record is one `ecf_enrolments[]` item, read through the provider's latest
visible period for that record ("latest": the open period first, then the latest start date, then
the latest creation). Periods the provider holds in a challenged partnership are ignored throughout.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    When,
)

from ecf import clock
from ecf.choices import ParticipantStatus, ParticipantType, TrainingStatus
from ecf.models import (
    LeadProvider,
    MentorAssignment,
    Participant,
    ParticipantIdChange,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)

# The order that puts a training record's latest period first (domain rules §2.2).
LATEST_PERIOD_FIRST = (
    ExpressionWrapper(Q(end_date__isnull=True), output_field=BooleanField()).desc(),
    "-start_date",
    "-created_at",
    "-id",
)


# What an enrolment reads of a period and of a training record. Related rows are read as columns (the school's
# URN, the cohort's year...) rather than fetched as objects: a full page would otherwise build some twelve
# thousand school, partnership, cohort, schedule and mentor objects to read one value of each.
ENROLMENT_PERIOD_FIELDS = (
    "training_record_id",
    "lead_provider_id",
    "start_date",
    "end_date",
    "training_status",
    "induction_status",
)


def provider_period_list(*, lead_provider: LeadProvider) -> QuerySet[TrainingPeriod]:
    """The training periods that make a participant visible to `lead_provider`: its own periods,
    except those in a partnership the school has challenged (D8). A period not yet confirmed by a
    partnership (an expression of interest) counts."""
    # An unchallenged partnership has no challenge time (constraint partnership_challenge_fields_match_status);
    # `ecf` sits below `partnerships` and does not import its choices.
    return TrainingPeriod.objects.filter(
        Q(partnership__isnull=True) | Q(partnership__challenged_at__isnull=True),
        lead_provider=lead_provider,
    )


def current_lead_provider_id(*, training_record: TrainingRecord) -> uuid.UUID | None:
    """The lead provider of the record's latest period, whoever it is (D22: the record's current provider, the
    only one that may act on its training); None when that period is school-led or there is none."""
    lead_provider_id: uuid.UUID | None = (
        TrainingPeriod.objects.filter(training_record=training_record)
        .order_by(*LATEST_PERIOD_FIRST)
        .values_list("lead_provider_id", flat=True)
        .first()
    )
    return lead_provider_id


def provider_training_end(*, lead_provider: LeadProvider, training_record: TrainingRecord) -> date | None:
    """The day `lead_provider`'s training of the record ended: the end of its latest visible period for it;
    None while that period is open (D22)."""
    end_date: date | None = (
        provider_period_list(lead_provider=lead_provider)
        .filter(training_record=training_record)
        .order_by(*LATEST_PERIOD_FIRST)
        .values_list("end_date", flat=True)
        .first()
    )
    return end_date


def is_provider_period(period: TrainingPeriod, *, lead_provider: LeadProvider) -> bool:
    """`provider_period_list` for one period already in memory (its partnership fetched with it)."""
    return period.lead_provider_id == lead_provider.pk and (
        period.partnership is None or period.partnership.challenged_at is None
    )


def current_mentor_assignment_list(*, today: date) -> QuerySet[MentorAssignment]:
    """Mentor assignments still in force on `today` or later: not ended, or ending after `today`."""
    return MentorAssignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=today))


def visible_training_record_list(*, lead_provider: LeadProvider) -> QuerySet[TrainingRecord]:
    """The training records `lead_provider` sees as enrolments."""
    periods = provider_period_list(lead_provider=lead_provider)
    return TrainingRecord.objects.filter(Exists(periods.filter(training_record=OuterRef("pk"))))


def visible_participant_list(*, lead_provider: LeadProvider) -> QuerySet[Participant]:
    """The participants visible to `lead_provider` (see the module docstring), nothing fetched with them."""
    periods = provider_period_list(lead_provider=lead_provider)
    return Participant.objects.filter(Exists(periods.filter(training_record__participant=OuterRef("pk"))))


def participant_list(*, lead_provider: LeadProvider, today: date | None = None) -> QuerySet[Participant]:
    """The participants visible to `lead_provider` (see the module docstring), with everything their
    enrolments show prefetched for `participant_enrolments`, in a fixed number of queries: the provider's
    visible training records (with `cohort_year` and `schedule_identifier`), the provider's visible periods of
    each (latest first, with `school_urn` and `partnership_delivery_partner_id`), the provider's training status
    changes of each (latest first), the mentor assignments in force on `today` (London today by default, with
    `mentor_participant_id`), and id changes."""
    today = today or clock.today()
    periods = provider_period_list(lead_provider=lead_provider)
    records = (
        visible_training_record_list(lead_provider=lead_provider)
        .defer("updated_at")
        .annotate(cohort_year=F("cohort__start_year"), schedule_identifier=F("schedule__identifier"))
        .prefetch_related(
            Prefetch(
                "training_periods",
                queryset=periods.only(*ENROLMENT_PERIOD_FIELDS)
                .annotate(
                    school_urn=F("school__urn"), partnership_delivery_partner_id=F("partnership__delivery_partner_id")
                )
                .order_by(*LATEST_PERIOD_FIRST),
                to_attr="provider_periods",
            ),
            Prefetch(
                "training_status_changes",
                queryset=TrainingStatusChange.objects.filter(lead_provider=lead_provider)
                .only("training_record_id", "training_status", "reason", "changed_at")
                .order_by("-changed_at", "-created_at", "-id"),
                to_attr="provider_status_changes",
            ),
            Prefetch(
                "mentor_assignments",
                queryset=current_mentor_assignment_list(today=today)
                .only("ect_id", "start_date", "end_date")
                .annotate(mentor_participant_id=F("mentor__participant_id"))
                .order_by("start_date"),
                to_attr="current_mentor_assignments",
            ),
        )
        .order_by("created_at", "id")
    )
    return visible_participant_list(lead_provider=lead_provider).prefetch_related(
        Prefetch("training_records", queryset=records, to_attr="provider_training_records"),
        # Into a list (`to_attr`): prefetching into the related manager would build a queryset per participant.
        Prefetch(
            "id_changes", queryset=ParticipantIdChange.objects.order_by("created_at", "id"), to_attr="id_change_list"
        ),
    )


def participant_list_filter_cohorts(
    queryset: QuerySet[Participant], *, lead_provider: LeadProvider, years: list[int]
) -> QuerySet[Participant]:
    """Participants with a training record visible to `lead_provider` in one of the cohorts `years`."""
    records = visible_training_record_list(lead_provider=lead_provider).filter(
        participant=OuterRef("pk"), cohort__start_year__in=years
    )
    return queryset.filter(Exists(records))


def participant_list_filter_training_status(
    queryset: QuerySet[Participant], *, lead_provider: LeadProvider, training_status: TrainingStatus
) -> QuerySet[Participant]:
    """Participants with an enrolment of `training_status`: a training record whose latest period
    visible to `lead_provider` has that training status."""
    latest_status = Subquery(
        provider_period_list(lead_provider=lead_provider)
        .filter(training_record=OuterRef("pk"))
        .order_by(*LATEST_PERIOD_FIRST)
        .values("training_status")[:1]
    )
    records = (
        TrainingRecord.objects.filter(participant=OuterRef("pk"))
        .alias(provider_training_status=latest_status)
        .filter(provider_training_status=training_status)
    )
    return queryset.filter(Exists(records))


def participant_list_filter_from_participant_id(
    queryset: QuerySet[Participant], *, from_participant_id: uuid.UUID
) -> QuerySet[Participant]:
    """Participants a retired (merged duplicate) participant id was changed into."""
    changes = ParticipantIdChange.objects.filter(participant=OuterRef("pk"), from_participant_id=from_participant_id)
    return queryset.filter(Exists(changes))


@dataclass(frozen=True)
class Enrolment:
    """What a provider sees of one training record (an `ecf_enrolments[]` item): the record read
    through the provider's latest visible period for it."""

    training_record: TrainingRecord
    period: TrainingPeriod
    participant_status: ParticipantStatus
    mentor_id: uuid.UUID | None
    teacher_reference_number_validated: bool | None
    # The provider's latest withdrawal or deferral of the record, when the period is withdrawn or deferred.
    status_change: TrainingStatusChange | None

    @property
    def delivery_partner_id(self) -> uuid.UUID | None:
        delivery_partner_id: uuid.UUID | None = self.period.partnership_delivery_partner_id  # type: ignore[attr-defined]
        return delivery_partner_id

    @property
    def withdrawal(self) -> TrainingStatusChange | None:
        return self.status_change if self.period.training_status == TrainingStatus.WITHDRAWN else None

    @property
    def deferral(self) -> TrainingStatusChange | None:
        return self.status_change if self.period.training_status == TrainingStatus.DEFERRED else None


def participant_enrolments(participant: Participant, *, today: date) -> list[Enrolment]:
    """The enrolments of a participant fetched by `participant_list` (reads only its prefetched rows),
    one per visible training record, oldest record first; statuses as of `today`."""
    enrolments = []
    records: list[Any] = participant.provider_training_records  # type: ignore[attr-defined]
    for record in records:
        period: TrainingPeriod = record.provider_periods[0]
        status_change = None
        if period.training_status != TrainingStatus.ACTIVE:
            status_change = next(
                (c for c in record.provider_status_changes if c.training_status == period.training_status), None
            )
        enrolments.append(
            Enrolment(
                training_record=record,
                period=period,
                participant_status=period.participant_status(today),
                mentor_id=_mentor_id(record, today=today),
                teacher_reference_number_validated=participant.trn_validated if participant.trn else None,
                status_change=status_change,
            )
        )
    return enrolments


def _mentor_id(record: Any, *, today: date) -> uuid.UUID | None:
    """An ECT's mentor (participant id): the assignment in force today that started last, else the
    next one to start. Always None for a mentor's record."""
    if record.participant_type != ParticipantType.ECT:
        return None
    assignments: list[MentorAssignment] = record.current_mentor_assignments
    started = [a for a in assignments if a.start_date <= today]
    chosen = started[-1] if started else (assignments[0] if assignments else None)
    return chosen.mentor_participant_id if chosen is not None else None  # type: ignore[attr-defined]


# The participants list read as values (tuples) rather than model objects, for the API's list pages: the same
# rows as `participant_list` and `participant_enrolments`, without building some fifteen thousand model objects
# and running the prefetch machinery over them for a full page (issue #16).

PARTICIPANT_VALUES = ("id", "created_at", "api_updated_at", "full_name", "trn", "trn_validated")


class EnrolmentValues(NamedTuple):
    """A visible training record read through the provider's latest visible period for it: what `Enrolment`
    tells, as values."""

    participant_id: uuid.UUID
    training_record_id: uuid.UUID
    email: str
    participant_type: str
    working_pattern: str
    cohort_year: int
    funding_eligibility: str
    pupil_premium_uplift: bool
    sparsity_uplift: bool
    schedule_identifier: str
    created_at: datetime
    induction_end_date: date | None
    most_recent_induction_period_end_date: date | None
    induction_start_date: date | None
    mentor_funding_end_date: date | None
    cohort_changed_after_payments_frozen: bool
    mentor_ineligible_reason: str
    # The period's:
    school_urn: str
    delivery_partner_id: uuid.UUID | None
    start_date: date
    end_date: date | None
    training_status: str
    induction_status: str
    # An ECT's current mentor (see `_mentor_id`), and the provider's latest withdrawal or deferral of the record
    # when the period is withdrawn or deferred:
    mentor_id: uuid.UUID | None
    status_change_reason: str | None
    status_changed_at: datetime | None


# EnrolmentValues' fields as read from a training period, in the same order (the last three are annotations).
_ENROLMENT_COLUMNS = (
    "training_record__participant_id",
    "training_record_id",
    "training_record__email",
    "training_record__participant_type",
    "training_record__working_pattern",
    "training_record__cohort__start_year",
    "training_record__funding_eligibility",
    "training_record__pupil_premium_uplift",
    "training_record__sparsity_uplift",
    "training_record__schedule__identifier",
    "training_record__created_at",
    "training_record__induction_end_date",
    "training_record__most_recent_induction_period_end_date",
    "training_record__induction_start_date",
    "training_record__mentor_funding_end_date",
    "training_record__cohort_changed_after_payments_frozen",
    "training_record__mentor_ineligible_reason",
    "school__urn",
    "partnership__delivery_partner_id",
    "start_date",
    "end_date",
    "training_status",
    "induction_status",
    "current_mentor_id",
    "status_change_reason",
    "status_changed_at",
)


class IdChangeValues(NamedTuple):
    from_participant_id: uuid.UUID
    to_participant_id: uuid.UUID
    created_at: datetime


def participant_enrolment_rows(
    *, lead_provider: LeadProvider, participant_ids: list[uuid.UUID], today: date
) -> dict[uuid.UUID, list[EnrolmentValues]]:
    """The enrolments of each of `participant_ids` visible to `lead_provider` (oldest record first), as
    `participant_enrolments` reads them; one query whatever the number of participants (the mentor and the
    status change are read per row by the database, as the floor's lateral joins read them)."""
    started = Q(start_date__lte=today)
    mentors = (
        current_mentor_assignment_list(today=today)
        .filter(ect=OuterRef("training_record"))
        # `_mentor_id`: the assignment in force that started last, else the next one to start.
        .order_by(
            ExpressionWrapper(started, output_field=BooleanField()).desc(),
            Case(When(started, then="start_date")).desc(nulls_last=True),
            "start_date",
        )
        .values("mentor__participant_id")[:1]
    )
    changes = TrainingStatusChange.objects.filter(
        lead_provider=lead_provider,
        training_record=OuterRef("training_record"),
        training_status=OuterRef("training_status"),
    ).order_by("-changed_at", "-created_at", "-id")
    not_active = ~Q(training_status=TrainingStatus.ACTIVE)
    periods = (
        provider_period_list(lead_provider=lead_provider)
        .filter(training_record__participant_id__any_of=participant_ids)
        .annotate(
            # A UUID, not the foreign key the subquery reads: SQLite's driver converts UUIDs by declared type.
            current_mentor_id=Case(
                When(training_record__participant_type=ParticipantType.ECT, then=Subquery(mentors)),
                output_field=UUIDField(),
            ),
            status_change_reason=Case(When(not_active, then=Subquery(changes.values("reason")[:1]))),
            status_changed_at=Case(When(not_active, then=Subquery(changes.values("changed_at")[:1]))),
        )
        .order_by("training_record__created_at", "training_record_id", *LATEST_PERIOD_FIRST)
        .values_list(*_ENROLMENT_COLUMNS)
    )
    enrolments: dict[uuid.UUID, list[EnrolmentValues]] = {}
    read: set[uuid.UUID] = set()
    for row in periods:  # the first row of each record is its latest period
        if row[1] not in read:
            read.add(row[1])
            enrolments.setdefault(row[0], []).append(EnrolmentValues._make(row))
    return enrolments


def participant_id_change_rows(*, participant_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[IdChangeValues]]:
    """The id changes of each of `participant_ids`, oldest first; one query."""
    changes: dict[uuid.UUID, list[IdChangeValues]] = {}
    for participant_id, from_participant_id, to_participant_id, created_at in (
        ParticipantIdChange.objects.filter(participant_id__any_of=participant_ids)
        .order_by("created_at", "id")
        .values_list("participant_id", "from_participant_id", "to_participant_id", "created_at")
    ):
        changes.setdefault(participant_id, []).append(
            IdChangeValues(from_participant_id, to_participant_id, created_at)
        )
    return changes
