"""The API documentation's introduction links the guidance, and every operation documents the sandbox clock."""

from guidance import openapi
from tests.guidance.pages import parse


def test_the_introduction_links_the_guidance():
    description = openapi.document()["info"]["description"]

    assert "(/api/guidance/)" in description
    assert "(/api/guidance/release-notes.atom)" in description


def test_every_operation_documents_the_sandbox_clock_header_and_its_400():
    for operation in openapi.operations():
        headers = [p for p in operation.parameters() if p["in"] == "header" and p["name"] == "X-With-Server-Date"]
        assert len(headers) == 1, operation.label
        assert "Sandbox only" in headers[0]["description"]
        assert "400" in operation.spec["responses"], operation.label


def test_the_swagger_ui_page_is_linked_from_every_guidance_page(client):
    assert "/api/docs/v3" in parse(client.get("/api/guidance/declarations").content.decode()).links
