from django.core.management.base import CommandError

from ecf.models import LeadProvider


def lead_provider_named(name: str) -> LeadProvider:
    """The lead provider called `name` (any case), or a CommandError naming the known ones."""
    provider = LeadProvider.objects.filter(name__iexact=name.strip()).first()
    if provider is None:
        known = ", ".join(LeadProvider.objects.order_by("name").values_list("name", flat=True)) or "none"
        raise CommandError(f"No lead provider is named {name!r}. Known providers: {known}.")
    return provider
