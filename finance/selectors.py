from datetime import date
from uuid import UUID

from django.db.models import Q, QuerySet

from ecf.choices import DeclarationState
from ecf.models import Cohort, Declaration, LeadProvider
from finance.choices import StatementStatus
from finance.models import Statement

# A declaration in one of these states can have its payment moved to another statement.
MOVABLE_STATES = (DeclarationState.SUBMITTED, DeclarationState.ELIGIBLE, DeclarationState.PAYABLE)


def statement_list(*, lead_provider: LeadProvider) -> QuerySet[Statement]:
    """The provider's output-fee statements: the ones declarations are paid on (service-fee-only months
    are not shown to providers)."""
    return Statement.objects.filter(lead_provider=lead_provider, output_fee=True).select_related("cohort")


def next_output_statement(*, lead_provider: LeadProvider, cohort: Cohort, on: date) -> Statement | None:
    """The statement new payments and clawbacks of `cohort` land on, as of the day `on` (London): the
    provider's open output-fee statement for the cohort whose cut-off is `on` or later, the earliest
    first. None once every output statement of the cohort has passed (a closed, frozen cohort)."""
    return (
        Statement.objects.filter(
            lead_provider=lead_provider,
            cohort=cohort,
            output_fee=True,
            status=StatementStatus.OPEN,
            deadline_date__gte=on,
        )
        .order_by("deadline_date", "payment_date", "id")
        .first()
    )


def declaration_search(declarations: QuerySet[Declaration], query: str) -> QuerySet[Declaration]:
    """`declarations` matching what staff type to find one: a participant's name (part of it) or TRN, or a
    declaration's or participant's id."""
    text = query.strip()
    match = Q(participant__full_name__icontains=text) | Q(participant__trn=text)
    try:
        identifier = UUID(text)
    except ValueError:
        pass
    else:
        match |= Q(pk=identifier) | Q(participant_id=identifier)
    return declarations.filter(match)


def declarations_to_attach(*, statement: Statement) -> QuerySet[Declaration]:
    """The declarations of the statement's provider and cohort whose payment or clawback could move to it."""
    return Declaration.objects.filter(
        lead_provider_id=statement.lead_provider_id,
        cohort_id=statement.cohort_id,
        state__in=(*MOVABLE_STATES, DeclarationState.AWAITING_CLAWBACK),
    ).select_related("participant", "payment_statement", "clawback_statement")
