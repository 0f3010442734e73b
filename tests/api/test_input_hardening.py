"""Hostile input (issue 8): bodies that are not JSON, not objects, nested 10,000 levels deep, or carry huge
or hostile strings; injection-looking, non-ASCII and NUL values in every filter of every list; and the same
in path ids. The API answers each with a JSON:API 400, 404 or 422 (a filter that is merely non-matching
gives an empty 200), never a 500. (The 413 for a body over the size limit is in tests/api/test_jsonapi.py.)

Bodies go through the raw Django client (`api_client.client`): a 400 is not in the document of every write."""

import json
from typing import Any
from urllib.parse import quote

import pytest

from tests.api.conftest import JSON_API
from tests.api.openapi import document
from tests.api.v3.test_every_endpoint import LISTS

pytestmark = pytest.mark.django_db

HOSTILE = [
    pytest.param("2021' OR 1=1--", id="sql"),
    pytest.param('"; DROP TABLE ecf_participant; --', id="sql-drop"),
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("🎓👩‍🏫", id="emoji"),
    pytest.param("Zoë Ångström-Łukasiewicz", id="non-ascii"),
    pytest.param("\x00", id="nul"),
    pytest.param("abc\x00def", id="embedded-nul"),
    pytest.param("../../../etc/passwd", id="traversal"),
    pytest.param("{{7*7}}${7*7}", id="template"),
    pytest.param("x" * 5000, id="long"),
    pytest.param("", id="empty"),
    pytest.param(" ", id="blank"),
]

# A valid body of each write; {} for a write that reads no body.
ATTRIBUTES: dict[str, dict[str, Any]] = {
    "declare": {
        "participant_id": "{participant}",
        "declaration_type": "started",
        "declaration_date": "2024-10-01T10:00:00Z",
        "course_identifier": "ecf-induction",
    },
    "partner": {"cohort": "2024", "school_id": "{school}", "delivery_partner_id": "{partner}"},
    "repartner": {"delivery_partner_id": "{partner}"},
    "withdraw": {"reason": "moved-school", "course_identifier": "ecf-induction"},
    "defer": {"reason": "career-break", "course_identifier": "ecf-induction"},
    "resume": {"course_identifier": "ecf-induction"},
    "change-schedule": {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-induction"},
}
WRITES = [
    ("post", "/api/v3/participant-declarations", "declare"),
    ("post", "/api/v3/partnerships/ecf", "partner"),
    ("put", "/api/v3/partnerships/ecf/{partnership}", "repartner"),
    ("put", "/api/v3/participants/ecf/{participant}/withdraw", "withdraw"),
    ("put", "/api/v3/participants/ecf/{participant}/defer", "defer"),
    ("put", "/api/v3/participants/ecf/{participant}/resume", "resume"),
    ("put", "/api/v3/participants/ecf/{participant}/change-schedule", "change-schedule"),
]
WRITE_IDS = [f"{method} {path}" for method, path, _ in WRITES]
ERROR_STATUSES = {400, 404, 422}


def raw(api_client: Any, method: str, path: str, content: bytes | str, content_type: str = JSON_API) -> Any:
    headers = {"Authorization": f"Bearer {api_client.token}"}
    return getattr(api_client.client, method)(path, content, content_type=content_type, headers=headers)


def assert_json_error(response: Any, statuses: set[int] = ERROR_STATUSES) -> None:
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    assert response["Content-Type"] == JSON_API
    body = json.loads(response.content)
    assert isinstance(body, dict), body
    assert body.get("errors"), body


def filled(template: dict[str, Any], world: dict[str, str]) -> dict[str, Any]:
    return {key: value.format(**world) if isinstance(value, str) else value for key, value in template.items()}


# Bodies ------------------------------------------------------------------------------------------------------

MALFORMED = [
    pytest.param(b'{"data": {"attributes": ', id="truncated"),
    pytest.param(b"{'data': {}}", id="single-quotes"),
    pytest.param(b'{"data": {"attributes": {}},}', id="trailing-comma"),
    pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
    pytest.param(b"NaN", id="nan"),
    pytest.param(b"", id="empty"),
    pytest.param(b"[]", id="array"),
    pytest.param(b'"text"', id="string"),
    pytest.param(b"42", id="number"),
    pytest.param(b"null", id="null"),
    pytest.param(b"true", id="boolean"),
    pytest.param(b'{"data": []}', id="data-array"),
    pytest.param(b'{"data": {"attributes": "x"}}', id="attributes-string"),
    pytest.param(b"[" * 10_000 + b"]" * 10_000, id="nested-arrays-10000"),
    pytest.param(b'{"a":' * 10_000 + b"1" + b"}" * 10_000, id="nested-objects-10000"),
    pytest.param(
        b'{"data": {"attributes": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}",
        id="nested-attributes-10000",
    ),
    pytest.param(b"[" * 500 + b"]" * 500, id="nested-arrays-500"),
]


@pytest.mark.parametrize(("method", "path", "action"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize("content", MALFORMED)
def test_bodies_that_are_not_the_envelope_are_json_errors(api_client, world, method, path, action, content):
    response = raw(api_client, method, path.format(**world), content)

    assert_json_error(response, {400})


@pytest.mark.parametrize(("method", "path", "action"), WRITES, ids=WRITE_IDS)
def test_a_body_that_is_not_json_at_all_is_a_json_error(api_client, world, method, path, action):
    response = raw(api_client, method, path.format(**world), "data=1&x=2", content_type="text/plain")

    assert_json_error(response, {400, 415})


def _attribute_cases() -> list[Any]:
    cases = []
    for (method, path, action), label in zip(WRITES, WRITE_IDS, strict=True):
        for attribute in ATTRIBUTES[action]:
            cases.append(pytest.param(method, path, action, attribute, id=f"{label}:{attribute}"))
    return cases


ATTRIBUTE_CASES = _attribute_cases()


@pytest.mark.parametrize(("method", "path", "action", "attribute"), ATTRIBUTE_CASES)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_in_each_attribute_are_json_errors(api_client, world, method, path, action, attribute, value):
    attributes = {**filled(ATTRIBUTES[action], world), attribute: value}
    body = json.dumps({"data": {"type": "x", "attributes": attributes}})

    response = raw(api_client, method, path.format(**world), body)

    assert_json_error(response, {400, 404, 422})


@pytest.mark.parametrize(("method", "path", "action", "attribute"), ATTRIBUTE_CASES)
@pytest.mark.parametrize(
    "value",
    [
        pytest.param("x" * 200_000, id="200k-string"),
        pytest.param(["x"] * 10_000, id="array"),
        pytest.param({"nested": {"deeper": ["x"]}}, id="object"),
        pytest.param(10**400, id="huge-number"),
        pytest.param(-1.5e308, id="float"),
        pytest.param(True, id="boolean"),
    ],
)
def test_huge_and_wrongly_typed_attributes_are_json_errors(api_client, world, method, path, action, attribute, value):
    attributes = {**filled(ATTRIBUTES[action], world), attribute: value}
    body = json.dumps({"data": {"type": "x", "attributes": attributes}})

    response = raw(api_client, method, path.format(**world), body)

    assert_json_error(response, {400, 404, 422})


# Filters -----------------------------------------------------------------------------------------------------


def _filter_cases() -> list[Any]:
    cases = []
    for path, _alias, params in LISTS:
        parameters = document()["paths"][path]["get"].get("parameters", [])
        names = [parameter["name"] for parameter in parameters if parameter.get("in") == "query"]
        for name in names:
            cases.append(pytest.param(path, params, name, id=f"{path}?{name}"))
    return cases


FILTER_CASES = _filter_cases()


def test_every_list_has_filters_to_harden():
    assert {case.values[0] for case in FILTER_CASES} == {path for path, _alias, _params in LISTS}
    assert len(FILTER_CASES) >= 2 * len(LISTS)


@pytest.mark.parametrize(("path", "params", "name"), FILTER_CASES)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_query_parameter_are_a_400_or_match_nothing(
    api_client, world, path, params, name, value
):
    response = api_client.get(path, {**params, name: value})

    if response.status_code == 200:
        # A filter that reads the value as a plain string: nothing matches it (the list is not widened).
        if name.startswith("filter[") and value.strip():
            assert response.json_body["data"] == [], response.json_body
    else:
        assert_json_error(response, {400})


@pytest.mark.parametrize(("path", "alias", "params"), LISTS, ids=[row[0] for row in LISTS])
def test_a_filter_parameter_with_a_nul_in_its_name_is_handled(api_client, world, path, alias, params):
    response = api_client.get(path, {**params, "filter[\x00]": "1", "filter": "x\x00"})

    assert response.status_code in (200, 400)


# Path ids ----------------------------------------------------------------------------------------------------

DETAIL_PATHS = [
    "/api/v3/participants/ecf/{}",
    "/api/v3/participants/{}",
    "/api/v3/participants/ecf/{}/transfers",
    "/api/v3/participants/ecf/{}/withdraw",
    "/api/v3/unfunded-mentors/ecf/{}",
    "/api/v3/statements/{}",
    "/api/v3/statements/{}/breakdown",
    "/api/v3/participant-declarations/{}",
    "/api/v3/participant-declarations/{}/void",
    "/api/v3/partnerships/ecf/{}",
    "/api/v3/schools/ecf/{}",
    "/api/v3/delivery-partners/{}",
]
PATH_IDS = [
    pytest.param("1' OR 1=1--", id="sql"),
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("🎓", id="emoji"),
    pytest.param("\x00", id="nul"),
    pytest.param("6c1e5f0e-32c4-4d76-9c0b-8d7a2e3b4f51\x00", id="uuid-nul"),
    pytest.param("..", id="dot-dot"),
    pytest.param("6c1e5f0e32c44d769c0b8d7a2e3b4f51", id="uuid-hex"),
    pytest.param("00000000-0000-0000-0000-000000000000", id="nil-uuid"),
    pytest.param("x" * 5000, id="long"),
]


@pytest.mark.parametrize("template", DETAIL_PATHS)
@pytest.mark.parametrize("value", PATH_IDS)
@pytest.mark.parametrize("method", ["get", "put"])
def test_hostile_path_ids_are_json_404s(api_client, world, template, value, method):
    path = template.format(quote(value, safe=""))
    headers = {"Authorization": f"Bearer {api_client.token}"}

    response = getattr(api_client.client, method)(path, {"filter[cohort]": "2024"}, headers=headers)

    assert_json_error(response, {404, 405})
