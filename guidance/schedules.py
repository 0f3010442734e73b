"""Schedules and milestones: every cohort's milestone windows from `ecf.calendars` (the rules the sandbox seed and
the declaration checks use), and what a change of schedule allows, from the participant service's rules."""

from datetime import date

from django.utils import timezone

from ecf import calendars
from ecf.choices import SCHEDULE_IDENTIFIERS, ScheduleType
from ecf.services import participants as participant_service
from guidance.tables import day, errors_table


def cohorts(on: date | None = None) -> list[int]:
    """From the first cohort to the latest whose registration has opened."""
    on = on or timezone.localdate()
    last = on.year if calendars.cohort_facts(on.year).registration_start_date <= on else on.year - 1
    return list(range(calendars.FIRST_COHORT, last + 1))


def _day(value: date | None) -> str:
    return day(value) if value else "no end"


def milestone_windows_markdown() -> str:
    sections = []
    for year in cohorts():
        facts = calendars.cohort_facts(year)
        lines = [
            f"### {year} cohort\n",
            f"Registration opened on {_day(facts.registration_start_date)}; the academic year starts on "
            f"{_day(facts.academic_year_start_date)}."
            + (
                f" Payments for this cohort were frozen on {_day(facts.payments_frozen_on)}."
                if facts.payments_frozen_on
                else ""
            )
            + "\n",
            "| schedule | milestone | window opens | window closes | paid from |",
            "|---|---|---|---|---|",
        ]
        for identifier in SCHEDULE_IDENTIFIERS:
            milestones = calendars.schedule_milestones(identifier, year)
            open_ended = all(m.milestone_date is None for m in milestones)
            starts = {m.start_date for m in milestones}
            if open_ended and len(starts) == 1:
                types = (
                    f"all {len(milestones)}, `{milestones[0].declaration_type}` to `{milestones[-1].declaration_type}`"
                )
                lines.append(f"| `{identifier}` | {types} | {_day(milestones[0].start_date)} | no end | as declared |")
                continue
            for m in milestones:
                lines.append(
                    f"| `{identifier}` | `{m.declaration_type}` | {_day(m.start_date)} | {_day(m.milestone_date)} | "
                    f"{_day(m.payment_date)} |"
                )
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


def schedule_facts_markdown() -> str:
    """The facts of the schedule families, as the calendars and the declaration rules use them."""
    open_from = calendars.FIRST_OPEN_ENDED_COHORT
    standard = ", ".join(f"`{t}`" for t in calendars.STANDARD_TYPES)
    extended = ", ".join(f"`{t}`" for t in calendars.EXTENDED_TYPES if t not in calendars.STANDARD_TYPES)
    types = ", ".join(f"`{value}`" for value in ScheduleType.values)
    return (
        f"- Schedule types: {types}; each starts in September, January or April "
        f"({len(SCHEDULE_IDENTIFIERS)} schedules per cohort).\n"
        f"- Standard, reduced and replacement schedules have the milestones {standard}; extended schedules add "
        f"{extended}.\n"
        f"- Before the {open_from} cohort, standard schedules give each milestone a window with an end date. From "
        f"{open_from}, and on every non-standard schedule, milestones open on one date and have no end: your "
        "declarations must then be dated in milestone order instead (see the declarations page).\n"
    )


def change_schedule_rules_markdown() -> str:
    s = participant_service
    rules = [
        ("participant_id", s.CHANGE_SCHEDULE_WITHDRAWN),
        ("cohort", s.COHORT_UNKNOWN),
        ("schedule_identifier", s.SCHEDULE_UNKNOWN.format(cohort="[year]")),
        ("schedule_identifier", s.SCHEDULE_UNCHANGED),
        ("schedule_identifier", s.SCHEDULE_MENTORS_ONLY),
        ("schedule_identifier", s.SCHEDULE_NOT_FOR_MENTORS),
        ("schedule_identifier", s.SCHEDULE_INVALIDATES_DECLARATIONS),
        ("cohort", s.COHORT_HAS_DECLARATIONS),
        ("cohort", s.COHORT_NO_PARTNERSHIP),
        ("cohort", s.COHORT_FROZEN_DESTINATION),
        ("cohort", s.COHORT_FROZEN_COMPLETED),
        ("cohort", s.COHORT_FROZEN_TARGET),
    ]
    return errors_table(rules)
