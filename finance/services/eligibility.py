"""Support staff record a training record's funding eligibility (back office §1.2 #9).

Declarations made while a record's eligibility was not known (or ineligible) stay `submitted` and sit on
no statement. Once the record is eligible, each of them becomes `eligible` and is attached to its lead
provider's next output statement for the declaration's cohort (as a new declaration of an eligible
record would be, finance.services.declarations). A declaration whose cohort has no open output
statement left stays submitted; the caller reads which (`submitted_declarations`) and reports them.
Recording eligibility again sweeps the declarations left behind the first time.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from ecf import clock
from ecf.audit import set_change_reason
from ecf.choices import DeclarationState, FundingEligibility
from ecf.models import Declaration, TrainingRecord
from finance.selectors import next_output_statement

logger = logging.getLogger(__name__)

UNKNOWN_ELIGIBILITY = "Choose eligible, ineligible or not yet known."
REASON_NEEDED = "Say why the eligibility changes: the reason is kept in the record's history."


def submitted_declarations(*, record: TrainingRecord) -> QuerySet[Declaration]:
    """The record's declarations still waiting for eligibility (on no statement)."""
    return Declaration.objects.filter(training_record=record, state=DeclarationState.SUBMITTED)


@transaction.atomic
def training_record_record_eligibility(
    *, record: TrainingRecord, eligibility: str, reason: str, recorded_by: str
) -> int:
    """Set `record`'s funding eligibility; when it is eligible, move its submitted declarations to
    `eligible` on their next output statements. Returns how many declarations moved. Raises
    ValidationError for an unknown eligibility value or a missing reason."""
    errors: dict[str, list[str]] = {}
    if eligibility not in FundingEligibility.values:
        errors["eligibility"] = [UNKNOWN_ELIGIBILITY]
    if not reason.strip():
        errors["reason"] = [REASON_NEEDED]
    if errors:
        raise ValidationError(errors)
    record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
    history_reason = f"funding eligibility {eligibility} by {recorded_by}: {reason.strip()}"
    record.funding_eligibility = eligibility
    set_change_reason(record, history_reason)
    record.save()
    if eligibility != FundingEligibility.ELIGIBLE:
        return 0

    moved = 0
    today = clock.today()
    waiting = submitted_declarations(record=record).select_for_update()
    for declaration in waiting.order_by("pk"):
        statement = next_output_statement(lead_provider=declaration.lead_provider, cohort=declaration.cohort, on=today)
        if statement is None:
            logger.warning("declaration %s stays submitted: no open output statement", declaration.pk)
            continue
        declaration.state = DeclarationState.ELIGIBLE
        declaration.payment_statement = statement
        set_change_reason(declaration, f"eligible on {statement.name} by {recorded_by}: {reason.strip()}")
        declaration.save()
        moved += 1
    return moved
