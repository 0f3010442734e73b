from django.db.models import QuerySet

from ecf.models import LeadProvider
from finance.models import Statement


def statement_list(*, lead_provider: LeadProvider) -> QuerySet[Statement]:
    """The provider's output-fee statements: the ones declarations are paid on (service-fee-only months
    are not shown to providers)."""
    return Statement.objects.filter(lead_provider=lead_provider, output_fee=True).select_related("cohort")
