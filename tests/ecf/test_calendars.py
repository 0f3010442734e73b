from datetime import date

import pytest

from ecf.calendars import cohort_facts, schedule_milestones, schedule_name, schedule_type_of
from ecf.choices import SCHEDULE_IDENTIFIERS, ScheduleType
from tests.reference_data import parse_date, read_reference_csv


def test_cohort_facts_match_published_cohorts():
    for row in read_reference_csv("cohorts.csv"):
        year = int(row["start-year"])
        if year < 2021:
            continue
        facts = cohort_facts(year)
        assert facts.registration_start_date == parse_date(row["registration-start-date"])
        assert facts.academic_year_start_date == parse_date(row["academic-year-start-date"])
        assert facts.automatic_assignment_period_end_date == parse_date(row["automatic-assignment-period-end-date"])
        assert facts.mentor_funding is (row["mentor-funding"] == "true")
        assert facts.detailed_evidence_types is (row["detailed-evidence-types"] == "true")
        if row["payments-frozen-at"]:
            assert facts.payments_frozen_on == parse_date(row["payments-frozen-at"])


@pytest.mark.parametrize(
    ("year", "frozen", "mentor_funding", "uplifts"),
    [
        (2021, True, False, True),
        (2022, True, False, True),
        (2024, False, False, True),
        (2025, False, True, False),
    ],
)
def test_cohort_flags(year, frozen, mentor_funding, uplifts):
    facts = cohort_facts(year)
    assert (facts.payments_frozen_on is not None) is frozen
    assert facts.mentor_funding is mentor_funding
    assert facts.uplift_fees_enabled is uplifts


def test_schedule_milestones_match_every_published_milestone():
    rows = read_reference_csv("schedules.csv")
    published: dict[tuple[str, int], list[tuple]] = {}
    for row in rows:
        key = (row["schedule-identifier"], int(row["schedule-cohort-year"]))
        published.setdefault(key, []).append(
            (
                row["milestone-declaration-type"],
                row["milestone-name"],
                parse_date(row["milestone-start-date"]),
                parse_date(row["milestone-date"]),
                parse_date(row["milestone-payment-date"]),
            )
        )
    assert len(published) == 60
    for (identifier, year), expected in published.items():
        generated = [
            (m.declaration_type.value, m.name, m.start_date, m.milestone_date, m.payment_date)
            for m in schedule_milestones(identifier, year)
        ]
        assert sorted(generated) == sorted(expected), (identifier, year)
        assert schedule_name(identifier) == next(
            r["schedule-name"] for r in rows if r["schedule-identifier"] == identifier
        )


def test_2026_follows_the_2025_open_ended_pattern():
    standard = schedule_milestones("ecf-standard-january", 2026)
    assert {(m.start_date, m.milestone_date) for m in standard} == {(date(2026, 7, 1), None)}
    extended = schedule_milestones("ecf-extended-april", 2026)
    assert len(extended) == 9
    assert {m.start_date for m in extended} == {date(2027, 4, 1)}


@pytest.mark.parametrize("identifier", SCHEDULE_IDENTIFIERS)
@pytest.mark.parametrize("year", range(2021, 2027))
def test_every_milestone_window_is_well_formed(identifier, year):
    milestones = schedule_milestones(identifier, year)
    assert len(milestones) in {5, 6, 9}
    for milestone in milestones:
        assert milestone.milestone_date is None or milestone.milestone_date > milestone.start_date


def test_schedule_type_of():
    assert schedule_type_of("ecf-replacement-april") == ScheduleType.REPLACEMENT
    assert schedule_type_of("ecf-standard-september") == ScheduleType.STANDARD
