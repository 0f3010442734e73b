"""The API documentation pages work in a browser under their Content-Security-Policy (the `page` fixture fails
the test on any console error, which is where the browser reports what the policy refused)."""

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_lists_the_operations(page: Page, screenshot) -> None:
    page.goto("/api/docs/v3")

    page.wait_for_selector("text=Retrieve participant declarations")
    screenshot("swagger")


def test_redoc_shows_the_document(page: Page, screenshot) -> None:
    page.goto("/api/docs/v3/redoc")

    page.wait_for_selector("h1:has-text('Lead provider API')")
    screenshot("redoc")
