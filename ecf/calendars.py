"""The published reference calendar of the programme: cohort dates and every schedule's milestones.

Pure functions over dates (no ORM). The facts come from the public reference data of the original
service (cohorts and schedules for 2021-2025, see domain rules §6 and §11); they are expressed here
as the rules that generate them, and `tests/ecf/test_calendars.py` checks the rules against the
published files. From 2026 the 2025 pattern continues (open-ended milestones).
"""

import calendar
from dataclasses import dataclass
from datetime import date

from ecf.choices import DeclarationType, ScheduleType

FIRST_COHORT = 2021
# 2025 introduced open-ended milestones: the API no longer enforces milestone end dates.
FIRST_OPEN_ENDED_COHORT = 2025


@dataclass(frozen=True)
class CohortFacts:
    start_year: int
    registration_start_date: date
    academic_year_start_date: date
    automatic_assignment_period_end_date: date
    payments_frozen_on: date | None
    mentor_funding: bool
    detailed_evidence_types: bool
    uplift_fees_enabled: bool


# Registration opening dates were set year by year; 2026 opens on 1 June, as contract periods do.
_REGISTRATION_START = {
    2021: date(2021, 5, 10),
    2022: date(2022, 5, 10),
    2023: date(2023, 6, 5),
    2024: date(2024, 4, 3),
    2025: date(2024, 12, 31),
    2026: date(2026, 6, 1),
}
# Cohorts closed to new payments (the dates the original service froze them).
_PAYMENTS_FROZEN_ON = {2021: date(2024, 4, 3), 2022: date(2025, 6, 16)}


def cohort_facts(start_year: int) -> CohortFacts:
    return CohortFacts(
        start_year=start_year,
        registration_start_date=_REGISTRATION_START.get(start_year, date(start_year, 6, 1)),
        academic_year_start_date=date(start_year, 9, 1),
        automatic_assignment_period_end_date=date(start_year + 1, 3, 31),
        payments_frozen_on=_PAYMENTS_FROZEN_ON.get(start_year),
        mentor_funding=start_year >= 2025,
        detailed_evidence_types=start_year >= 2025,
        uplift_fees_enabled=start_year <= 2024,
    )


@dataclass(frozen=True)
class MilestoneFacts:
    declaration_type: DeclarationType
    name: str
    start_date: date
    milestone_date: date | None
    payment_date: date


MILESTONE_NAMES = {
    DeclarationType.STARTED: "Output 1 - Participant Start",
    DeclarationType.RETAINED_1: "Output 2 - Retention Point 1",
    DeclarationType.RETAINED_2: "Output 3 - Retention Point 2",
    DeclarationType.RETAINED_3: "Output 4 - Retention Point 3",
    DeclarationType.RETAINED_4: "Output 5 - Retention Point 4",
    DeclarationType.COMPLETED: "Output 6 - Participant Completion",
    DeclarationType.EXTENDED_1: "Output 7 - Extended Point 1",
    DeclarationType.EXTENDED_2: "Output 8 - Extended Point 2",
    DeclarationType.EXTENDED_3: "Output 9 - Extended Point 3",
}
STANDARD_TYPES = tuple(MILESTONE_NAMES)[:6]
EXTENDED_TYPES = tuple(MILESTONE_NAMES)


def schedule_type_of(identifier: str) -> ScheduleType:
    return ScheduleType(identifier.split("-")[1])


def schedule_name(identifier: str) -> str:
    """`ecf-standard-september` -> `ECF Standard September`."""
    return " ".join(part.upper() if part == "ecf" else part.capitalize() for part in identifier.split("-"))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _payment_date(milestone_date: date) -> date:
    """Milestones are paid at the end of the month after their deadline."""
    year, month = (
        (milestone_date.year + 1, 1) if milestone_date.month == 12 else (milestone_date.year, milestone_date.month + 1)
    )
    return _month_end(year, month)


# The three declaration windows of each year from 2022: spring, summer and autumn terms.
_TERMS = ((1, 3), (4, 7), (8, 12))


def _terms_from(year: int, term_index: int, count: int) -> list[tuple[date, date]]:
    windows = []
    for _ in range(count):
        first_month, last_month = _TERMS[term_index]
        windows.append((date(year, first_month, 1), _month_end(year, last_month)))
        term_index = (term_index + 1) % 3
        year += term_index == 0
    return windows


# 2021 started before the three-term pattern settled; its September and January windows are irregular.
_LEGACY_2021_WINDOWS = {
    "september": [
        (date(2021, 9, 1), date(2021, 11, 30)),
        (date(2021, 9, 1), date(2022, 1, 31)),
        (date(2022, 2, 1), date(2022, 4, 30)),
        (date(2022, 5, 1), date(2022, 9, 30)),
        (date(2022, 10, 1), date(2023, 1, 31)),
        (date(2023, 2, 1), date(2023, 4, 30)),
    ],
    # The January 2021 schedule was published without a completion milestone.
    "january": [
        (date(2021, 12, 1), date(2022, 1, 31)),
        (date(2022, 2, 1), date(2022, 4, 30)),
        (date(2022, 5, 1), date(2022, 9, 30)),
        (date(2022, 10, 1), date(2023, 1, 31)),
        (date(2023, 2, 1), date(2023, 4, 30)),
    ],
}


def _standard_windows(start: str, year: int) -> list[tuple[date, date]]:
    if year == 2021 and start in _LEGACY_2021_WINDOWS:
        return _LEGACY_2021_WINDOWS[start]
    if start == "september":
        # Started runs from June to December; the five later milestones follow term by term.
        return [(date(year, 6, 1), date(year, 12, 31)), *_terms_from(year + 1, 0, 5)]
    return _terms_from(year + 1, 0 if start == "january" else 1, 6)


def _non_standard_start(start: str, year: int) -> date:
    return {"september": date(year, 9, 1), "january": date(year + 1, 1, 1), "april": date(year + 1, 4, 1)}[start]


def schedule_milestones(identifier: str, start_year: int) -> list[MilestoneFacts]:
    """Every milestone of schedule `identifier` in cohort `start_year`, in declaration order."""
    schedule_type = schedule_type_of(identifier)
    start = identifier.rsplit("-", 1)[1]
    types = EXTENDED_TYPES if schedule_type == ScheduleType.EXTENDED else STANDARD_TYPES

    if schedule_type == ScheduleType.STANDARD and start_year < FIRST_OPEN_ENDED_COHORT:
        milestones = []
        for declaration_type, (opens, closes) in zip(types, _standard_windows(start, start_year), strict=False):
            # The September start is paid in November, before its December cut-off.
            paid = date(start_year, 11, 30) if (start, declaration_type) == ("september", "started") else None
            milestones.append(
                MilestoneFacts(
                    declaration_type,
                    MILESTONE_NAMES[declaration_type],
                    opens,
                    closes,
                    paid or _payment_date(closes),
                )
            )
        return milestones

    # Open-ended: every milestone opens on one date and has no deadline.
    opens = date(start_year, 7, 1) if schedule_type == ScheduleType.STANDARD else _non_standard_start(start, start_year)
    return [MilestoneFacts(t, MILESTONE_NAMES[t], opens, None, opens) for t in types]
