"""Statements in Chromium as finance staff read them: the list opens on current work and fits a 1366 px screen
(status and total included), money reads as £20,000.00, and a statement's page leads to its declarations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect

from ecf import clock
from ecf.choices import DeclarationState
from ecf.money import format_money
from finance.choices import StatementStatus
from finance.services.statements import statement_breakdown
from tests.ecf.factories import CohortFactory, DeclarationFactory, LeadProviderFactory, TrainingRecordFactory
from tests.finance.factories import AdjustmentFactory, BandFactory, ContractFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN: ViewportSize = {"width": 1366, "height": 768}


def make_statements() -> list:
    """For each of three providers: a payable statement (cut-off a few days ago), an open one (cut-off this
    month), one months away and a paid one; declarations and an adjustment on the first provider's payable one."""
    today = clock.today()
    cohort = CohortFactory.create(start_year=2025)
    made = []
    for name in ("Ambition Institute", "Best Practice Network", "Education Development Trust"):
        provider = LeadProviderFactory.create(name=name)
        contract = ContractFactory.create(lead_provider=provider, cohort=cohort)
        BandFactory.create(contract=contract, max=2000, per_participant=Decimal("20000"))
        for deadline, status in (
            (today - dt.timedelta(days=3), StatementStatus.PAYABLE),
            (today + dt.timedelta(days=28), StatementStatus.OPEN),
            (today + dt.timedelta(days=150), StatementStatus.OPEN),
            (today - dt.timedelta(days=400), StatementStatus.PAID),
        ):
            statement = StatementFactory.create(
                lead_provider=provider,
                cohort=cohort,
                contract=contract,
                cut_off=deadline,
                status=status,
                marked_as_paid_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if status == StatementStatus.PAID else None,
            )
            if status == StatementStatus.PAYABLE:
                made.append(statement)
    first = made[0]
    for _ in range(4):
        DeclarationFactory.create(
            training_record=TrainingRecordFactory.create(cohort=cohort),
            lead_provider=first.lead_provider,
            payment_statement=first,
            state=DeclarationState.PAYABLE,
        )
    AdjustmentFactory.create(statement=first, amount=Decimal("-1234.56"), description="Overpaid in error")
    return made


def test_finance_reads_a_statement_and_follows_it_to_its_declarations(page: Page, sign_in, screenshot):
    statement = make_statements()[0]
    expected = statement_breakdown(statement=statement)
    page.set_viewport_size(SCREEN)

    sign_in("finance")
    page.get_by_role("link", name="Statements").click()
    rows = page.locator("#result_list tbody tr")
    # Current work: each provider's payable statement and its open one; not the later or paid ones.
    expect(rows).to_have_count(6)
    row = rows.filter(has_text="Ambition Institute").filter(has_text="Payable")
    expect(row.locator("td.field-total")).to_have_text(format_money(expected.total))
    screenshot("statement-list")

    row.get_by_role("link", name="Ambition Institute").click()
    breakdown = page.locator(".statement-breakdown")
    expect(breakdown.get_by_role("heading", name="Statement total")).to_have_text(
        f"Statement total: {format_money(expected.total)}"
    )
    expect(breakdown.locator("tr:has(th:text-is('Adjustments')) td")).to_have_text("\u2212£1,234.56")
    # Four starts in band A, £2,400 each.
    expect(breakdown.locator("tr:has(th:text-is('Output payments')) td")).to_have_text("£9,600.00")
    screenshot("statement")

    page.get_by_role("link", name="Declarations paid on it").click()
    chosen = page.locator("#changelist-filter li.selected", has_text=str(statement))
    expect(chosen).to_have_count(1)  # the filter says which statement
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    expect(page.locator("#result_list tbody tr td.field-state")).to_have_text(["Payable"] * 4)
    screenshot("declarations")


def test_the_statement_list_fits_a_1366_pixel_screen(page: Page, sign_in, screenshot):
    make_statements()
    page.set_viewport_size(SCREEN)

    sign_in("finance")
    page.goto(reverse("admin:finance_statement_changelist"))
    expect(page.locator("#result_list tbody tr")).to_have_count(6)
    screenshot("statement-list-1366")

    headers = page.locator("#result_list thead th").all_inner_texts()
    assert [text.strip().lower() for text in headers[1:]] == [
        "lead provider",
        "cohort",
        "month",
        "cut-off",
        "payment",
        "status",
        "total",
    ]
    # Every column is on screen: the results box does not scroll sideways, and ends before the filters.
    results = page.locator("#changelist .results")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")
    filters = page.locator("#changelist-filter").bounding_box()
    for column in ("th.column-status", "th.column-total"):
        box = page.locator(column).bounding_box()
        assert box is not None
        assert filters is not None
        assert box["x"] + box["width"] <= filters["x"], column
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
