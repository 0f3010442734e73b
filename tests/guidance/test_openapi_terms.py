"""The pages name no attribute, filter, parameter or endpoint the committed OpenAPI document lacks, and the
definitions page explains every enumerated value the document lets the API send."""

import re

import pytest

from guidance import openapi, states
from guidance.identifiers import BY_NAME
from guidance.pages import BY_SLUG, PAGES, source

# A term in backticks that looks like an attribute name or enum value: snake_case.
SNAKE = re.compile(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`")
PARAMETER = re.compile(r"\b((?:filter|page)\[[a-z_]*\])")
ENDPOINT = re.compile(r"(/api/v3/[A-Za-z0-9_\-/{}.]*)")


def _documented_paths() -> list[re.Pattern[str]]:
    patterns = []
    for path in openapi.document()["paths"]:
        for variant in {path, path.replace("/ecf", "", 1)}:  # the successor's paths are served too (D1)
            patterns.append(re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", r"[^/]+", re.escape(variant)) + "/?$"))
    return patterns


def unknown_terms(markdown: str) -> list[str]:
    text = markdown.replace("<wbr>", "")
    # The nine identifiers are the guidance's own vocabulary (the IDs page lists where each travels).
    names = openapi.all_property_names() | openapi.all_enum_values() | set(BY_NAME)
    parameters = openapi.all_parameter_names()
    names |= {parameter[parameter.index("[") + 1 : -1] for parameter in parameters if "[" in parameter}
    paths = _documented_paths()
    unknown = [term for term in SNAKE.findall(text) if term not in names]
    unknown += [term for term in PARAMETER.findall(text) if term not in parameters]
    unknown += [
        endpoint
        for endpoint in ENDPOINT.findall(text)
        if endpoint != "/api/v3/" and not any(pattern.match(endpoint.rstrip(".")) for pattern in paths)
    ]
    return unknown


@pytest.mark.parametrize("slug", [page.slug for page in PAGES])
def test_every_term_a_page_names_is_in_the_document(slug):
    assert unknown_terms(source(BY_SLUG[slug])) == []


def test_a_term_the_document_lacks_is_found():
    text = (
        "Send `made_up_attribute` with filter[nonsense] to /api/v3/nowhere, or `participant_id` to /api/v3/statements."
    )

    assert unknown_terms(text) == ["made_up_attribute", "filter[nonsense]", "/api/v3/nowhere"]


# Enumerated attributes whose values are explained elsewhere: resource types, and the schedules page's list.
EXPLAINED_ELSEWHERE = {"type", "schedule_identifier"}


def test_every_enum_value_the_document_allows_is_defined():
    defined: dict[str, set[str]] = {}
    for definition in states.DEFINITIONS:
        for attribute in definition.attributes:
            defined.setdefault(attribute, set()).update(str(value) for value in definition.enum.values)
    undefined = set()
    for operation in openapi.operations():
        schema = operation.success_schema()
        for prop in openapi.properties(schema) if schema else []:
            values = set(openapi.enum_values(prop.schema))
            if values and prop.name not in EXPLAINED_ELSEWHERE:
                undefined |= {f"{prop.name}={value}" for value in values - defined.get(prop.name, set())}

    assert undefined == set()
