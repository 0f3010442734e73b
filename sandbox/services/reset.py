"""Putting one lead provider's sandbox back as the seed made it, leaving every other provider's data as it is.

The seed's own audit history is the snapshot: every row the seed makes is inserted with a history row of type `+`
and the reason `sandbox seed`, and the seed never updates a row. So for the rows a provider owns (its declarations,
training periods, withdrawals and deferrals, partnerships, statements and their adjustments), the reset

- removes the ones the seed did not make (participants it added, declarations, partnerships and changes of status
  it made since), and
- writes back, field by field, the seeded values of the ones that changed (a voided declaration, a withdrawn
  participant's period, a statement), recreating any that were deleted.

Rows shared with other providers are handled with care: a training record another provider also trains is written
back only when the provider itself made its latest change; a school cohort is removed only when it was made after
the seed where the provider's removed partnership was, and no partnership is left for it; schools, seeded
participants and other providers' rows are never written. Restored rows are saved (so their `updated_at` moves and
`filter[updated_since]` sees them), each with the history reason `sandbox: reset by <provider>`. Running it twice
changes nothing the second time.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q

from ecf.audit import set_change_reason
from ecf.models import (
    Declaration,
    LeadProvider,
    Participant,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from finance.models import Adjustment, Statement
from partnerships.models import Partnership
from sandbox.batch import HISTORY_REASON as SEED_REASON

NOT_SEEDED = "Your sandbox data was not made by the sandbox seed, so there is no seeded state to return to."
# Columns the reset does not compare: when the row was made, and when it (or what the API shows of it) changed.
UNCOMPARED = {"created_at", "updated_at", "api_updated_at"}


@dataclass(frozen=True)
class ResetResult:
    removed: Counter[str]
    restored: Counter[str]


def reset_reason(lead_provider: LeadProvider) -> str:
    return f"sandbox: reset by {lead_provider.name}"


@transaction.atomic
def sandbox_reset(*, lead_provider: LeadProvider) -> ResetResult:
    """Return the provider's sandbox data to the seeded state; say how many rows of each kind were removed and
    restored (both empty when it was already as seeded). Raises ValidationError when the seed never made the
    provider's data."""
    # One reset of a provider at a time.
    LeadProvider.objects.select_for_update().get(pk=lead_provider.pk)
    if not Statement.history.filter(
        history_type="+", history_change_reason=SEED_REASON, lead_provider_id=lead_provider.pk
    ).exists():
        # Without a seed every row would count as added: refuse rather than remove them all.
        raise ValidationError({"request": [NOT_SEEDED]})
    reason = reset_reason(lead_provider)
    owned = Q(lead_provider_id=lead_provider.pk)
    removed: Counter[str] = Counter()
    restored: Counter[str] = Counter()

    declarations = _own_declarations_to_remove(lead_provider)
    # Duplicates among them go together with the declarations they duplicate (the link would protect those).
    Declaration.objects.filter(superseded_by__in=declarations).update(superseded_by=None)
    _delete(removed, "declarations", declarations)
    _delete(removed, "status changes", _unseeded(TrainingStatusChange, owned))
    added_periods = _unseeded(TrainingPeriod, owned)
    added_records = set(added_periods.values_list("training_record_id", flat=True))
    _delete(removed, "training periods", added_periods)

    restored["statements"] = _restore(Statement, owned, reason)
    restored["partnerships"] = _restore(Partnership, owned, reason)
    restored["training records"] = _restore(TrainingRecord, Q(id__in=_records_to_restore(lead_provider)), reason)
    restored["training periods"] = _restore(TrainingPeriod, owned, reason)
    restored["status changes"] = _restore(TrainingStatusChange, owned, reason)
    restored["declarations"] = _restore(Declaration, owned, reason)

    orphans = TrainingRecord.objects.filter(pk__in=added_records, training_periods__isnull=True)
    orphans = orphans.exclude(pk__in=_seeded_ids(TrainingRecord))
    added_people = set(orphans.values_list("participant_id", flat=True))
    _delete(removed, "training records", orphans)
    people = Participant.objects.filter(pk__in=added_people, training_records__isnull=True)
    _delete(removed, "participants", people.exclude(pk__in=_seeded_ids(Participant)))

    added_partnerships = _unseeded(Partnership, owned)
    created_for = set(added_partnerships.values_list("school_id", "cohort_id"))
    _delete(removed, "partnerships", added_partnerships)
    _delete(removed, "school cohorts", _school_cohorts_to_remove(created_for))
    statements = Statement.objects.filter(owned).values("pk")
    _delete(removed, "adjustments", _unseeded(Adjustment, Q(statement_id__in=statements)))
    return ResetResult(removed=+removed, restored=+restored)


def _seeded_ids(model: type[models.Model]) -> Any:
    return model.history.filter(  # type: ignore[attr-defined]
        history_type="+", history_change_reason=SEED_REASON
    ).values("id")


def _unseeded(model: type[models.Model], scope: Q) -> models.QuerySet[Any]:
    return model._default_manager.filter(scope).exclude(pk__in=_seeded_ids(model))


def _delete(removed: Counter[str], kind: str, rows: models.QuerySet[Any]) -> None:
    """Delete `rows` (and what cascades from them), counting the rows of `rows`' own model."""
    _, per_model = rows.delete()
    removed[kind] += per_model.get(rows.model._meta.label, 0)


def _own_declarations_to_remove(lead_provider: LeadProvider) -> models.QuerySet[Declaration]:
    """The provider's declarations the seed did not make, but for any another provider's declaration is a duplicate
    of (removing it would change that provider's data)."""
    added = _unseeded(Declaration, Q(lead_provider_id=lead_provider.pk))
    relied_on = Declaration.objects.exclude(lead_provider=lead_provider).filter(superseded_by__in=added)
    return added.exclude(pk__in=relied_on.values("superseded_by_id"))


def _records_to_restore(lead_provider: LeadProvider) -> set[Any]:
    """Records the provider trains in the seed, unless another provider trains it too and made its latest change."""
    seeded_periods = TrainingPeriod.history.filter(history_type="+", history_change_reason=SEED_REASON)
    own = set(seeded_periods.filter(lead_provider_id=lead_provider.pk).values_list("training_record_id", flat=True))
    shared = set(
        TrainingPeriod.objects.filter(training_record_id__in=own)
        .exclude(lead_provider=lead_provider)
        .values_list("training_record_id", flat=True)
    )
    mine = own - shared
    for record_id in shared:
        latest = TrainingRecord.history.filter(id=record_id).order_by("-history_date").first()
        if latest is not None and _made_by(latest.history_change_reason or "", lead_provider):
            mine.add(record_id)
    return mine


def _made_by(reason: str, lead_provider: LeadProvider) -> bool:
    """Whether a history reason names the provider as the one who acted (`ecf.audit.provider_action_reason`)."""
    return reason.endswith(f" by {lead_provider.name}") or f" for {lead_provider.name}:" in reason


def _school_cohorts_to_remove(created_for: Iterable[tuple[Any, Any]]) -> models.QuerySet[SchoolCohort]:
    """School cohorts the seed did not make, at a school and cohort where the provider's removed partnerships were,
    for which no partnership (of any provider) is left: reporting a partnership made them."""
    candidates = Q()
    for school_id, cohort_id in created_for:
        candidates |= Q(school_id=school_id, cohort_id=cohort_id)
    if not candidates:
        return SchoolCohort.objects.none()
    partnered = Partnership.objects.filter(school_id=OuterRef("school_id"), cohort_id=OuterRef("cohort_id"))
    return _unseeded(SchoolCohort, candidates).exclude(Exists(partnered))


def _restore(model: type[models.Model], scope: Q, reason: str) -> int:
    """Write back the seeded values of the rows in `scope` that differ from them (or are gone); return how many."""
    snapshots = {
        historical.id: historical.instance
        for historical in model.history.filter(  # type: ignore[attr-defined]
            scope, history_type="+", history_change_reason=SEED_REASON
        )
    }
    current = model._default_manager.in_bulk(list(snapshots))
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in UNCOMPARED and not f.primary_key]
    restored = 0
    for pk, snapshot in snapshots.items():
        row = current.get(pk)
        if row is not None and all(getattr(row, name) == getattr(snapshot, name) for name in fields):
            continue
        if row is None:
            snapshot._state.adding = True
            row = snapshot
        else:
            for name in fields:
                setattr(row, name, getattr(snapshot, name))
        set_change_reason(row, reason)
        row.save()
        restored += 1
    return restored
