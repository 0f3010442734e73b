from datetime import date

from django.db.models import QuerySet

from ecf.models import Cohort, LeadProvider
from finance.choices import StatementStatus
from finance.models import Statement


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
