"""Test data factories for the `partnerships` models (factory-boy; test-only code).

    ProviderRelationshipFactory()          # a lead provider allowed to work with a delivery partner in
                                           # the 2024 cohort (get_or_create on all three)
    PartnershipFactory()                   # an active partnership of a new school, lead provider and
                                           # delivery partner in the 2024 cohort, plus the provider
                                           # relationship it relies on
    PartnershipFactory(challenged=True)    # challenged by the school (reason and challenged_at set)

A partnership's lead provider, delivery partner and cohort always have a `ProviderRelationship`
(created by the factory if missing). To test `provider_relationship_unique`, use
`ProviderRelationship.objects.create(...)`.
"""

import datetime as dt

import factory
from django.utils import timezone

from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.models import Partnership, ProviderRelationship
from tests.ecf.factories import CohortFactory, DeliveryPartnerFactory, LeadProviderFactory, SchoolFactory


class ProviderRelationshipFactory(factory.django.DjangoModelFactory[ProviderRelationship]):
    class Meta:
        model = ProviderRelationship
        django_get_or_create = ("lead_provider", "delivery_partner", "cohort")

    lead_provider = factory.SubFactory(LeadProviderFactory)
    delivery_partner = factory.SubFactory(DeliveryPartnerFactory)
    cohort = factory.SubFactory(CohortFactory)


class PartnershipFactory(factory.django.DjangoModelFactory[Partnership]):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    class Params:
        challenged = factory.Trait(
            status=PartnershipStatus.CHALLENGED,
            challenge_reason=ChallengeReason.MISTAKE,
            challenged_at=factory.LazyFunction(timezone.now),
        )

    school = factory.SubFactory(SchoolFactory)
    lead_provider = factory.SubFactory(LeadProviderFactory)
    delivery_partner = factory.SubFactory(DeliveryPartnerFactory)
    cohort = factory.SubFactory(CohortFactory)
    status = PartnershipStatus.ACTIVE
    challenge_reason = ""
    challenged_at = None
    challenge_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))

    provider_relationship = factory.RelatedFactory(
        ProviderRelationshipFactory,
        lead_provider=factory.SelfAttribute("..lead_provider"),
        delivery_partner=factory.SelfAttribute("..delivery_partner"),
        cohort=factory.SelfAttribute("..cohort"),
    )
