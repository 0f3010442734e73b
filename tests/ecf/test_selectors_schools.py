"""`school_list`: which schools a cohort shows, and what each shows to the calling provider."""

from typing import Any

import pytest

from ecf.choices import InductionProgrammeChoice
from ecf.models import LeadProvider
from ecf.selectors.schools import school_list
from tests.ecf.factories import (
    CohortFactory,
    LeadProviderFactory,
    SchoolCohortFactory,
    SchoolFactory,
    TrainingPeriodFactory,
)
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

SHOWN = (
    "in_partnership",
    "induction_programme_choice",
    "expression_of_interest",
    "induction_tutor_name",
    "induction_tutor_email",
)


@pytest.fixture(autouse=True)
def cohorts() -> None:
    CohortFactory.create(start_year=2024)
    CohortFactory.create(start_year=2025)


@pytest.fixture
def lead_provider() -> LeadProvider:
    return LeadProviderFactory.create()


def shown(lead_provider: LeadProvider) -> dict[str, Any]:
    """What the 2024 cohort shows of its one school to `lead_provider`."""
    return school_list(lead_provider=lead_provider, cohort_year=2024).values(*SHOWN).get()


@pytest.mark.parametrize(
    ("school", "partnership", "visible"),
    [
        pytest.param({}, None, True, id="eligible"),
        pytest.param({"closed": True}, None, False, id="closed"),
        pytest.param({"welsh": True}, None, False, id="welsh"),
        pytest.param({"independent": True}, None, False, id="independent"),
        pytest.param({"independent": True, "section_41_approved": True}, None, True, id="independent-section-41"),
        pytest.param({"school_status_code": 3}, None, True, id="open-proposed-to-close"),
        pytest.param({"closed": True}, {}, True, id="ineligible-partnered-in-cohort"),
        pytest.param({"closed": True}, {"challenged": True}, False, id="ineligible-challenged-partnership"),
        pytest.param({"closed": True}, {"cohort__start_year": 2025}, False, id="ineligible-partnered-other-cohort"),
        pytest.param({}, {"challenged": True}, True, id="eligible-challenged-partnership"),
    ],
)
def test_visible_schools(
    lead_provider: LeadProvider, school: dict[str, Any], partnership: dict[str, Any] | None, visible: bool
) -> None:
    row = SchoolFactory.create(**school)
    if partnership is not None:
        # Another provider's partnership: visibility is the same for every provider.
        PartnershipFactory.create(school=row, **{"cohort__start_year": 2024, **partnership})

    assert list(school_list(lead_provider=lead_provider, cohort_year=2024)) == ([row] if visible else [])


def test_an_unknown_cohort_shows_no_schools(lead_provider: LeadProvider) -> None:
    SchoolFactory.create()

    assert list(school_list(lead_provider=lead_provider, cohort_year=2030)) == []


@pytest.mark.parametrize(
    ("partnerships", "expected"),
    [
        pytest.param([], False, id="none"),
        pytest.param([{}], True, id="any-provider"),
        pytest.param([{"challenged": True}], False, id="challenged"),
        pytest.param([{"challenged": True}, {}], True, id="challenged-and-active"),
        pytest.param([{"cohort__start_year": 2025}], False, id="other-cohort"),
    ],
)
def test_in_partnership(lead_provider: LeadProvider, partnerships: list[dict[str, Any]], expected: bool) -> None:
    school = SchoolFactory.create()
    for partnership in partnerships:
        PartnershipFactory.create(school=school, **{"cohort__start_year": 2024, **partnership})

    assert shown(lead_provider)["in_partnership"] is expected


def _partnership(school: Any, lead_provider: LeadProvider, **kwargs: Any) -> None:
    PartnershipFactory.create(school=school, lead_provider=lead_provider, **{"cohort__start_year": 2024, **kwargs})


def _period(school: Any, lead_provider: LeadProvider, **kwargs: Any) -> None:
    TrainingPeriodFactory.create(
        school=school,
        lead_provider=lead_provider,
        unconfirmed=True,
        **{"training_record__cohort__start_year": 2024, **kwargs},
    )


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        pytest.param(lambda school, own, other: None, False, id="nothing"),
        pytest.param(lambda school, own, other: _partnership(school, own), True, id="own-partnership"),
        pytest.param(
            lambda school, own, other: _partnership(school, own, challenged=True), True, id="own-challenged-partnership"
        ),
        pytest.param(
            lambda school, own, other: _partnership(school, own, cohort__start_year=2025), False, id="own-other-cohort"
        ),
        pytest.param(lambda school, own, other: _partnership(school, other), False, id="other-providers-partnership"),
        pytest.param(lambda school, own, other: _period(school, own), True, id="own-participant-no-partnership"),
        pytest.param(
            lambda school, own, other: _period(school, own, ended=True), True, id="own-participant-period-ended"
        ),
        pytest.param(
            lambda school, own, other: _period(school, own, training_record__cohort__start_year=2025),
            False,
            id="own-participant-other-cohort",
        ),
        pytest.param(lambda school, own, other: _period(school, other), False, id="other-providers-participant"),
    ],
)
def test_expression_of_interest_and_tutor(lead_provider: LeadProvider, setup: Any, expected: bool) -> None:
    school = SchoolFactory.create()
    SchoolCohortFactory.create(
        school=school,
        cohort=CohortFactory.create(start_year=2024),
        induction_programme_choice=InductionProgrammeChoice.PROVIDER_LED,
        induction_tutor_name="Ada",
        induction_tutor_email="ada@school.example",
    )
    setup(school, lead_provider, LeadProviderFactory.create())

    row = shown(lead_provider)

    assert row["expression_of_interest"] is expected
    expected_tutor = ("Ada", "ada@school.example") if expected else (None, None)
    assert (row["induction_tutor_name"], row["induction_tutor_email"]) == expected_tutor
    assert row["induction_programme_choice"] == InductionProgrammeChoice.PROVIDER_LED


def test_blank_tutor_is_null_even_with_an_expression_of_interest(lead_provider: LeadProvider) -> None:
    school = SchoolFactory.create()
    SchoolCohortFactory.create(
        school=school, cohort=CohortFactory.create(start_year=2024), induction_tutor_name="", induction_tutor_email=""
    )
    _partnership(school, lead_provider)

    row = shown(lead_provider)

    assert (row["expression_of_interest"], row["induction_tutor_name"], row["induction_tutor_email"]) == (
        True,
        None,
        None,
    )
    assert row["induction_programme_choice"] == InductionProgrammeChoice.NOT_YET_KNOWN
