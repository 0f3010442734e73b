"""The back office as staff use it, in Chromium: a finance user finds a participant and voids one of their
declarations, and checks a statement's totals; an admin user is offered no finance action and refused the
statement pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page, expect

from ecf.choices import DeclarationState, DeclarationType
from ecf.money import format_money
from finance.choices import StatementStatus
from finance.services.statements import statement_breakdown
from tests.ecf.factories import DeclarationFactory, LeadProviderFactory, ParticipantFactory, TrainingRecordFactory
from tests.ecf.participant_builders import ect, period
from tests.finance.factories import AdjustmentFactory, BandFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_finds_a_participant_and_voids_one_of_their_declarations(page: Page, sign_in, screenshot):
    provider = LeadProviderFactory.create(name="Ambition Institute")
    record = ect(ParticipantFactory.create(full_name="Ada Lovelace", trn="1234567"))
    period(record, provider)
    declaration = DeclarationFactory.create(training_record=record, lead_provider=provider, eligible=True)
    participant_page = reverse("admin:ecf_participant_change", args=[record.participant_id])

    sign_in("finance")
    screenshot("home")
    page.get_by_role("link", name="Participants", exact=True).click()
    page.fill("#searchbar", "1234567")
    page.press("#searchbar", "Enter")
    screenshot("search")
    page.locator("#result_list").get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Training at a glance")).to_be_visible()
    row = page.locator("tr.declaration", has_text=str(declaration.pk))
    expect(row.locator("td.state")).to_have_text("Eligible")
    screenshot("participant")

    page.goto(reverse("admin:ecf_declaration_changelist"))
    page.fill("#searchbar", str(declaration.pk))
    page.press("#searchbar", "Enter")
    page.check(f"input[name=_selected_action][value='{declaration.pk}']")
    page.select_option("select[name=action]", label="Void for the lead provider")
    page.click("button[name=index]")
    expect(page.get_by_role("heading", name="Void for the lead provider")).to_be_visible()
    page.fill("textarea[name=note]", "Provider's email: declared in error")
    screenshot("void-confirm")
    page.click("input[name=confirm]")
    expect(page.locator("ul.messagelist li.success")).to_have_text(f"Declaration {declaration.pk}: voided.")
    screenshot("voided")

    page.goto(participant_page)
    expect(row.locator("td.state")).to_have_text("Voided")
    screenshot("participant-after-void")
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.VOIDED
    assert declaration.voided_by == User.objects.get(username="finance@example.com")


def test_finance_sees_the_statement_totals_the_calculator_gives(page: Page, sign_in, screenshot):
    statement = StatementFactory.create(
        year=2025,
        month=2,
        deadline_date=dt.date(2025, 1, 31),
        payment_date=dt.date(2025, 2, 25),
        status=StatementStatus.PAYABLE,
    )
    BandFactory.create(contract=statement.contract, max=2000, per_participant=Decimal("1000"))
    for declaration_type in (DeclarationType.STARTED, DeclarationType.STARTED, DeclarationType.RETAINED_1):
        DeclarationFactory.create(
            training_record=TrainingRecordFactory.create(cohort=statement.cohort),
            lead_provider=statement.lead_provider,
            declaration_type=declaration_type,
            payment_statement=statement,
            state=DeclarationState.PAYABLE,
        )
    AdjustmentFactory.create(statement=statement, amount=Decimal("-33.33"))
    expected = statement_breakdown(statement=statement)

    sign_in("finance")
    page.goto(reverse("admin:finance_statement_change", args=[statement.pk]))
    screenshot("statement")

    breakdown = page.locator(".statement-breakdown")
    shown = {
        label: breakdown.locator(f"tr:has(th:text-is('{label}')) td").inner_text()
        for label in ("Output payments", "Service fee", "Adjustments", "Total excluding VAT", "VAT", "Total")
    }
    ects = expected.ects
    assert shown == {
        "Output payments": format_money(ects.output_fee),
        "Service fee": format_money(ects.service_fee),
        "Adjustments": format_money(ects.adjustments),
        "Total excluding VAT": format_money(ects.total_ex_vat),
        "VAT": format_money(ects.vat),
        "Total": format_money(ects.total),
    }
    expect(breakdown.get_by_role("heading", name="Statement total")).to_have_text(
        f"Statement total: {format_money(expected.total)}"
    )


def test_admin_is_offered_no_finance_action_and_refused_the_statement_pages(page: Page, sign_in, screenshot):
    statement = StatementFactory.create(status=StatementStatus.PAYABLE)
    DeclarationFactory.create(lead_provider=statement.lead_provider, eligible=True)

    sign_in("admin")
    expect(page.get_by_role("link", name="Statements")).to_have_count(0)
    screenshot("home")

    page.goto(reverse("admin:ecf_declaration_changelist"))
    expect(page.locator("#result_list")).to_be_visible()
    expect(page.locator("select[name=action] option[value=void_for_provider]")).to_have_count(0)
    screenshot("declarations")

    # "Authorise for payment" is an action of the statement list: refusing the list refuses the action.
    for refused in (
        reverse("admin:finance_statement_changelist"),
        reverse("admin:finance_statement_change", args=[statement.pk]),
    ):
        response = page.goto(refused)
        assert response is not None
        assert response.status == 403
    screenshot("statement-refused")
