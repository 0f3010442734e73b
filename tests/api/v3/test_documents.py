"""The list pages' documents built from values (`api.v3.documents`) are the serializers' documents, byte for byte,
on every participant and declaration every provider sees in a seeded sandbox (its scenarios cover withdrawals,
deferrals, mentors, transfers, merged duplicates, other providers' declarations and every declaration state).

The seed runs once for the module, inside a transaction rolled back when the module ends."""

import json
from typing import Any

import pytest

from api.jsonapi.renderers import JsonApiRenderer
from api.v3.documents.declarations import DECLARATION_VALUES, declaration_documents
from api.v3.documents.participants import participant_documents
from api.v3.serializers.declarations import ParticipantDeclarationSerializer
from api.v3.serializers.participants import ParticipantSerializer
from ecf import clock
from ecf.models import LeadProvider
from ecf.selectors.declarations import declaration_list
from ecf.selectors.participants import PARTICIPANT_VALUES, participant_list, visible_participant_list

pytestmark = pytest.mark.django_db
render = JsonApiRenderer().render


def _by_id(documents: Any) -> dict[str, bytes]:
    return {str(document["id"]): render(document) for document in documents}  # as the API renders them


def _assert_same(from_values: dict[str, bytes], serialized: dict[str, bytes], provider: str) -> None:
    """The same documents; else the first that differs, both ways, whole."""
    assert from_values.keys() == serialized.keys(), provider
    differing = [key for key in serialized if from_values[key] != serialized[key]]
    if differing:
        first, expected = json.loads(from_values[differing[0]]), json.loads(serialized[differing[0]])
        pytest.fail(f"{provider}: {len(differing)} documents differ; the first: {_differences(first, expected)}")


def _differences(got: Any, expected: Any, path: str = "") -> list[str]:
    """Where two decoded documents differ, as `path: got != expected` (or a key order that differs)."""
    if isinstance(got, dict) and isinstance(expected, dict):
        if list(got) != list(expected):
            return [f"{path}: keys {list(got)} != {list(expected)}"]
        return [line for key in got for line in _differences(got[key], expected[key], f"{path}.{key}")]
    if isinstance(got, list) and isinstance(expected, list) and len(got) == len(expected):
        return [
            line
            for i, (a, b) in enumerate(zip(got, expected, strict=True))
            for line in _differences(a, b, f"{path}[{i}]")
        ]
    return [] if got == expected else [f"{path}: {got!r} != {expected!r}"]


def test_participant_documents_are_the_serializers(seeded: None) -> None:
    compared = 0
    for provider in LeadProvider.objects.all():
        today = clock.today()
        rows = list(visible_participant_list(lead_provider=provider).values_list(*PARTICIPANT_VALUES, named=True))
        from_values = _by_id(participant_documents(rows, lead_provider=provider, today=today))
        serialized = ParticipantSerializer(participant_list(lead_provider=provider, today=today), many=True).data
        _assert_same(from_values, _by_id(serialized), provider.name)
        compared += len(from_values)
    assert compared > 500


def test_declaration_documents_are_the_serializers(seeded: None) -> None:
    compared = 0
    for provider in LeadProvider.objects.all():
        declarations = declaration_list(lead_provider=provider)
        from_values = _by_id(declaration_documents(list(declarations.values_list(*DECLARATION_VALUES, named=True))))
        serialized = ParticipantDeclarationSerializer(declarations, many=True).data
        _assert_same(from_values, _by_id(serialized), provider.name)
        compared += len(from_values)
    assert compared > 500
