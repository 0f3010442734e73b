"""Reads the committed OpenAPI document (api/v3/openapi.yaml): the contract the guidance pages describe.

The pages never name an attribute, filter or endpoint the document lacks (tests/guidance/test_openapi_terms.py),
and the IDs page lists, from here, every place each identifier travels.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

DOCUMENT = Path(settings.BASE_DIR) / "api" / "v3" / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


@cache
def document() -> dict[str, Any]:
    return yaml.safe_load(DOCUMENT.read_text())


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def parameters(self) -> list[dict[str, Any]]:
        return list(self.spec.get("parameters", []))

    def request_schema(self) -> dict[str, Any] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        return next((media["schema"] for media in content.values()), None)

    def success_schema(self) -> dict[str, Any] | None:
        for status, response in self.spec.get("responses", {}).items():
            if str(status).startswith("2"):
                content = response.get("content", {})
                return next((media["schema"] for media in content.values()), None)
        return None


def operations() -> list[Operation]:
    return [
        Operation(method, path, spec)
        for path, item in document()["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    ]


@dataclass(frozen=True)
class Property:
    """One attribute in a body: its dotted path (arrays as `[]`), its name and its schema."""

    path: str
    name: str
    schema: dict[str, Any]
    siblings: dict[str, Any]


def properties(schema: dict[str, Any], prefix: str = "", seen: frozenset[str] = frozenset()) -> Iterator[Property]:
    """Every property reachable from `schema`, depth first, following references once per branch."""
    ref = schema.get("$ref")
    if ref in seen:
        return
    seen = seen | {ref} if ref else seen
    schema = resolve(schema)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            yield from properties(part, prefix, seen)
    if "items" in schema:
        yield from properties(schema["items"], f"{prefix}[]", seen)
    own = schema.get("properties", {})
    for name, child in own.items():
        path = f"{prefix}.{name}" if prefix else name
        yield Property(path, name, child, own)
        yield from properties(child, path, seen)


def enum_values(schema: dict[str, Any]) -> list[str]:
    """The enum values a (possibly nullable, possibly referenced) schema allows."""
    schema = resolve(schema)
    values = [value for value in schema.get("enum", []) if value is not None]
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            values += enum_values(part)
    if "items" in schema:
        values += enum_values(schema["items"])
    return values


def all_property_names() -> set[str]:
    names = set()
    for operation in operations():
        for schema in (operation.request_schema(), operation.success_schema()):
            if schema:
                names |= {prop.name for prop in properties(schema)}
    return names


def all_parameter_names() -> set[str]:
    return {parameter["name"] for operation in operations() for parameter in operation.parameters()}


def all_enum_values() -> set[str]:
    return {str(value) for schema in document()["components"]["schemas"].values() for value in enum_values(schema)}
