"""`partnership_list`: the provider's own partnerships, with the counts and tutor details the API shows."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from partnerships.models import Partnership
from partnerships.selectors import partnership_list
from tests.ecf.factories import CohortFactory, LeadProviderFactory, SchoolCohortFactory, TrainingPeriodFactory
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

ANNOTATIONS = ("participants_currently_training", "induction_tutor_name", "induction_tutor_email")


def train(partnership: Partnership, *, start: int, end: int | None = None, today: dt.date | None = None) -> None:
    """A new training record training through `partnership` from `start` to `end` (days from today)."""
    today = today or timezone.localdate()
    TrainingPeriodFactory.create(
        partnership=partnership,
        school=partnership.school,
        lead_provider=partnership.lead_provider,
        training_record__cohort=partnership.cohort,
        start_date=today + dt.timedelta(days=start),
        end_date=None if end is None else today + dt.timedelta(days=end),
    )


def shown(partnership: Partnership) -> dict[str, Any]:
    """What the API shows of `partnership` beyond its own columns (the selector's annotations)."""
    rows = partnership_list(lead_provider=partnership.lead_provider).filter(pk=partnership.pk)
    return rows.values(*ANNOTATIONS).get()


def training_count(partnership: Partnership) -> int:
    return int(shown(partnership)["participants_currently_training"])


def test_only_the_providers_own_partnerships_challenged_included() -> None:
    lead_provider, other = LeadProviderFactory.create_batch(2)
    active = PartnershipFactory.create(lead_provider=lead_provider)
    challenged = PartnershipFactory.create(lead_provider=lead_provider, challenged=True)
    PartnershipFactory.create(lead_provider=other, school=active.school)

    assert set(partnership_list(lead_provider=lead_provider)) == {active, challenged}


@pytest.mark.parametrize(
    ("start", "end", "counted"),
    [
        pytest.param(-30, None, True, id="started-open"),
        pytest.param(0, None, True, id="starts-today"),
        pytest.param(1, None, False, id="starts-tomorrow"),
        pytest.param(-30, 1, True, id="leaves-tomorrow"),
        pytest.param(-30, 0, False, id="left-today"),
        pytest.param(-30, -1, False, id="left-yesterday"),
    ],
)
def test_participants_currently_training(start: int, end: int | None, counted: bool) -> None:
    partnership = PartnershipFactory.create()
    train(partnership, start=start, end=end)

    assert training_count(partnership) == int(counted)


def test_a_record_with_two_current_periods_counts_once_and_other_partnerships_not_at_all() -> None:
    partnership = PartnershipFactory.create()
    today = timezone.localdate()
    first = TrainingPeriodFactory.create(
        partnership=partnership,
        school=partnership.school,
        lead_provider=partnership.lead_provider,
        training_record__cohort=partnership.cohort,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=5),
    )
    TrainingPeriodFactory.create(
        training_record=first.training_record,
        partnership=partnership,
        school=partnership.school,
        lead_provider=partnership.lead_provider,
        start_date=today,
    )
    next_cohort = PartnershipFactory.create(
        lead_provider=partnership.lead_provider, school=partnership.school, cohort=CohortFactory.create(start_year=2025)
    )
    train(next_cohort, start=0)

    assert training_count(partnership) == 1
    assert training_count(next_cohort) == 1


@time_machine.travel(dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC), tick=False)
def test_today_is_the_london_calendar_day() -> None:
    partnership = PartnershipFactory.create()
    train(partnership, start=0, today=dt.date(2025, 7, 1))  # already 1 July in London (00:30 BST)

    assert training_count(partnership) == 1


@pytest.mark.parametrize(
    ("tutor", "expected"),
    [
        pytest.param(None, (None, None), id="no-school-cohort"),
        pytest.param(("", ""), (None, None), id="blank"),
        pytest.param(("Ada", "ada@school.example"), ("Ada", "ada@school.example"), id="named"),
    ],
)
def test_induction_tutor_comes_from_the_partnerships_cohort(
    tutor: tuple[str, str] | None, expected: tuple[str | None, str | None]
) -> None:
    partnership = PartnershipFactory.create()
    SchoolCohortFactory.create(school=partnership.school, cohort=CohortFactory.create(start_year=2025))
    if tutor is not None:
        SchoolCohortFactory.create(
            school=partnership.school,
            cohort=partnership.cohort,
            induction_tutor_name=tutor[0],
            induction_tutor_email=tutor[1],
        )

    row = shown(partnership)

    assert (row["induction_tutor_name"], row["induction_tutor_email"]) == expected
