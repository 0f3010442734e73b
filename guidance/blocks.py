"""The generated blocks a page's Markdown can place with `{{ block:name }}`: each reads the code that enforces what
it shows. An unknown name is an error, never silently left in the page."""

import re
from collections.abc import Callable

from guidance import (
    actions,
    connect,
    declarations,
    identifiers_page,
    release_notes,
    sandbox,
    schedules,
    statements,
    states,
    sync,
)

BLOCKS: dict[str, Callable[[], str]] = {
    "token_format": connect.token_format_markdown,
    "unauthorised_body": connect.unauthorised_markdown,
    "invalid_token_body": connect.invalid_token_markdown,
    "not_found_body": connect.not_found_markdown,
    "too_many_requests_body": connect.too_many_requests_markdown,
    "identifiers_summary": identifiers_page.summary_markdown,
    "identifiers_diagram": identifiers_page.diagram_markdown,
    "identifiers_details": identifiers_page.details_markdown,
    "change_paths": sync.change_paths_markdown,
    "list_parameters": sync.list_parameters_markdown,
    "definitions": states.definitions_markdown,
    "schedule_facts": schedules.schedule_facts_markdown,
    "milestone_windows": schedules.milestone_windows_markdown,
    "change_schedule_rules": schedules.change_schedule_rules_markdown,
    "declaration_rules": declarations.rules_markdown,
    "evidence_table": declarations.evidence_table_markdown,
    "declaration_states": declarations.state_diagram_markdown,
    "declaration_examples": declarations.examples_markdown,
    "statement_calendar": statements.statement_calendar_markdown,
    "worked_example": statements.worked_example_markdown,
    "scenarios": sandbox.scenarios_markdown,
    "add_participants_attributes": sandbox.add_participants_attributes_markdown,
    "rate_limits": sandbox.rate_limits_markdown,
    "clock_header": sandbox.clock_header_markdown,
    "release_notes": release_notes.release_notes_markdown,
    "partnership_errors": actions.partnership_errors_markdown,
    "challenge_window": actions.challenge_window_markdown,
    "action_errors": actions.action_errors_markdown,
    "action_reasons": actions.reasons_markdown,
    "page_sizes": connect.page_sizes_markdown,
    "path_styles": connect.path_styles_markdown,
}
PLACEHOLDER = re.compile(r"\{\{\s*block:([a-z_]+)\s*\}\}")


class UnknownBlock(KeyError):
    pass


def expand(source: str) -> str:
    def block(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in BLOCKS:
            raise UnknownBlock(f"No generated block named {name!r} (guidance/blocks.py)")
        return BLOCKS[name]()

    return PLACEHOLDER.sub(block, source)
