"""The statement list and page as finance staff read them: current work first, money as £20,000.00, a total per
row priced in a fixed number of queries, links to the statement's declarations and per-statement CSV exports
named by provider, cohort and month, with formula-like text made inert."""

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecf.choices import DeclarationState, DeclarationType
from ecf.money import format_money
from finance.choices import StatementStatus
from finance.models import Statement
from finance.services.statements import statement_breakdown, statement_totals
from tests.backoffice import sign_in
from tests.ecf.factories import (
    CohortFactory,
    DeclarationFactory,
    LeadProviderFactory,
    ParticipantFactory,
    TrainingRecordFactory,
)
from tests.finance.factories import AdjustmentFactory, BandFactory, ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:finance_statement_changelist")
TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def today(time_machine: Any) -> dt.date:
    time_machine.move_to(dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC), tick=False)
    return TODAY


@pytest.fixture
def finance() -> Client:
    client = Client()
    sign_in(client, "finance")
    return client


def statement(deadline: dt.date, status: str = StatementStatus.OPEN, **kwargs: Any) -> Statement:
    """A statement whose cut-off is `deadline`, paid 25 days later, with a band to price declarations."""
    made = StatementFactory.create(
        cut_off=deadline,
        status=status,
        marked_as_paid_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) if status == StatementStatus.PAID else None,
        **kwargs,
    )
    BandFactory.create(contract=made.contract, max=2000, per_participant=Decimal("1000"))
    return made


def declare(on: Statement, state: str = DeclarationState.PAYABLE, **kwargs: Any) -> None:
    DeclarationFactory.create(
        training_record=TrainingRecordFactory.create(cohort=on.cohort, **kwargs.pop("record", {})),
        lead_provider=on.lead_provider,
        payment_statement=on,
        state=state,
        **kwargs,
    )


def listed(response: Any) -> set[Statement]:
    return set(response.context["cl"].result_list)


def test_the_list_opens_on_current_work(finance: Client, today: dt.date) -> None:
    waiting = statement(dt.date(2026, 4, 30), StatementStatus.PAYABLE)  # old, but still awaiting authorisation
    taking = statement(today + dt.timedelta(days=27))  # open, cut-off this month
    soon = statement(today + dt.timedelta(days=58))  # open, cut-off within two months
    later = statement(today + dt.timedelta(days=120))  # open, months away
    paid = statement(today - dt.timedelta(days=40), StatementStatus.PAID)

    opened = finance.get(LIST)
    everything = finance.get(LIST, {"work": "all"})
    by_status = finance.get(LIST, {"status__exact": StatementStatus.PAID})

    assert listed(opened) == {waiting, taking, soon}
    assert [s.pk for s in opened.context["cl"].result_list] == [waiting.pk, taking.pk, soon.pk]  # soonest first
    assert listed(everything) == {waiting, taking, soon, later, paid}
    assert listed(by_status) == {paid}  # another filter looks at every statement


def test_each_row_shows_month_name_dates_status_and_formatted_total(finance: Client, today: dt.date) -> None:
    shown = statement(dt.date(2026, 11, 30), StatementStatus.PAYABLE)
    for _ in range(3):
        declare(shown)
    AdjustmentFactory.create(statement=shown, amount=Decimal("25000"))
    total = statement_breakdown(statement=shown).total

    page = finance.get(LIST).content.decode()

    row = page[page.index(f'href="{reverse("admin:finance_statement_change", args=[shown.pk])}') :]
    row = row[: row.index("</tr>")]
    for text in ("December 2026", "30 Nov 2026", "25 Dec 2026", "Payable", format_money(total)):
        assert text in row, text
    assert total > 1000
    assert "," in format_money(total)  # thousands are separated


def test_a_paid_row_shows_the_total_it_was_paid_with(finance: Client, today: dt.date) -> None:
    paid = statement(dt.date(2026, 10, 31), StatementStatus.PAID)
    paid.paid_breakdown = {"total": "-1234.564"}
    paid.save()

    page = finance.get(LIST, {"work": "all"}).content.decode()

    assert "\u2212£1,234.56" in page


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"work": "all"})
    assert response.status_code == 200
    return len(queries)


def test_pricing_the_rows_costs_the_same_queries_for_two_statements_or_twelve(finance: Client, today: dt.date) -> None:
    """Totals are priced together (finance.services.statements.statement_totals): four queries for the page,
    however many rows and whatever their providers and cohorts."""
    for _ in range(2):
        declare(statement(dt.date(2026, 11, 30), StatementStatus.PAYABLE))
    few = _queries(finance)
    for _ in range(10):
        made = statement(dt.date(2026, 11, 30), StatementStatus.PAYABLE)
        declare(made)
        AdjustmentFactory.create(statement=made, amount=Decimal("10"))
    many = _queries(finance)

    assert few == many


@pytest.mark.parametrize("count", [1, 12])
def test_statement_totals_cost_four_queries_for_any_number_of_statements(django_assert_num_queries, count: int) -> None:
    """The provider-cohort books' statements, the declarations on them (one aggregate), the contracts' bands and
    the adjustments; paid statements cost nothing (their kept figure)."""
    made = [statement(dt.date(2026, 11, 30), StatementStatus.PAYABLE) for _ in range(count)]
    for each in made:
        declare(each)
        AdjustmentFactory.create(statement=each, amount=Decimal("10"))
    paid = statement(dt.date(2026, 10, 31), StatementStatus.PAID)
    paid.paid_breakdown = {"total": "7.00"}
    paid.save()
    made.append(paid)
    loaded = list(Statement.objects.filter(pk__in=[s.pk for s in made]).select_related("lead_provider", "contract"))

    with django_assert_num_queries(4):
        totals = statement_totals(statements=loaded)

    assert totals == {s.pk: statement_breakdown(statement=s).total for s in loaded if s != paid} | {
        paid.pk: Decimal("7.00")
    }


def test_the_statement_page_links_to_its_declarations_and_exports(finance: Client, today: dt.date) -> None:
    shown = statement(dt.date(2026, 11, 30), StatementStatus.PAYABLE)
    declare(shown)
    earlier = statement(dt.date(2026, 10, 31), StatementStatus.PAID)
    DeclarationFactory.create(
        training_record=TrainingRecordFactory.create(cohort=shown.cohort),
        lead_provider=shown.lead_provider,
        payment_statement=earlier,
        clawback_statement=shown,
        state=DeclarationState.AWAITING_CLAWBACK,
        voided_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    other = statement(dt.date(2026, 11, 30), StatementStatus.PAYABLE)
    declare(other)

    page = finance.get(reverse("admin:finance_statement_change", args=[shown.pk]))
    links = page.context["statement_links"]
    paid_on_it = finance.get(links["paid_on_it"])
    clawed_back_on_it = finance.get(links["clawed_back_on_it"])

    for url in links.values():
        assert f'href="{url}"' in page.content.decode()
    assert {d.payment_statement_id for d in paid_on_it.context["cl"].result_list} == {shown.pk}
    assert f'<li class="selected">\n    <a href="?payment_statement={shown.pk}"' in paid_on_it.content.decode()
    assert [d.state for d in clawed_back_on_it.context["cl"].result_list] == [DeclarationState.AWAITING_CLAWBACK]
    assert finance.get(links["export_declarations"])["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("value", ["not-a-uuid", "7c9e6679-7425-40de-944b-e07fc1f90ae7"])
def test_a_declaration_list_filtered_by_a_wrong_statement_is_not_an_error(finance: Client, value: str) -> None:
    response = finance.get(reverse("admin:ecf_declaration_changelist"), {"payment_statement": value}, follow=True)

    assert response.status_code == 200


def _filename(response: Any) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


@pytest.mark.parametrize("kind", ["declarations", "breakdown"])
def test_two_statements_of_one_provider_and_month_export_to_different_names(finance: Client, kind: str) -> None:
    provider = LeadProviderFactory.create(name="Ambition Institute")
    names = []
    for year in (2024, 2025):
        cohort = CohortFactory.create(start_year=year)
        made = StatementFactory.create(
            lead_provider=provider,
            cohort=cohort,
            contract=ContractFactory.create(lead_provider=provider, cohort=cohort),
            year=2026,
            month=10,
            deadline_date=dt.date(2026, 9, 30),
            payment_date=dt.date(2026, 10, 25),
        )
        names.append(_filename(finance.get(reverse("admin:finance_statement_export", args=[made.pk, kind]))))

    assert names == [
        f"ambition-institute-2024-cohort-october-2026-{kind}.csv",
        f"ambition-institute-2025-cohort-october-2026-{kind}.csv",
    ]


def test_an_unknown_export_is_a_404_and_admin_staff_are_refused(finance: Client) -> None:
    made = StatementFactory.create()
    admin_staff = Client()
    sign_in(admin_staff, "admin")

    assert finance.get(reverse("admin:finance_statement_export", args=[made.pk, "everything"])).status_code == 404
    assert admin_staff.get(reverse("admin:finance_statement_export", args=[made.pk, "breakdown"])).status_code == 403


def _rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_formula_like_text_is_made_inert_and_negative_amounts_stay_numbers(finance: Client) -> None:
    paid = StatementFactory.create(
        status=StatementStatus.PAID, marked_as_paid_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    BandFactory.create(contract=paid.contract, max=2000, per_participant=Decimal("1000"))
    clawing = StatementFactory.create(lead_provider=paid.lead_provider, cohort=paid.cohort, contract=paid.contract)
    names = ['=HYPERLINK("http://evil.example","x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "Ada"]
    for name in names:
        DeclarationFactory.create(
            training_record=TrainingRecordFactory.create(
                cohort=paid.cohort, participant=ParticipantFactory.create(full_name=name)
            ),
            lead_provider=paid.lead_provider,
            declaration_type=DeclarationType.STARTED,
            payment_statement=paid,
            clawback_statement=clawing,
            state=DeclarationState.AWAITING_CLAWBACK,
            voided_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
        )
    AdjustmentFactory.create(statement=clawing, amount=Decimal("-12.50"))

    declarations = _rows(finance.get(reverse("admin:finance_statement_export", args=[clawing.pk, "declarations"])))
    breakdown = _rows(finance.get(reverse("admin:finance_statement_export", args=[clawing.pk, "breakdown"])))

    assert sorted(row[2] for row in declarations[1:]) == sorted(name if name == "Ada" else "'" + name for name in names)
    amounts = {row[1]: row[6] for row in breakdown if row[0] == "ECTs"}
    assert amounts["Adjustments"] == "-12.50"
    assert amounts["Clawbacks total"] == "-840.00"  # seven starts in band A: 7 * 1000 * 60% * 20%
