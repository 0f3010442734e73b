"""The API IDs page covers all nine identifiers, each with every resource and attribute that carries it in the
OpenAPI document, and no identifier-like attribute of the document escapes it."""

from html import unescape

from guidance import openapi
from guidance.identifiers import BY_NAME, IDENTIFIERS, identifier_of_attribute, occurrences, relations
from guidance.identifiers_page import DIRECTIONS
from guidance.pages import build_page

NINE = {
    "participant_id",
    "training_record_id",
    "mentor_id",
    "school_id",
    "delivery_partner_id",
    "partnership_id",
    "declaration_id",
    "statement_id",
    "clawback_statement_id",
}


def _section(html: str, name: str) -> str:
    start = html.index(f'<h2 id="{name.replace("_", "-")}"')
    end = html.find("<h2 ", start + 1)
    return html[start : end if end > 0 else None]


def test_the_nine_identifiers_each_have_a_section_listing_every_place_they_travel():
    html = unescape(build_page("api-ids").html.replace("<wbr>", ""))

    assert set(BY_NAME) == NINE
    for occurrence, labels in occurrences().items():
        section = _section(html, occurrence.identifier)
        row = next(
            (
                row
                for row in section.split("<tr")
                if f">{occurrence.attribute}<" in row
                and f">{occurrence.resource}<" in row
                and f">{DIRECTIONS[occurrence.direction]}<" in row
            ),
            None,
        )
        assert row is not None, occurrence
        for label in labels:
            assert label.replace("/api/v3", "", 1) in row or f"every {occurrence.resource} answer" in row, label


def test_every_identifier_travels_somewhere():
    assert {occurrence.identifier for occurrence in occurrences()} == NINE


def test_every_id_attribute_of_the_document_is_one_of_the_nine():
    names = openapi.all_property_names() | {
        name[len("filter[") : -1] for name in openapi.all_parameter_names() if name.startswith("filter[")
    }

    assert {name for name in names if name.endswith("_id") and identifier_of_attribute(name) is None} == set()


def test_the_diagram_draws_every_identifier_and_every_relation():
    html = build_page("api-ids").html
    diagram = html[html.index('<svg class="app-diagram" id="identifiers"') : html.index("</svg>")]

    for identifier in IDENTIFIERS:
        assert f">{identifier.name}</text>" in diagram
    assert diagram.count("<line ") == len(relations())
