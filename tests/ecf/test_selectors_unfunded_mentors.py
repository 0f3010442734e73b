"""Unfunded mentors: the current mentors of a provider's ECTs that the provider does not train."""

import datetime as dt

import pytest

from ecf.selectors.unfunded_mentors import unfunded_mentor_list
from tests.ecf.factories import LeadProviderFactory
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 15)


@pytest.fixture
def me():
    return LeadProviderFactory.create()


@pytest.fixture
def other():
    return LeadProviderFactory.create()


def my_ect(me):
    record = ect()
    period(record, me)
    return record


# (case, how the ECT, the mentor and the assignment are made, unfunded)
CASES = [
    ("mentor trained by another provider", {"mentor_provider": "other"}, True),
    ("mentor with no training period", {"mentor_provider": None}, True),
    ("mentor in school-led training", {"mentor_provider": "school-led"}, True),
    ("mentor I train", {"mentor_provider": "me"}, False),
    ("mentor I trained before", {"mentor_provider": "me", "mentor_end": dt.date(2025, 1, 31)}, False),
    ("mentor I train, not yet in a partnership", {"mentor_provider": "me", "mentor_unconfirmed": True}, False),
    ("mentor I train in a challenged partnership", {"mentor_provider": "me", "mentor_challenged": True}, True),
    ("assignment ended", {"mentor_provider": "other", "assignment_end": TODAY}, False),
    ("assignment ends in the future", {"mentor_provider": "other", "assignment_end": dt.date(2025, 3, 16)}, True),
    ("ECT of another provider", {"ect_provider": "other", "mentor_provider": None}, False),
    ("ECT in my challenged partnership", {"ect_challenged": True, "mentor_provider": None}, False),
    ("ECT who left me", {"ect_end": dt.date(2025, 1, 31), "mentor_provider": None}, True),
]


@pytest.mark.parametrize(("case", "setup", "unfunded"), CASES, ids=[case[0] for case in CASES])
def test_unfunded_mentors(case, setup, unfunded, me, other):
    providers = {"me": me, "other": other, "school-led": None}
    ect_record = ect()
    period(
        ect_record,
        providers[setup.get("ect_provider", "me")],
        end=setup.get("ect_end"),
        leaving=bool(setup.get("ect_end")),
        challenged=setup.get("ect_challenged", False),
    )
    mentor_record = mentor()
    if setup["mentor_provider"] is not None:
        period(
            mentor_record,
            providers[setup["mentor_provider"]],
            end=setup.get("mentor_end"),
            unconfirmed=setup.get("mentor_unconfirmed", False),
            challenged=setup.get("mentor_challenged", False),
        )
    assign_mentor(ect_record, mentor_record, end=setup.get("assignment_end"))

    result = list(unfunded_mentor_list(lead_provider=me, today=TODAY))

    assert result == ([mentor_record.participant] if unfunded else [])


def test_a_mentor_of_several_ects_is_listed_once_with_the_mentor_records_email(me, other):
    mentor_record = mentor(email="mentor@example.com")
    ect(mentor_record.participant, email="as-ect@example.com")
    period(mentor_record, other)
    for _ in range(2):
        assign_mentor(my_ect(me), mentor_record)

    rows = unfunded_mentor_list(lead_provider=me, today=TODAY)

    assert list(rows) == [mentor_record.participant]
    assert [row.__dict__["mentor_email"] for row in rows] == ["mentor@example.com"]  # an annotation


def test_an_ect_that_i_train_as_a_mentor_elsewhere_does_not_fund_the_mentor(me, other):
    """Training someone as an ECT does not make their mentor training mine."""
    mentor_record = mentor()
    period(ect(mentor_record.participant), me)
    period(mentor_record, other)
    assign_mentor(my_ect(me), mentor_record)

    assert list(unfunded_mentor_list(lead_provider=me, today=TODAY)) == [mentor_record.participant]
