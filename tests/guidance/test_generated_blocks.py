"""Each generated block follows its source: change the code a page is generated from and the page changes with it
(pages are built with `build_page`, bypassing the per-process cache)."""

import copy
import dataclasses
import re
from datetime import date

import pytest
from django.db import models

from api import freshness
from ecf import calendars, choices
from ecf.choices import EvidenceHeld
from ecf.models import School
from finance import calculators
from finance import calendars as statement_calendars
from finance.models import Statement
from finance.services import declarations as declaration_service
from guidance import blocks, openapi, states
from guidance import sandbox as guidance_sandbox
from guidance.pages import PAGES, build_page
from sandbox.scenarios import SCENARIOS, Scenario


def test_every_page_builds_and_every_block_is_used():
    sources = "".join(build_source(page.source) for page in PAGES)
    for name in blocks.BLOCKS:
        assert f"block:{name}" in sources, f"block {name} is on no page"
    for page in PAGES:
        assert build_page(page.slug).title


def build_source(name: str) -> str:
    from guidance.pages import CONTENT

    return (CONTENT / name).read_text()


def text(slug: str) -> str:
    """The page's HTML with non-breaking spaces (dates in tables) read as spaces."""
    return build_page(slug).html.replace("\u00a0", " ")


def test_an_unknown_block_is_an_error():
    with pytest.raises(blocks.UnknownBlock):
        blocks.expand("{{ block:no_such_block }}")


class TrainingStatusWithANewValue(models.TextChoices):
    ACTIVE = "active", "Active"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"
    PAUSED = "paused", "Paused"


SEEDED_DEFINITIONS = states.DEFINITIONS


def _with_enum(enum: type[models.TextChoices], sentences: dict[str, str]) -> tuple[states.Definition, ...]:
    return tuple(
        dataclasses.replace(definition, enum=enum, sentences={**definition.sentences, **sentences})
        if definition.enum is choices.TrainingStatus
        else definition
        for definition in SEEDED_DEFINITIONS
    )


def test_a_new_enum_value_without_a_sentence_fails_and_with_one_appears(monkeypatch):
    monkeypatch.setattr(states, "DEFINITIONS", _with_enum(TrainingStatusWithANewValue, {}))
    with pytest.raises(ValueError, match="paused"):
        build_page("definitions-and-states")

    monkeypatch.setattr(states, "DEFINITIONS", _with_enum(TrainingStatusWithANewValue, {"paused": "On hold."}))
    assert '<code class="app-code">paused</code>' in build_page("definitions-and-states").html


def test_every_enum_value_has_a_sentence():
    assert states.missing_sentences() == {}


def test_a_milestone_date_moves_the_schedules_page(monkeypatch):
    before = text("schedules-and-milestones")
    assert "2 Sep 2021" not in before
    windows = copy.deepcopy(calendars._LEGACY_2021_WINDOWS)
    windows["september"][0] = (date(2021, 9, 2), date(2021, 11, 30))
    monkeypatch.setattr(calendars, "_LEGACY_2021_WINDOWS", windows)

    assert "2 Sep 2021" in text("schedules-and-milestones")


def test_an_evidence_rule_changes_the_declarations_page(monkeypatch):
    def retained_2_evidence() -> str:
        html = build_page("declarations").html
        row = next(
            line for line in html.split("<tr") if re.search(r">2025( to \d{4})?<", line) and ">retained-2<" in line
        )
        return row

    assert "one-term-induction" not in retained_2_evidence()
    monkeypatch.setattr(declaration_service, "EVIDENCE_OF_ENGAGEMENT", frozenset({EvidenceHeld.ONE_TERM_INDUCTION}))

    assert "one-term-induction" in retained_2_evidence()


def test_a_rate_limit_setting_changes_the_sandbox_page(settings):
    settings.API_RATE_LIMIT_PER_TOKEN = 1234
    settings.API_RATE_LIMIT_WINDOW_SECONDS = 60

    html = build_page("sandbox-and-testing").html

    assert "1,234" in html
    assert "requests per minute" in html


def test_a_new_scenario_appears_on_the_sandbox_page(monkeypatch):
    monkeypatch.setattr(
        guidance_sandbox,
        "SCENARIOS",
        (*SCENARIOS, Scenario("Participant of a brand new case", "Made up for this test.")),
    )

    html = build_page("sandbox-and-testing").html

    assert "Participant of a brand new case" in html
    assert "Made up for this test." in html


def test_the_sandbox_page_lists_the_add_participants_attributes_as_the_document_describes_them(monkeypatch):
    assert "paid ones first" in build_page("sandbox-and-testing").html
    document = copy.deepcopy(openapi.document())
    attributes = document["components"]["schemas"]["SandboxParticipantsCreateAttributesRequest"]["properties"]
    attributes["declarations"]["description"] = "Made up for this test."
    attributes["made_up_attribute"] = {"type": "string", "enum": ["one", "two"], "description": "Another."}
    monkeypatch.setattr(openapi, "document", lambda: document)

    html = build_page("sandbox-and-testing").html

    assert "Made up for this test." in html
    assert "paid ones first" not in html
    assert "made_up_attribute" in html
    assert re.search(r"Another\. One of <code[^>]*>one</code>, <code[^>]*>two</code>\.", html)


def test_the_statement_calendar_follows_its_rules(monkeypatch):
    assert "26 Nov 2023" not in text("statements-and-payment-dates")
    monkeypatch.setattr(statement_calendars, "PAYMENT_DAY", 26)

    assert "26 Nov 2023" in text("statements-and-payment-dates")


def test_the_worked_example_is_computed_by_the_calculators(monkeypatch):
    assert "£1,900.00" in text("statements-and-payment-dates")
    monkeypatch.setattr(calculators, "SERVICE_FEE_MONTHS", 58)

    assert "£950.00" in text("statements-and-payment-dates")


def test_a_new_change_path_appears_on_the_sync_page(monkeypatch):
    row = '<td class="govuk-table__cell">school</td>\n<td class="govuk-table__cell">statements</td>'
    assert row not in build_page("keeping-data-in-sync").html
    monkeypatch.setitem(freshness.TOUCHES, School, lambda school: (Statement.objects.none(),))

    assert row in build_page("keeping-data-in-sync").html


def test_a_new_identifier_attribute_in_the_document_appears_on_the_ids_page(monkeypatch):
    document = copy.deepcopy(openapi.document())
    document["components"]["schemas"]["DeliveryPartnerAttributes"]["properties"]["school_id"] = {"type": "string"}
    monkeypatch.setattr(openapi, "document", lambda: document)

    html = build_page("api-ids").html
    school_section = html.split('id="school-id"')[1].split('id="delivery-partner-id"')[0]

    assert '<td class="govuk-table__cell">delivery-partner</td>' in school_section
