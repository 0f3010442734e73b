"""The guidance pages in Chromium: every page loads under its Content-Security-Policy without a console error (the
`page` fixture), has no serious or critical accessibility violation found by axe-core (vendored from npm, see
`make vendor`), and is kept as a screenshot. The diagrams render; the pages work without JavaScript and in print."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from tests.guidance.pages import page_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# WCAG 2.2 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
URLS = ["/", *page_urls(), "/api/guidance/search?q=clawback"]


def axe_violations(page: Page) -> list[dict]:
    # Evaluated through the DevTools protocol, not as a page script: the pages' policy allows no script at all.
    page.evaluate(AXE.read_text())
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _name(url: str) -> str:
    return url.split("?")[0].strip("/").replace("/", "-") or "start"


@pytest.mark.parametrize("url", URLS, ids=_name)
def test_page_has_no_serious_accessibility_violation(page: Page, screenshot, url: str) -> None:
    response = page.goto(url)

    assert response is not None
    assert response.status == 200
    assert axe_violations(page) == []
    screenshot("page")


def test_the_identifiers_diagram_renders(page: Page, screenshot) -> None:
    page.goto("/api/guidance/api-ids")

    diagram = page.locator("svg#identifiers")
    box = diagram.bounding_box()
    assert box is not None
    assert box["width"] > 500
    assert box["height"] > 200
    assert diagram.locator("rect[rx]").count() == 9
    assert diagram.locator("line").count() > 9
    diagram.screenshot(path=screenshot("diagram").with_name("guidance-identifiers-diagram.png"))


def test_the_declaration_state_diagram_renders(page: Page) -> None:
    page.goto("/api/guidance/declarations")

    diagram = page.locator("svg#declaration-states")
    box = diagram.bounding_box()
    assert box is not None
    assert box["width"] > 500
    assert diagram.locator("rect[rx]").count() == 8


def test_pages_work_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/api/guidance/api-ids")
        page.get_by_role("link", name="training_record_id", exact=True).first.click()

        assert page.url.endswith("#training-record-id")
        assert page.locator("h2#training-record-id").is_visible()
    finally:
        context.close()


def test_print_shows_the_content_without_the_navigation(page: Page) -> None:
    page.goto("/api/guidance/schedules-and-milestones")
    page.emulate_media(media="print")

    assert page.locator("h1").is_visible()
    assert not page.locator("nav[aria-label='Guidance pages']").is_visible()
    assert not page.locator(".govuk-service-navigation").is_visible()
