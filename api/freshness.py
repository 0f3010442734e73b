"""Keeps each API resource's `updated_at` (its `api_updated_at`) true to what the API shows.

A resource moves its own `api_updated_at` on every save (`auto_now`). Many resources also show data
held in other rows: a participant shows its training records, periods, mentor, school URN and
withdrawals; a partnership shows its school, delivery partner and induction tutor. The public
services missed such changes for years, so providers syncing with `filter[updated_since]` never saw
them. Here every write of a row that a resource shows touches that resource, whoever writes it
(services, the back office, commands).

This is interface knowledge (what the API shows), so it lives in `api` and listens to the domain's
saves and deletes; it decides nothing about the domain. `QuerySet.update()` and bulk inserts send no
signals: code using them on shown data sets `api_updated_at` itself.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from ecf.models import (
    Declaration,
    DeliveryPartner,
    LeadProvider,
    MentorAssignment,
    Participant,
    ParticipantIdChange,
    School,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from partnerships.models import Partnership, ProviderRelationship

Touched = tuple[QuerySet[Any], ...]


def touch(*querysets: QuerySet[Any]) -> None:
    now = timezone.now()
    for queryset in querysets:
        queryset.update(api_updated_at=now)


def _participants_of_records(record_ids: Iterable[object]) -> QuerySet[Participant]:
    return Participant.objects.filter(training_records__in=list(record_ids)).distinct()


def _training_record(record: TrainingRecord) -> Touched:
    return (Participant.objects.filter(pk=record.participant_id),)


def _remember_partnership(sender: type[Model], instance: TrainingPeriod, raw: bool = False, **kwargs: Any) -> None:
    """Before a period is saved, note the partnership it had: moving it changes both partnerships' counts."""
    if not raw and not instance._state.adding:
        instance._previous_partnership_id = (  # type: ignore[attr-defined]
            TrainingPeriod.objects.filter(pk=instance.pk).values_list("partnership_id", flat=True).first()
        )


def _training_period(period: TrainingPeriod) -> Touched:
    partnerships = {period.partnership_id, getattr(period, "_previous_partnership_id", None)} - {None}
    return (
        _participants_of_records([period.training_record_id]),
        # Other providers' declarations for the record become visible to (or hidden from) this provider.
        Declaration.objects.filter(training_record_id=period.training_record_id),
        # Shown as participants_currently_training, and as the school's expression of interest.
        Partnership.objects.filter(pk__in=partnerships),
        School.objects.filter(pk=period.school_id),
    )


def _status_change(change: TrainingStatusChange) -> Touched:
    return (_participants_of_records([change.training_record_id]),)


def _mentor_assignment(assignment: MentorAssignment) -> Touched:
    # The ECT shows its mentor_id; the mentor may appear or vanish as an unfunded mentor.
    return (_participants_of_records([assignment.ect_id, assignment.mentor_id]),)


def _id_change(change: ParticipantIdChange) -> Touched:
    return (Participant.objects.filter(pk=change.participant_id),)


def _school(school: School) -> Touched:
    return (
        Participant.objects.filter(training_records__training_periods__school=school).distinct(),
        Partnership.objects.filter(school=school),
    )


def _school_cohort(school_cohort: SchoolCohort) -> Touched:
    # Partnerships show the school's induction tutor for their cohort.
    return (Partnership.objects.filter(school_id=school_cohort.school_id, cohort_id=school_cohort.cohort_id),)


def _delivery_partner(delivery_partner: DeliveryPartner) -> Touched:
    return (Partnership.objects.filter(delivery_partner=delivery_partner),)


def _partnership(partnership: Partnership) -> Touched:
    # Its participants show its delivery partner, and vanish from the provider while it is challenged;
    # the school shows whether it is in a partnership.
    return (
        Participant.objects.filter(training_records__training_periods__partnership=partnership).distinct(),
        Declaration.objects.filter(training_record__training_periods__partnership=partnership).distinct(),
        School.objects.filter(pk=partnership.school_id),
    )


def _provider_relationship(relationship: ProviderRelationship) -> Touched:
    return (DeliveryPartner.objects.filter(pk=relationship.delivery_partner_id),)


def _lead_provider(lead_provider: LeadProvider) -> Touched:
    # Declarations show the provider's name, and so do transfers (the participant's updated_at).
    return (
        Declaration.objects.filter(lead_provider=lead_provider),
        Participant.objects.filter(training_records__training_periods__lead_provider=lead_provider).distinct(),
    )


# The change paths, as data: a write of each model (key) moves `api_updated_at` of the rows its function returns.
# The guidance pages list them (guidance/sync.py) by the querysets' models.
TOUCHES: dict[type[Model], Callable[[Any], Touched]] = {
    TrainingRecord: _training_record,
    TrainingPeriod: _training_period,
    TrainingStatusChange: _status_change,
    MentorAssignment: _mentor_assignment,
    ParticipantIdChange: _id_change,
    School: _school,
    SchoolCohort: _school_cohort,
    DeliveryPartner: _delivery_partner,
    Partnership: _partnership,
    ProviderRelationship: _provider_relationship,
    LeadProvider: _lead_provider,
}


def _on_write(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures loading
        touch(*TOUCHES[sender](instance))


def connect() -> None:
    pre_save.connect(_remember_partnership, sender=TrainingPeriod, dispatch_uid="api-freshness-period-partnership")
    for model in TOUCHES:
        post_save.connect(_on_write, sender=model, dispatch_uid=f"api-freshness-save-{model.__name__}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"api-freshness-delete-{model.__name__}")
