"""The statement calendar: which monthly statements a lead provider gets for a cohort (decision D19).

Pure date logic (no ORM). It reproduces the original service's published calendar for 2021-2025
(checked by `tests/finance/test_calendars.py`) and continues the pattern for later cohorts:

- from 2023: one statement a month from November of the cohort year to May three years later
  (August for 2023);
  the cut-off (deadline) is the last day of the previous month and payment is on the 25th;
  January, April, August and October statements take output fees, the others service fees only.
- 2021 and 2022 started with a November statement paid on its cut-off day and used February, May
  and October (plus June of the first year and August of the last) as output months.

The published file carries a typo on every later January row (a cut-off a year after the payment
date); we use the intended date, 31 December of the previous year, as the successor service does.
"""

import calendar
from dataclasses import dataclass
from datetime import date

MODERN_OUTPUT_MONTHS = frozenset({1, 4, 8, 10})
LEGACY_OUTPUT_MONTHS = frozenset({2, 5, 10})
LEGACY_COHORTS = frozenset({2021, 2022})
# The calendar normally ends in May three years on; the early cohorts ran longer.
LAST_STATEMENT_OVERRIDES = {2021: (2024, 9), 2022: (2025, 8), 2023: (2026, 8)}
PAYMENT_DAY = 25


@dataclass(frozen=True)
class StatementSlot:
    year: int
    month: int
    deadline_date: date
    payment_date: date
    output_fee: bool


def _previous_month_end(year: int, month: int) -> date:
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    months = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def statement_calendar(start_year: int, output_months: frozenset[int] | None = None) -> list[StatementSlot]:
    """Every statement of cohort `start_year`, in payment order. `output_months` replaces the months that
    take output fees from 2023 on (January, April, August and October by default)."""
    modern_output_months = output_months or MODERN_OUTPUT_MONTHS
    last = LAST_STATEMENT_OVERRIDES.get(start_year, (start_year + 3, 5))
    if start_year in LEGACY_COHORTS:
        opening = StatementSlot(start_year, 11, date(start_year, 11, 30), date(start_year, 11, 30), True)
        slots = [opening]
        for year, month in _months((start_year + 1, 1), last):
            output = month in LEGACY_OUTPUT_MONTHS or (year, month) in {
                (start_year + 1, 6),
                (start_year + 3, 8),
            }
            slots.append(
                StatementSlot(year, month, _previous_month_end(year, month), date(year, month, PAYMENT_DAY), output)
            )
        return slots

    return [
        StatementSlot(
            year,
            month,
            _previous_month_end(year, month),
            date(year, month, PAYMENT_DAY),
            month in modern_output_months,
        )
        for year, month in _months((start_year, 11), last)
    ]
