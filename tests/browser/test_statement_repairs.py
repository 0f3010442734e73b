"""Finance staff put statements right in Chromium, as they would (decision D26): attach an empty statement to a lead
provider, move a declaration's payment after a preview whose warning they acknowledge, and authorise a statement
for payment after reading its totals on the confirmation page."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from ecf import clock
from ecf.choices import DeclarationState, FundingEligibility
from ecf.money import format_money
from finance.choices import StatementStatus
from finance.services.statements import statement_breakdown
from tests.ecf.factories import DeclarationFactory, LeadProviderFactory, ParticipantFactory, TrainingRecordFactory
from tests.finance.factories import BandFactory, ContractFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_action(page: Page, list_url: str, search: str, pk: object, action: str) -> None:
    page.goto(list_url)
    page.fill("#searchbar", search)
    page.press("#searchbar", "Enter")
    page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", label=action)
    page.click("button[name=index]")


def test_finance_attach_an_empty_statement_to_a_provider(page: Page, sign_in, screenshot):
    wrong = LeadProviderFactory.create(name="Ambition Institute")
    statement = StatementFactory.create(lead_provider=wrong, year=2026, month=11)
    capita = ContractFactory.create(lead_provider=LeadProviderFactory.create(name="Capita"), cohort=statement.cohort)

    sign_in("finance")
    choose_action(page, "/admin/finance/statement/", "Ambition", statement.pk, "Attach to a lead provider")
    expect(page.get_by_role("heading", name="Attach statements to a lead provider")).to_be_visible()
    page.select_option("select[name=lead_provider]", label="Capita")
    page.fill("textarea[name=reason]", "Made for the wrong provider by the calendar import")
    screenshot("confirm")
    page.click("input[name=confirm]")

    expect(page.locator("ul.messagelist li.success")).to_contain_text("November 2026: now Capita")
    screenshot("attached")
    statement.refresh_from_db()
    assert (statement.lead_provider, statement.contract) == (capita.lead_provider, capita)


def test_finance_move_a_payment_after_a_preview_and_a_warning(page: Page, sign_in, screenshot):
    provider = LeadProviderFactory.create(name="Teach First")
    record = TrainingRecordFactory.create(
        participant=ParticipantFactory.create(full_name="Ada Lovelace", trn="1234567"),
        funding_eligibility=FundingEligibility.NOT_YET_KNOWN,
    )
    declaration = DeclarationFactory.create(training_record=record, lead_provider=provider, eligible=True)
    first = declaration.payment_statement
    assert first is not None
    BandFactory.create(contract=first.contract, per_participant=Decimal("1000"))
    target = StatementFactory.create(
        lead_provider=provider, cohort=declaration.cohort, cut_off=clock.today() + dt.timedelta(days=30)
    )

    sign_in("finance")
    choose_action(
        page, "/admin/ecf/declaration/", "1234567", declaration.pk, "Move its payment or clawback to another statement"
    )
    expect(page.get_by_role("heading", name="Move a declaration's payment or clawback")).to_be_visible()
    page.select_option("select[name=statement]", value=str(target.pk))
    page.click("input[name=preview]")
    preview = page.locator(".move-preview")
    expect(preview).to_contain_text("Ada Lovelace (TRN 1234567)")
    expect(preview.locator(".change-to")).to_have_text("+£144.00")
    expect(preview.locator(".change-from")).to_have_text("\N{MINUS SIGN}£144.00")
    expect(preview.locator("li.warning")).to_contain_text("not recorded as eligible for funding")
    page.fill("textarea[name=reason]", "Declared for the wrong month")
    screenshot("preview")

    page.click("input[name=confirm]")  # the warning is not acknowledged yet
    expect(page.locator(".errorlist")).to_contain_text("Tick that you have read the warnings")
    page.check("input[name=acknowledge]")
    page.click("input[name=confirm]")

    expect(page.locator("ul.messagelist li.success")).to_contain_text(f"its payment moved to {target}")
    screenshot("moved")
    declaration.refresh_from_db()
    assert (declaration.payment_statement, declaration.state) == (target, DeclarationState.ELIGIBLE)


def test_finance_authorise_a_statement_after_reading_its_totals(page: Page, sign_in, screenshot):
    provider = LeadProviderFactory.create(name="Capita")
    statement = StatementFactory.create(
        lead_provider=provider,
        year=2025,
        month=2,
        deadline_date=dt.date(2025, 1, 31),
        payment_date=dt.date(2025, 2, 25),
        status=StatementStatus.PAYABLE,
    )
    BandFactory.create(contract=statement.contract, max=2000, per_participant=Decimal("1000"))
    for name in ("Ada Lovelace", "Grace Hopper"):
        DeclarationFactory.create(
            training_record=TrainingRecordFactory.create(
                cohort=statement.cohort, participant=ParticipantFactory.create(full_name=name)
            ),
            lead_provider=provider,
            payment_statement=statement,
            state=DeclarationState.PAYABLE,
        )
    total = format_money(statement_breakdown(statement=statement).total)

    sign_in("finance")
    choose_action(page, "/admin/finance/statement/", "Capita", statement.pk, "Authorise for payment")
    review = page.locator(".authorisation")
    expect(review.get_by_role("heading", name="Statement total")).to_have_text(f"Statement total: {total}")
    expect(review).to_contain_text("Declarations it pays (2)")
    expect(review).to_contain_text("Grace Hopper")
    page.check("input[name=checks_done]")
    page.fill("textarea[name=reason]", "Assurance report checked with the provider")
    screenshot("confirm")
    page.click("input[name=confirm]")

    expect(page.locator("ul.messagelist li.success")).to_contain_text("authorised for payment")
    screenshot("authorised")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID


def test_finance_attach_a_declaration_found_by_trn_from_the_statement_page(page: Page, sign_in, screenshot):
    provider = LeadProviderFactory.create(name="Ambition Institute")
    record = TrainingRecordFactory.create(
        participant=ParticipantFactory.create(full_name="Katherine Johnson", trn="7654321"),
        funding_eligibility=FundingEligibility.ELIGIBLE,
    )
    declaration = DeclarationFactory.create(training_record=record, lead_provider=provider)  # submitted, missed
    statement = StatementFactory.create(
        lead_provider=provider, cohort=declaration.cohort, cut_off=clock.today() + dt.timedelta(days=30)
    )
    BandFactory.create(contract=statement.contract, per_participant=Decimal("1000"))

    sign_in("finance")
    page.goto(f"/admin/finance/statement/{statement.pk}/change/")
    page.get_by_role("link", name="Attach a declaration that missed its statement").click()
    page.fill("#id_q", "7654321")
    page.click("#declaration-search input[type=submit]")
    page.get_by_label("Katherine Johnson (TRN 7654321)", exact=False).check()
    page.click("input[name=preview]")
    preview = page.locator(".move-preview")
    expect(preview).to_contain_text("From")
    expect(preview).to_contain_text("no statement")
    expect(preview.locator(".change-to")).to_have_text("+£144.00")
    page.fill("textarea[name=reason]", "Eligibility recorded after the provider declared")
    screenshot("preview")
    page.click("input[name=confirm]")

    expect(page.locator("ul.messagelist li.success")).to_contain_text(f"its payment moved to {statement}")
    declaration.refresh_from_db()
    assert (declaration.payment_statement, declaration.state) == (statement, DeclarationState.ELIGIBLE)
