"""The `partnerships` models: factories, every database constraint, and model properties."""

from typing import Any

import pytest
from django.utils import timezone

from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.models import ProviderRelationship
from tests.ecf.factories import CohortFactory, LeadProviderFactory
from tests.partnerships.factories import PartnershipFactory, ProviderRelationshipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory_class", "kwargs"),
    [
        pytest.param(ProviderRelationshipFactory, {}, id="provider-relationship"),
        pytest.param(PartnershipFactory, {}, id="partnership"),
        pytest.param(PartnershipFactory, {"challenged": True}, id="partnership-challenged"),
    ],
)
def test_factory_saves_a_valid_row(factory_class: Any, kwargs: dict[str, Any]) -> None:
    obj = factory_class(**kwargs)

    obj.refresh_from_db()
    obj.full_clean()
    assert str(obj)


def test_partnership_factory_creates_the_provider_relationship_once() -> None:
    partnership = PartnershipFactory.create()
    PartnershipFactory.create(
        lead_provider=partnership.lead_provider,
        delivery_partner=partnership.delivery_partner,
        cohort=partnership.cohort,
    )

    assert (
        ProviderRelationship.objects.filter(
            lead_provider=partnership.lead_provider,
            delivery_partner=partnership.delivery_partner,
            cohort=partnership.cohort,
        ).count()
        == 1
    )


def test_provider_relationship_is_unique(assert_violates: Any) -> None:
    relationship = ProviderRelationshipFactory.create()

    with assert_violates("provider_relationship_unique"):
        ProviderRelationship.objects.create(
            lead_provider=relationship.lead_provider,
            delivery_partner=relationship.delivery_partner,
            cohort=relationship.cohort,
        )
    ProviderRelationshipFactory.create(
        lead_provider=relationship.lead_provider,
        delivery_partner=relationship.delivery_partner,
        cohort=CohortFactory.create(start_year=2025),
    )


def test_partnership_one_per_provider_school_and_cohort(assert_violates: Any) -> None:
    partnership = PartnershipFactory.create()

    with assert_violates("partnership_one_per_provider_school_cohort"):
        PartnershipFactory.create(
            lead_provider=partnership.lead_provider,
            delivery_partner=partnership.delivery_partner,
            school=partnership.school,
            cohort=partnership.cohort,
        )
    # Not even through another of the provider's delivery partners (the factory makes a new one).
    with assert_violates("partnership_one_per_provider_school_cohort"):
        PartnershipFactory.create(
            lead_provider=partnership.lead_provider, school=partnership.school, cohort=partnership.cohort
        )

    # D8: several providers may partner one school in a cohort; a provider may partner it again next year.
    PartnershipFactory.create(
        school=partnership.school, cohort=partnership.cohort, lead_provider=LeadProviderFactory.create()
    )
    PartnershipFactory.create(
        lead_provider=partnership.lead_provider,
        school=partnership.school,
        cohort=CohortFactory.create(start_year=2025),
    )
    assert partnership.school.partnerships.count() == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"challenged": True, "challenge_reason": ""}, id="challenged-without-reason"),
        pytest.param({"challenged": True, "challenged_at": None}, id="challenged-without-time"),
        pytest.param({"challenge_reason": ChallengeReason.NO_ECTS}, id="active-with-reason"),
        pytest.param({"challenged_at": timezone.now()}, id="active-with-time"),
    ],
)
def test_partnership_challenge_fields_match_status(assert_violates: Any, kwargs: dict[str, Any]) -> None:
    with assert_violates("partnership_challenge_fields_match_status"):
        PartnershipFactory.create(**kwargs)


@pytest.mark.parametrize("reason", ChallengeReason.values)
def test_partnership_may_be_challenged_for_any_reason(reason: str) -> None:
    partnership = PartnershipFactory.create(challenged=True, challenge_reason=reason)

    assert partnership.status == PartnershipStatus.CHALLENGED
    assert partnership.is_challenged


def test_challenging_an_active_partnership() -> None:
    partnership = PartnershipFactory.create()
    assert not partnership.is_challenged

    partnership.status = PartnershipStatus.CHALLENGED
    partnership.challenge_reason = ChallengeReason.ANOTHER_PROVIDER
    partnership.challenged_at = timezone.now()
    partnership.save()

    partnership.refresh_from_db()
    assert partnership.is_challenged
