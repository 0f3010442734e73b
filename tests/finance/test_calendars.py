import calendar
from datetime import date

import pytest

from finance.calendars import statement_calendar
from tests.reference_data import parse_required_date, read_reference_csv

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


def _published_statements() -> dict[int, list[tuple]]:
    by_cohort: dict[int, list[tuple]] = {}
    for row in read_reference_csv("statements.csv"):
        month_name, year = row["name"].split()
        deadline = parse_required_date(row["deadline_date"])
        payment = parse_required_date(row["payment_date"])
        if deadline > payment:
            # The published January rows carry a cut-off a year late; the intended date is 31 December before.
            deadline = deadline.replace(year=deadline.year - 1)
        if (deadline.month, deadline.day) == (2, 28) and calendar.isleap(deadline.year):
            # Two rows give 28 February 2024 as the end of February; the month ended on the 29th.
            deadline = deadline.replace(day=29)
        by_cohort.setdefault(int(row["cohort"]), []).append(
            (int(year), MONTHS.index(month_name) + 1, deadline, payment, row["output_fee"] == "true")
        )
    return by_cohort


def test_calendar_reproduces_the_published_statements():
    published = _published_statements()
    assert set(published) == {2021, 2022, 2023, 2024, 2025}
    for cohort, expected in published.items():
        generated = [
            (s.year, s.month, s.deadline_date, s.payment_date, s.output_fee) for s in statement_calendar(cohort)
        ]
        assert generated == expected, cohort


@pytest.mark.parametrize("cohort", range(2021, 2030))
def test_every_statement_is_paid_on_or_after_its_cut_off(cohort):
    slots = statement_calendar(cohort)
    assert all(slot.payment_date >= slot.deadline_date for slot in slots)
    assert len({(slot.year, slot.month) for slot in slots}) == len(slots)


def test_later_cohorts_continue_the_pattern():
    slots = statement_calendar(2026)
    assert (slots[0].year, slots[0].month) == (2026, 11)
    assert (slots[-1].year, slots[-1].month) == (2029, 5)
    january = next(s for s in slots if s.month == 1)
    assert january.deadline_date == date(2026, 12, 31)
    assert january.output_fee
    assert [s.month for s in slots if s.output_fee][:4] == [1, 4, 8, 10]
