"""What the back office reads to answer a support question about one participant (back office §1.2 #2),
and which lead provider staff act for when they take a provider's action on a training record."""

import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ecf.models import (
    Declaration,
    MentorAssignment,
    Participant,
    ParticipantIdChange,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from ecf.selectors.participants import LATEST_PERIOD_FIRST


def training_records_with_current_period(
    records: QuerySet[TrainingRecord],
) -> list[tuple[TrainingRecord, TrainingPeriod | None]]:
    """Each record with its latest training period (the open one first, as the API reads it) and that period's
    lead provider: staff act for that provider. None for a record without a period. Two queries, however many
    records."""
    latest_first = TrainingPeriod.objects.select_related("lead_provider").order_by(*LATEST_PERIOD_FIRST)
    fetched = records.prefetch_related(Prefetch("training_periods", latest_first, to_attr="periods_latest_first"))
    return [(record, next(iter(record.periods_latest_first), None)) for record in fetched]


@dataclass(frozen=True)
class StatusChangeRow:
    change: TrainingStatusChange
    staff: str  # the back office user who made it for the provider; empty when the provider did, through the API


@dataclass(frozen=True)
class TrainingRecordSummary:
    record: TrainingRecord
    periods: list[TrainingPeriod]  # oldest first
    status_changes: list[StatusChangeRow]  # oldest first
    mentors: list[MentorAssignment]  # who mentors this ECT
    mentees: list[MentorAssignment]  # whom this mentor mentors
    declarations: list[Declaration]  # by declaration date


@dataclass(frozen=True)
class ParticipantSupportSummary:
    participant: Participant
    records: list[TrainingRecordSummary]  # the ECT record first
    id_changes: list[ParticipantIdChange]


def participant_support_summary(*, participant: Participant) -> ParticipantSupportSummary:
    """Everything about the participant's training, read in at most eight queries however many records,
    periods, status changes, assignments and declarations they have."""
    records = list(
        TrainingRecord.objects.filter(participant=participant)
        .select_related("cohort", "schedule__cohort")
        .prefetch_related(
            Prefetch(
                "training_periods",
                TrainingPeriod.objects.select_related(
                    "school", "lead_provider", "partnership__delivery_partner"
                ).order_by("start_date", "created_at"),
            ),
            Prefetch(
                "training_status_changes",
                TrainingStatusChange.objects.select_related("lead_provider").order_by("changed_at", "created_at"),
            ),
            Prefetch(
                "mentor_assignments",
                MentorAssignment.objects.select_related("mentor__participant").order_by("start_date", "created_at"),
            ),
            Prefetch(
                "mentee_assignments",
                MentorAssignment.objects.select_related("ect__participant").order_by("start_date", "created_at"),
            ),
            Prefetch(
                "declarations",
                Declaration.objects.select_related("lead_provider", "payment_statement", "clawback_statement").order_by(
                    "declaration_date", "created_at"
                ),
            ),
        )
        .order_by("participant_type")
    )
    changes = [change for record in records for change in record.training_status_changes.all()]
    staff = _creators(changes)
    return ParticipantSupportSummary(
        participant=participant,
        records=[
            TrainingRecordSummary(
                record=record,
                periods=list(record.training_periods.all()),
                status_changes=[
                    StatusChangeRow(change=change, staff=staff.get(change.pk, ""))
                    for change in record.training_status_changes.all()
                ],
                mentors=list(record.mentor_assignments.all()),
                mentees=list(record.mentee_assignments.all()),
                declarations=list(record.declarations.all()),
            )
            for record in records
        ],
        id_changes=list(participant.id_changes.order_by("created_at")),
    )


def _creators(changes: list[TrainingStatusChange]) -> dict[uuid.UUID, str]:
    """The username of the staff member who created each status change, read from its history (the API's
    changes have no user)."""
    created = TrainingStatusChange.history.filter(
        id__in=[change.pk for change in changes], history_type="+", history_user__isnull=False
    )
    return dict(created.values_list("id", "history_user__username"))
