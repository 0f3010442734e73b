"""The delivery partners a lead provider works with (domain rules §9.3, contract §2.6)."""

from django.db.models import FilteredRelation, Prefetch, Q, QuerySet

from ecf.models import DeliveryPartner, LeadProvider


def delivery_partner_list(*, lead_provider: LeadProvider) -> QuerySet[DeliveryPartner]:
    """The delivery partners `lead_provider` has a provider relationship with, in any cohort (the
    department's permission to report partnerships with them).

    - `lead_provider_relationships` (prefetched list): the provider's relationships with the partner,
      by cohort start year, so the API can list the cohorts in which the provider may work with it;
    - `lead_provider_relationship` (a filtered relation for lookups): the same relationships, so a filter
      such as `lead_provider_relationship__cohort__start_year__in` keeps the partners related to the
      provider in those cohorts (it joins one row per matching relationship: use it with `distinct()`).
    """
    relationships = lead_provider.provider_relationships.all()
    return (
        DeliveryPartner.objects.filter(pk__in=relationships.values("delivery_partner"))
        .alias(
            lead_provider_relationship=FilteredRelation(
                "provider_relationships", condition=Q(provider_relationships__lead_provider=lead_provider)
            )
        )
        .prefetch_related(
            Prefetch(
                "provider_relationships",
                queryset=relationships.select_related("cohort").order_by("cohort__start_year"),
                to_attr="lead_provider_relationships",
            )
        )
    )
