"""Validates API responses against the committed OpenAPI document (`api/v3/openapi.yaml`), so the
document cannot drift from what the API really answers."""

import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry
from referencing.jsonschema import DRAFT202012

DOCUMENT = Path(__file__).resolve().parents[2] / "api" / "v3" / "openapi.yaml"


@cache
def document() -> dict[str, Any]:
    return yaml.safe_load(DOCUMENT.read_text())


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: `nullable: true` becomes a `null` alternative."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
        if "$ref" in converted or "allOf" in converted or "oneOf" in converted:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _registry() -> Registry:
    """The whole document as one resource, so `$ref`s to its components resolve."""
    return Registry().with_resource("urn:openapi", DRAFT202012.create_resource(_json_schema(document())))


@cache
def component_validator(name: str) -> jsonschema.Draft202012Validator:
    """Validates a value against the document's component schema `name` (a request body's parts, say)."""
    return jsonschema.Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=_registry())


@cache
def _operations() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    operations = []
    for template, item in document()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for method, operation in item.items():
            operations.append((pattern, method, operation))
    return operations


def _operation(method: str, path: str) -> dict[str, Any]:
    # A literal segment beats a `{param}`: `/participants/ecf/transfers` is not `/participants/ecf/{id}`.
    matches = [
        (pattern.pattern.count("[^/]+"), operation)
        for pattern, operation_method, operation in _operations()
        if operation_method == method and pattern.match(path)
    ]
    if not matches:
        raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")
    return min(matches, key=lambda match: match[0])[1]


def canonical_path(path: str) -> str:
    """The documented path for a request path (the `/ecf`-less aliases are documented once, canonically)."""
    for alias, canonical in (
        ("/api/v3/participants/", "/api/v3/participants/ecf/"),
        ("/api/v3/partnerships/", "/api/v3/partnerships/ecf/"),
        ("/api/v3/schools/", "/api/v3/schools/ecf/"),
        ("/api/v3/unfunded-mentors/", "/api/v3/unfunded-mentors/ecf/"),
    ):
        if path in (alias.rstrip("/"), canonical.rstrip("/")):
            return canonical.rstrip("/")
        if path.startswith(alias) and not path.startswith(canonical):
            return canonical + path[len(alias) :]
    return path


def assert_response_matches_document(method: str, path: str, status: int, body: Any) -> None:
    operation = _operation(method.lower(), canonical_path(path))
    responses = operation["responses"]
    assert str(status) in responses, f"{method} {path} answered {status}, which the document does not list"
    content = responses[str(status)].get("content")
    if content is None:
        return
    schema = _json_schema(next(iter(content.values()))["schema"])
    validator = jsonschema.Draft202012Validator(
        {"$ref": "urn:openapi#" + schema["$ref"][1:]} if "$ref" in schema else schema, registry=_registry()
    )
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.path))
    assert not errors, f"{method} {path} ({status}) does not match the document: " + "; ".join(
        f"{list(error.path)}: {error.message}" for error in errors[:5]
    )
