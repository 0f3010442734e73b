"""API tokens in Chromium: Admin staff are offered no way to issue one until a superuser grants them the
permission; then the token is shown once, on the page, and no cookie the browser holds carries it."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from playwright.sync_api import Page, expect

from api.models import ApiToken
from api.tokens import NOT_ALLOWED_TO_ISSUE, token_digest
from tests.ecf.factories import LeadProviderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_staff_issue_a_token_only_once_granted_and_see_it_once(page: Page, sign_in, screenshot):
    LeadProviderFactory.create(name="Teach First")

    sign_in("admin")
    page.goto(reverse("admin:api_apitoken_changelist"))
    expect(page.get_by_role("link", name="Add API token")).to_have_count(0)
    page.goto(reverse("admin:api_apitoken_add"))
    expect(page.locator("ul.messagelist li.error")).to_have_text(NOT_ALLOWED_TO_ISSUE)
    screenshot("refused")
    assert not ApiToken.objects.exists()

    User.objects.get(username="admin@example.com").user_permissions.add(
        Permission.objects.get(content_type__app_label="api", codename="issue_apitoken")
    )
    page.goto(reverse("admin:api_apitoken_changelist"))
    page.get_by_role("link", name="Add API token").click()
    page.select_option("#id_lead_provider", label="Teach First")
    page.fill("#id_description", "Teach First's sync")
    page.click("input[name=_save]")
    plaintext = page.locator("code.api-token-plaintext").inner_text()
    screenshot("issued")

    token = ApiToken.objects.get()
    assert token.token_hash == token_digest(plaintext)
    assert token.created_by == User.objects.get(username="admin@example.com")
    assert all(plaintext not in cookie["value"] for cookie in page.context.cookies())
    page.get_by_role("link", name="All API tokens").click()
    expect(page.locator("#result_list")).to_contain_text("admin@example.com")
    assert plaintext not in page.content()
    screenshot("list")
