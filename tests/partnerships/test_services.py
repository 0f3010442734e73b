"""`partnership_create` and `partnership_update`: the rules of domain rules §9 with decision D8."""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ecf import clock
from ecf.choices import InductionProgrammeChoice
from ecf.models import Cohort, DeliveryPartner, LeadProvider, School, SchoolCohort
from partnerships import services
from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.models import Partnership
from partnerships.services import (
    COHORT_CLOSED,
    COHORT_INVALID,
    DELIVERY_PARTNER_INVALID,
    DELIVERY_PARTNER_NOT_RELATED,
    PARTNERSHIP_CHALLENGED,
    SCHOOL_ALREADY_CONFIRMED,
    SCHOOL_INELIGIBLE,
    SCHOOL_INVALID,
    challenge_deadline,
    partnership_create,
    partnership_update,
)
from tests.ecf.factories import (
    CohortFactory,
    DeliveryPartnerFactory,
    LeadProviderFactory,
    SchoolCohortFactory,
    SchoolFactory,
)
from tests.partnerships.factories import PartnershipFactory, ProviderRelationshipFactory

pytestmark = pytest.mark.django_db

LONDON_SUMMER = dt.timezone(dt.timedelta(hours=1))  # British Summer Time
NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class World:
    lead_provider: LeadProvider
    cohort: Cohort
    school: School
    delivery_partner: DeliveryPartner

    def report(self, **overrides: Any) -> Partnership:
        arguments: dict[str, Any] = {
            "lead_provider": self.lead_provider,
            "cohort": str(self.cohort.start_year),
            "school_id": self.school.pk,
            "delivery_partner_id": self.delivery_partner.pk,
        }
        return partnership_create(**{**arguments, **overrides})


@pytest.fixture
def world() -> World:
    lead_provider = LeadProviderFactory.create(name="Ambition Institute")
    cohort = CohortFactory.create(start_year=2024)
    delivery_partner = DeliveryPartnerFactory.create()
    ProviderRelationshipFactory.create(lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=cohort)
    return World(lead_provider, cohort, SchoolFactory.create(), delivery_partner)


@pytest.fixture(autouse=True)
def now() -> Any:
    with clock.acting_at(NOW):
        yield NOW


def related_partner(world: World, cohort: Cohort | None = None) -> DeliveryPartner:
    delivery_partner = DeliveryPartnerFactory.create()
    ProviderRelationshipFactory.create(
        lead_provider=world.lead_provider, delivery_partner=delivery_partner, cohort=cohort or world.cohort
    )
    return delivery_partner


def messages(error: ValidationError) -> dict[str, list[str]]:
    return {field: list(field_messages) for field, field_messages in error.message_dict.items()}


def written() -> tuple[int, int, int, int]:
    return (
        Partnership.objects.count(),
        Partnership.history.count(),
        SchoolCohort.objects.count(),
        SchoolCohort.history.count(),
    )


# --- create -------------------------------------------------------------------------------------------------


def test_create_reports_an_active_partnership_with_a_provider_led_school_cohort(world):
    partnership = world.report()

    partnership.refresh_from_db()
    assert (partnership.lead_provider, partnership.school, partnership.cohort, partnership.delivery_partner) == (
        world.lead_provider,
        world.school,
        world.cohort,
        world.delivery_partner,
    )
    assert (partnership.status, partnership.challenge_reason, partnership.challenged_at) == ("active", "", None)
    # 2024-09-01 + 2 months - 1 day, midnight in London (GMT by then).
    assert partnership.challenge_deadline == dt.datetime(2024, 10, 31, tzinfo=dt.UTC)
    school_cohort = SchoolCohort.objects.get(school=world.school, cohort=world.cohort)
    assert school_cohort.induction_programme_choice == InductionProgrammeChoice.PROVIDER_LED
    history = partnership.history.get()
    assert history.history_type == "+"
    assert history.history_change_reason == "API: partnership reported by Ambition Institute"
    assert history.history_user is None
    assert school_cohort.history.get().history_change_reason.startswith("API: provider-led")


@pytest.mark.parametrize(
    "choice", [InductionProgrammeChoice.SCHOOL_LED, InductionProgrammeChoice.NOT_YET_KNOWN], ids=str
)
def test_create_keeps_the_schools_own_choice_for_the_cohort(world, choice):
    school_cohort = SchoolCohortFactory.create(
        school=world.school, cohort=world.cohort, induction_programme_choice=choice
    )

    world.report()

    assert SchoolCohort.objects.get().pk == school_cohort.pk
    assert SchoolCohort.objects.get().induction_programme_choice == choice
    assert school_cohort.history.count() == 1


def test_several_providers_may_partner_one_school_in_a_cohort(world):
    other = PartnershipFactory.create(school=world.school, cohort=world.cohort)

    partnership = world.report()

    assert Partnership.objects.filter(school=world.school, cohort=world.cohort).count() == 2
    assert partnership.pk != other.pk


def test_the_provider_may_partner_the_school_again_in_another_cohort(world):
    PartnershipFactory.create(
        school=world.school, cohort=CohortFactory.create(start_year=2023), lead_provider=world.lead_provider
    )

    assert world.report().cohort == world.cohort


def test_a_challenged_partnership_is_revived_with_the_same_id(world):
    challenged = PartnershipFactory.create(
        lead_provider=world.lead_provider,
        school=world.school,
        cohort=world.cohort,
        status=PartnershipStatus.CHALLENGED,
        challenge_reason=ChallengeReason.NOT_CONFIRMED,
        challenged_at=NOW - dt.timedelta(days=3),
        challenge_deadline=NOW - dt.timedelta(days=1),
    )
    new_partner = related_partner(world)

    partnership = world.report(delivery_partner_id=new_partner.pk)

    assert partnership.pk == challenged.pk
    partnership.refresh_from_db()
    assert partnership.delivery_partner == new_partner
    assert (partnership.status, partnership.challenge_reason, partnership.challenged_at) == ("active", "", None)
    assert partnership.challenge_deadline == dt.datetime(2024, 10, 31, tzinfo=dt.UTC)
    assert Partnership.objects.count() == 1
    latest = partnership.history.first()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "API: partnership reported again by Ambition Institute"


def test_cohort_is_given_as_its_start_year_text(world):
    assert world.report(cohort="2024").cohort == world.cohort


@dataclass(frozen=True)
class Case:
    arrange: Callable[[World], dict[str, Any]]
    expected: dict[str, list[str]]


def _unknown_cohort(world: World) -> dict[str, Any]:
    return {"cohort": "2099"}


def _non_numeric_cohort(world: World) -> dict[str, Any]:
    return {"cohort": "twenty"}


def _frozen_cohort(world: World) -> dict[str, Any]:
    Cohort.objects.filter(pk=world.cohort.pk).update(payments_frozen_at=NOW)
    return {}


def _unknown_school(world: World) -> dict[str, Any]:
    return {"school_id": uuid.uuid4()}


def _school(**traits: bool) -> Callable[[World], dict[str, Any]]:
    def arrange(world: World) -> dict[str, Any]:
        return {"school_id": SchoolFactory.create(**traits).pk}

    return arrange


def _already_confirmed(world: World) -> dict[str, Any]:
    PartnershipFactory.create(lead_provider=world.lead_provider, school=world.school, cohort=world.cohort)
    return {}


def _unknown_delivery_partner(world: World) -> dict[str, Any]:
    return {"delivery_partner_id": uuid.uuid4()}


def _unrelated_delivery_partner(world: World) -> dict[str, Any]:
    return {"delivery_partner_id": DeliveryPartnerFactory.create().pk}


def _delivery_partner_of_another_cohort(world: World) -> dict[str, Any]:
    return {"delivery_partner_id": related_partner(world, CohortFactory.create(start_year=2023)).pk}


def _delivery_partner_of_another_provider(world: World) -> dict[str, Any]:
    return {"delivery_partner_id": ProviderRelationshipFactory.create(cohort=world.cohort).delivery_partner.pk}


def _everything_wrong(world: World) -> dict[str, Any]:
    return {"cohort": "2099", "school_id": uuid.uuid4(), "delivery_partner_id": uuid.uuid4()}


def _frozen_ineligible_and_unrelated(world: World) -> dict[str, Any]:
    _frozen_cohort(world)
    return {
        "school_id": SchoolFactory.create(closed=True).pk,
        "delivery_partner_id": DeliveryPartnerFactory.create().pk,
    }


CREATE_ERRORS = {
    "unknown-cohort": Case(_unknown_cohort, {"cohort": [COHORT_INVALID]}),
    "non-numeric-cohort": Case(_non_numeric_cohort, {"cohort": [COHORT_INVALID]}),
    "payments-frozen": Case(_frozen_cohort, {"cohort": [COHORT_CLOSED]}),
    "unknown-school": Case(_unknown_school, {"school_id": [SCHOOL_INVALID]}),
    "closed-school": Case(_school(closed=True), {"school_id": [SCHOOL_INELIGIBLE]}),
    "independent-school": Case(_school(independent=True), {"school_id": [SCHOOL_INELIGIBLE]}),
    "welsh-school": Case(_school(welsh=True), {"school_id": [SCHOOL_INELIGIBLE]}),
    "already-confirmed": Case(_already_confirmed, {"school_id": [SCHOOL_ALREADY_CONFIRMED]}),
    "unknown-delivery-partner": Case(_unknown_delivery_partner, {"delivery_partner_id": [DELIVERY_PARTNER_INVALID]}),
    "no-relationship": Case(_unrelated_delivery_partner, {"delivery_partner_id": [DELIVERY_PARTNER_NOT_RELATED]}),
    "relationship-in-another-cohort": Case(
        _delivery_partner_of_another_cohort, {"delivery_partner_id": [DELIVERY_PARTNER_NOT_RELATED]}
    ),
    "relationship-of-another-provider": Case(
        _delivery_partner_of_another_provider, {"delivery_partner_id": [DELIVERY_PARTNER_NOT_RELATED]}
    ),
    "everything-unknown": Case(
        _everything_wrong,
        {"cohort": [COHORT_INVALID], "school_id": [SCHOOL_INVALID], "delivery_partner_id": [DELIVERY_PARTNER_INVALID]},
    ),
    "frozen-ineligible-unrelated": Case(
        _frozen_ineligible_and_unrelated,
        {
            "cohort": [COHORT_CLOSED],
            "school_id": [SCHOOL_INELIGIBLE],
            "delivery_partner_id": [DELIVERY_PARTNER_NOT_RELATED],
        },
    ),
}


@pytest.mark.parametrize("case", CREATE_ERRORS.values(), ids=CREATE_ERRORS.keys())
def test_create_refuses_and_writes_nothing(world, case):
    overrides = case.arrange(world)
    before = written()

    with pytest.raises(ValidationError) as excinfo:
        world.report(**overrides)

    assert messages(excinfo.value) == case.expected
    assert written() == before


def test_an_ineligible_school_is_not_also_reported_as_confirmed(world):
    """The school checks stop at the first failure (ECF order)."""
    school = SchoolFactory.create(closed=True)
    PartnershipFactory.create(lead_provider=world.lead_provider, school=school, cohort=world.cohort)

    with pytest.raises(ValidationError) as excinfo:
        world.report(school_id=school.pk)

    assert messages(excinfo.value) == {"school_id": [SCHOOL_INELIGIBLE]}


@pytest.mark.parametrize(
    ("moment", "frozen"),
    [
        pytest.param(dt.datetime(2024, 7, 1, 8, 59, 59, tzinfo=dt.UTC), False, id="a-second-before"),
        pytest.param(dt.datetime(2024, 7, 1, 9, 0, 0, tzinfo=dt.UTC), True, id="at-the-moment"),
    ],
)
def test_payments_freeze_at_their_moment_by_the_request_clock(world, moment, frozen):
    Cohort.objects.filter(pk=world.cohort.pk).update(payments_frozen_at=dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC))

    with clock.acting_at(moment):
        if frozen:
            with pytest.raises(ValidationError):
                world.report()
        else:
            world.report()


def test_a_racing_report_that_wins_between_check_and_insert_is_a_422_not_an_error(world, monkeypatch):
    """Without the school lock (SQLite ignores it) a racing report can insert first; the unique
    constraint then turns this one into "already confirmed", and nothing of it is kept."""
    original = services.challenge_deadline

    def racing_insert(*, cohort: Cohort) -> dt.datetime:
        PartnershipFactory.create(lead_provider=world.lead_provider, school=world.school, cohort=world.cohort)
        return original(cohort=cohort)

    monkeypatch.setattr(services, "challenge_deadline", racing_insert)

    with pytest.raises(ValidationError) as excinfo:
        world.report()

    assert messages(excinfo.value) == {"school_id": [SCHOOL_ALREADY_CONFIRMED]}


# --- challenge deadline ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_year", "moment", "expected"),
    [
        pytest.param(
            2024,
            dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC),
            dt.datetime(2024, 10, 31, tzinfo=dt.UTC),
            id="before-the-academic-year",
        ),
        pytest.param(
            2024,
            # 23:59:59 London (BST) on 17 October: today + 14 days is 31 October, the window's last day.
            dt.datetime(2024, 10, 17, 23, 59, 59, tzinfo=LONDON_SUMMER),
            dt.datetime(2024, 10, 31, tzinfo=dt.UTC),
            id="last-moment-of-the-academic-window",
        ),
        pytest.param(
            2024,
            # 00:00 London on 18 October (still 17 October in UTC): 14 days from today is 1 November.
            dt.datetime(2024, 10, 18, 0, 0, tzinfo=LONDON_SUMMER),
            dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
            id="fourteen-days-take-over-at-london-midnight",
        ),
        pytest.param(
            2024,
            dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC),
            dt.datetime(2025, 5, 15, tzinfo=LONDON_SUMMER),
            id="late-report-midnight-in-summer-time",
        ),
        pytest.param(
            2025,
            dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC),
            dt.datetime(2025, 10, 31, tzinfo=dt.UTC),
            id="next-cohort",
        ),
    ],
)
def test_challenge_deadline(start_year, moment, expected):
    cohort = CohortFactory.create(start_year=start_year)

    with clock.acting_at(moment):
        assert challenge_deadline(cohort=cohort) == expected


def test_add_months_clamps_to_the_end_of_the_month():
    assert services._add_months(dt.date(2024, 12, 31), 2) == dt.date(2025, 2, 28)
    assert services._add_months(dt.date(2023, 12, 31), 2) == dt.date(2024, 2, 29)
    assert services._add_months(dt.date(2024, 9, 1), 2) == dt.date(2024, 11, 1)


# --- update ---------------------------------------------------------------------------------------------------


@pytest.fixture
def partnership(world) -> Partnership:
    return PartnershipFactory.create(
        lead_provider=world.lead_provider,
        school=world.school,
        cohort=world.cohort,
        delivery_partner=world.delivery_partner,
        challenge_deadline=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
    )


def test_update_changes_the_delivery_partner_and_gives_a_new_challenge_window(world, partnership):
    new_partner = related_partner(world)

    updated = partnership_update(
        lead_provider=world.lead_provider, partnership_id=partnership.pk, delivery_partner_id=new_partner.pk
    )

    assert updated.pk == partnership.pk
    updated.refresh_from_db()
    assert updated.delivery_partner == new_partner
    assert updated.challenge_deadline == dt.datetime(2024, 10, 31, tzinfo=dt.UTC)
    latest = updated.history.first()
    assert latest.history_change_reason == "API: delivery partner changed by Ambition Institute"
    assert latest.delivery_partner_id == new_partner.pk


def test_update_with_the_current_delivery_partner_changes_nothing(world, partnership):
    before = (Partnership.objects.values().get(), Partnership.history.count())

    updated = partnership_update(
        lead_provider=world.lead_provider, partnership_id=partnership.pk, delivery_partner_id=world.delivery_partner.pk
    )

    assert updated.pk == partnership.pk
    assert (Partnership.objects.values().get(), Partnership.history.count()) == before


def _challenged(then: Callable[[World], uuid.UUID]) -> Callable[[World, Partnership], uuid.UUID]:
    """The school challenges the partnership; then the provider names the delivery partner `then` gives."""

    def arrange(world: World, partnership: Partnership) -> uuid.UUID:
        Partnership.objects.filter(pk=partnership.pk).update(
            status=PartnershipStatus.CHALLENGED, challenge_reason=ChallengeReason.MISTAKE, challenged_at=NOW
        )
        return then(world)

    return arrange


UPDATE_ERRORS: dict[str, tuple[Callable[[World, Partnership], uuid.UUID], dict[str, list[str]]]] = {
    "unknown-delivery-partner": (lambda world, p: uuid.uuid4(), {"delivery_partner_id": [DELIVERY_PARTNER_INVALID]}),
    "no-relationship": (
        lambda world, p: DeliveryPartnerFactory.create().pk,
        {"delivery_partner_id": [DELIVERY_PARTNER_NOT_RELATED]},
    ),
    "relationship-in-another-cohort": (
        lambda world, p: related_partner(world, CohortFactory.create(start_year=2025)).pk,
        {"delivery_partner_id": [DELIVERY_PARTNER_NOT_RELATED]},
    ),
    "challenged": (
        _challenged(lambda world: related_partner(world).pk),
        {"id": [PARTNERSHIP_CHALLENGED]},
    ),
    "challenged-same-delivery-partner": (
        _challenged(lambda world: world.delivery_partner.pk),
        {"id": [PARTNERSHIP_CHALLENGED]},
    ),
    "challenged-and-unknown-delivery-partner": (
        _challenged(lambda world: uuid.uuid4()),
        {"id": [PARTNERSHIP_CHALLENGED], "delivery_partner_id": [DELIVERY_PARTNER_INVALID]},
    ),
}


@pytest.mark.parametrize(("arrange", "expected"), UPDATE_ERRORS.values(), ids=UPDATE_ERRORS.keys())
def test_update_refuses_and_writes_nothing(world, partnership, arrange, expected):
    delivery_partner_id = arrange(world, partnership)
    before = (Partnership.objects.values().get(), Partnership.history.count())

    with pytest.raises(ValidationError) as excinfo:
        partnership_update(
            lead_provider=world.lead_provider, partnership_id=partnership.pk, delivery_partner_id=delivery_partner_id
        )

    assert messages(excinfo.value) == expected
    assert (Partnership.objects.values().get(), Partnership.history.count()) == before


def test_update_of_another_providers_partnership_finds_nothing(world, partnership):
    with pytest.raises(Partnership.DoesNotExist):
        partnership_update(
            lead_provider=LeadProviderFactory.create(),
            partnership_id=partnership.pk,
            delivery_partner_id=world.delivery_partner.pk,
        )
