"""The declarations page's generated parts: the evidence rule table (from the declaration service's own rule), the
rules with the service's messages, the state diagram, and the example 422 bodies recorded from the API."""

import json
from dataclasses import dataclass
from pathlib import Path

from ecf import calendars
from ecf.choices import (
    LIVE_DECLARATION_STATES,
    REFUNDABLE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
)
from finance.services import declarations as service
from guidance import diagrams
from guidance.schedules import cohorts

EXAMPLES = Path(__file__).resolve().parent / "content" / "declaration_examples.json"


def _cohort_groups() -> list[tuple[str, int]]:
    """Runs of consecutive cohorts that share the evidence and mentor-funding rules: (label, first year)."""
    groups: list[tuple[str, int]] = []
    years = cohorts()
    start = years[0]
    for index, year in enumerate(years):
        last = index == len(years) - 1
        if last or _rule_set(years[index + 1]) != _rule_set(year):
            groups.append((f"{start}" if start == year else f"{start} to {year}", start))
            if not last:
                start = years[index + 1]
    return groups


def _rule_set(year: int) -> tuple[bool, bool]:
    facts = calendars.cohort_facts(year)
    return facts.detailed_evidence_types, facts.mentor_funding


def evidence_table_markdown() -> str:
    rows = []
    for label, year in _cohort_groups():
        facts = calendars.cohort_facts(year)
        for course in CourseIdentifier:
            is_ect = course == CourseIdentifier.ECT
            for declaration_type in DeclarationType:
                if not is_ect and facts.mentor_funding and declaration_type not in service.MENTOR_FUNDED_TYPES:
                    accepted = "not accepted: mentors declare `started` and `completed` only"
                else:
                    values = service.accepted_evidence(
                        detailed_evidence_types=facts.detailed_evidence_types,
                        is_ect=is_ect,
                        declaration_type=declaration_type,
                    )
                    accepted = (
                        "none asked for (any value sent is not kept)"
                        if values is None
                        else ", ".join(f"`{value}`" for value in sorted(values))
                    )
                rows.append(f"| {label} | `{course}` | `{declaration_type}` | {accepted} |")
    return (
        "| cohorts | course | declaration type | accepted `evidence_held` |\n|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )


def _rules() -> list[tuple[str, list[tuple[str, str]]]]:
    """The checks in the order the service makes them, each with the errors it answers (the service's sentences,
    placeholders shown in brackets)."""
    s = service
    return [
        (
            "The participant must be one you train, on this course.",
            [("participant_id", s.PARTICIPANT_NOT_RECOGNISED), ("course_identifier", s.COURSE_NOT_RECOGNISED)],
        ),
        (
            "An exact repeat of a live declaration of yours (same participant, course, type, date and evidence) "
            "answers 200 with the original declaration: retrying is safe.",
            [],
        ),
        (
            "A withdrawal or deferral of yours still in force blocks declarations dated on or after it; earlier "
            "dates are accepted.",
            [
                ("participant_id", s.WITHDRAWN_BEFORE_DATE.format(moment="[date]")),
                ("participant_id", s.DEFERRED_BEFORE_DATE.format(moment="[date]")),
            ],
        ),
        (
            "The declaration type must be a milestone of the participant's schedule; from 2025 mentors declare "
            "`started` and `completed` only.",
            [("declaration_type", s.TYPE_NOT_IN_SCHEDULE), ("declaration_type", s.MENTOR_STARTED_OR_COMPLETED_ONLY)],
        ),
        (
            "The date cannot be in the future, and must fall in the milestone's window (London days).",
            [
                ("declaration_date", s.FUTURE_DATE),
                ("declaration_date", s.BEFORE_MILESTONE_START.format(start="[date]")),
                ("declaration_date", s.AFTER_MILESTONE_END.format(end="[date]")),
            ],
        ),
        (
            "From 2025, dates must follow the milestone order of the participant's other live declarations.",
            [("declaration_date", s.OUT_OF_SEQUENCE)],
        ),
        (
            "Each milestone of a course can be held by one live declaration only, whichever provider made it.",
            [("declaration_type", s.ALREADY_DECLARED)],
        ),
        (
            "Evidence must be given, and accepted, where the evidence table asks for it.",
            [("evidence_held", s.EVIDENCE_MISSING), ("evidence_held", s.EVIDENCE_NOT_AVAILABLE)],
        ),
        (
            "A funded participant's declaration needs an open output statement of yours for the cohort.",
            [("cohort", s.NO_OUTPUT_STATEMENT.format(year="[year]"))],
        ),
    ]


def rules_markdown() -> str:
    lines = []
    for number, (rule, errors) in enumerate(_rules(), start=1):
        lines.append(f"{number}. {rule}")
        lines.extend(f"    - 422 titled `{title}`: “{detail}”" for title, detail in errors)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    how: str


TRANSITIONS = (
    Transition("submitted", "eligible", "funding confirmed"),
    Transition("eligible", "payable", "cut-off passes"),
    Transition("payable", "paid", "statement paid"),
    Transition("submitted", "voided", "void"),
    Transition("eligible", "voided", "void"),
    Transition("payable", "voided", "void"),
    Transition("ineligible", "voided", "void"),
    Transition("paid", "awaiting-clawback", "void"),
    Transition("awaiting-clawback", "clawed-back", "statement paid"),
)
# The diagram's grid, one cell per state.
STATE_CELLS = {
    "submitted": (0, 0),
    "eligible": (1, 0),
    "payable": (2, 0),
    "voided": (0, 1),
    "ineligible": (1, 1),
    "paid": (2, 1),
    "clawed-back": (1, 2),
    "awaiting-clawback": (2, 2),
}


def _role(state: str) -> str:
    if state in LIVE_DECLARATION_STATES:
        return "live: holds the milestone"
    if state in REFUNDABLE_DECLARATION_STATES:
        return "money taken back"
    return "not live"


def state_diagram_markdown() -> str:
    nodes = [diagrams.Node(state, state, _role(state), *STATE_CELLS[state]) for state in DeclarationState.values]
    edges = [diagrams.Edge(t.source, t.target, t.how) for t in TRANSITIONS]
    description = "; ".join(f"{t.source} becomes {t.target} when {t.how}" for t in TRANSITIONS)
    grid = diagrams.Grid(width=190, gap_x=140)  # room for the transitions' labels between the boxes
    figure = diagrams.svg("declaration-states", "How a declaration's state changes", description, nodes, edges, grid)
    listing = "\n".join(f"- `{t.source}` → `{t.target}`: {t.how}" for t in TRANSITIONS)
    return f"{figure}\n\n{listing}\n"


def recorded_examples() -> dict[str, dict]:
    return json.loads(EXAMPLES.read_text())


def examples_markdown() -> str:
    parts = []
    for example in recorded_examples().values():
        request = json.dumps(
            {"data": {"type": "participant-declaration", "attributes": example["attributes"]}}, indent=2
        )
        response = json.dumps(example["response"], indent=2)
        parts.append(
            f"### {example['title']}\n\n{example['situation']}\n\n"
            f"```http\nPOST /api/v3/participant-declarations\n```\n\n```json\n{request}\n```\n\n"
            f"The API answers {example['status']}:\n\n```json\n{response}\n```\n"
        )
    return "\n".join(parts)
