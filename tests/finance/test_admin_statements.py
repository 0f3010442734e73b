"""The finance back office: a statement's page shows every line of the money, and finance staff
authorise payment from the statement list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecf.choices import DeclarationState
from ecf.models import Declaration
from ecf.money import format_money
from finance.choices import StatementStatus
from finance.models import Adjustment
from finance.services.contracts import contract_copy_as_new_version
from finance.services.statements import statement_breakdown
from tests.ecf.factories import DeclarationFactory, TrainingRecordFactory
from tests.finance.factories import BandFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def payable_statement():
    statement = StatementFactory.create(
        year=2025,
        month=2,
        deadline_date=dt.date(2025, 1, 31),
        payment_date=dt.date(2025, 2, 25),
        status=StatementStatus.PAYABLE,
    )
    BandFactory.create(contract=statement.contract, max=2000, per_participant=Decimal("1000"))
    DeclarationFactory.create(
        training_record=TrainingRecordFactory.create(cohort=statement.cohort),
        lead_provider=statement.lead_provider,
        payment_statement=statement,
        state=DeclarationState.PAYABLE,
    )
    return statement


def _staff(*permissions: str) -> User:
    user = User.objects.create_user("finance", password="x", is_staff=True)
    for codename in ("view_statement", "change_statement", *permissions):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def test_the_statement_page_shows_every_line(admin_client, payable_statement):
    page = admin_client.get(reverse("admin:finance_statement_change", args=[payable_statement.pk])).content.decode()

    assert "What this statement pays" in page
    assert "£120.00" in page  # one start in band A: 1000 * 60% * 20%
    assert "Service fee" in page
    assert "Statement total" in page


def _authorise(client, statement, **data):
    return client.post(
        reverse("admin:finance_statement_changelist"),
        {"action": "authorise_for_payment", "_selected_action": [statement.pk], **data},
        follow=True,
    )


def test_authorising_first_shows_the_totals_and_the_declarations_it_pays(client, payable_statement):
    client.force_login(_staff("authorise_payment"))
    declaration = payable_statement.paid_declarations.select_related("participant").get()

    response = _authorise(client, payable_statement)

    assert "admin/finance/statement_authorise.html" in [template.name for template in response.templates]
    page = response.content.decode()
    total = format_money(statement_breakdown(statement=payable_statement).total)
    assert f"Statement total: {total}" in page
    assert declaration.participant.full_name in page
    assert str(declaration.pk) in page
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAYABLE


def test_finance_staff_authorise_payment_with_a_reason(client, payable_statement):
    client.force_login(_staff("authorise_payment"))

    response = _authorise(client, payable_statement, checks_done="on", reason="Assurance done", confirm="1")

    assert "authorised for payment" in response.content.decode()
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAID
    assert payable_statement.paid_declarations.get().state == DeclarationState.PAID
    assert (
        payable_statement.history.first().history_change_reason == "Authorised for payment by finance: Assurance done"
    )


def test_authorising_needs_the_check_and_a_reason(client, payable_statement):
    client.force_login(_staff("authorise_payment"))

    response = _authorise(client, payable_statement, reason="", confirm="1")

    assert "admin/finance/statement_authorise.html" in [template.name for template in response.templates]
    assert response.context["form"].errors.keys() == {"checks_done", "reason"}
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAYABLE


def test_a_statement_failing_the_integrity_check_is_shown_and_refused(client, payable_statement):
    client.force_login(_staff("authorise_payment"))
    stray = DeclarationFactory.create(payable=True)  # another provider's declaration, put on this statement
    Declaration.objects.filter(pk=stray.pk).update(payment_statement=payable_statement)

    page = _authorise(client, payable_statement).content.decode()
    response = _authorise(client, payable_statement, checks_done="on", reason="Checked", confirm="1")

    assert f"declaration {stray.pk}" in page
    assert "Cannot be authorised" in page
    assert "fails the finance integrity check" in response.content.decode()
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAYABLE


def test_staff_without_the_permission_cannot_authorise(client, payable_statement):
    client.force_login(_staff())

    page = client.get(reverse("admin:finance_statement_changelist")).content.decode()
    client.post(
        reverse("admin:finance_statement_changelist"),
        {"action": "authorise_for_payment", "_selected_action": [payable_statement.pk]},
    )

    assert "authorise_for_payment" not in page
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAYABLE


def test_a_paid_statement_takes_no_new_adjustments(admin_client):
    statement = StatementFactory.create(paid=True)

    response = admin_client.post(
        reverse("admin:finance_adjustment_add"),
        {"statement": statement.pk, "description": "Late correction", "amount": "10.00"},
    )

    assert response.status_code == 200
    assert "A paid statement cannot take new adjustments." in response.content.decode()
    assert not Adjustment.objects.exists()


def _export(admin_client, url_name, action, pk):
    return admin_client.post(reverse(url_name), {"action": action, "_selected_action": [pk]})


def test_export_declarations_with_band_and_fee(admin_client, payable_statement):
    response = _export(admin_client, "admin:finance_statement_changelist", "export_declarations", payable_statement.pk)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = response.content.decode().strip().splitlines()
    assert header.startswith("declaration_id,participant_id")
    assert row.endswith(",payable,output,A,120.00")


def test_export_breakdown(admin_client, payable_statement):
    body = _export(admin_client, "admin:finance_statement_changelist", "export_breakdown", payable_statement.pk)

    assert "ECTs and mentors" not in body.content.decode()
    assert "ECTs,Output payment,started,A,1,120.00,120.00" in body.content.decode()


def test_assurance_report_covers_the_providers_cohort(admin_client, payable_statement):
    response = _export(
        admin_client, "admin:finance_contract_changelist", "export_assurance_report", payable_statement.contract.pk
    )

    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("declaration_id,participant_id,participant_name,trn")
    assert len(lines) == 2


def test_pricing_with_the_newest_contract_asks_for_confirmation_and_a_reason(client):
    client.force_login(_staff())
    statement = StatementFactory.create()
    newer = contract_copy_as_new_version(contract=statement.contract)
    chosen = {"action": "price_with_newest_contract", "_selected_action": [statement.pk]}
    url = reverse("admin:finance_statement_changelist") + "?work=all"  # any statement, not only current work

    page = client.post(url, chosen).content.decode()
    statement.refresh_from_db()
    assert str(newer) in page
    assert statement.contract != newer

    client.post(url, {**chosen, "reason": "Band B price corrected", "confirm": "1"})

    statement.refresh_from_db()
    assert statement.contract == newer
    assert statement.history.first().history_change_reason == (
        f"Priced with contract version {newer.version} by finance: Band B price corrected"
    )


def test_the_authorisation_page_reads_a_statements_declarations_in_constant_queries(client, payable_statement):
    client.force_login(_staff("authorise_payment"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _authorise(client, payable_statement).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(3):
        DeclarationFactory.create(
            training_record=TrainingRecordFactory.create(cohort=payable_statement.cohort),
            lead_provider=payable_statement.lead_provider,
            payment_statement=payable_statement,
            state=DeclarationState.PAYABLE,
        )

    assert queries() == one


def test_the_statement_page_leads_to_its_authorisation(client, payable_statement):
    client.force_login(_staff("authorise_payment"))
    url = reverse("admin:finance_statement_authorise", args=[payable_statement.pk])

    statement_page = client.get(reverse("admin:finance_statement_change", args=[payable_statement.pk]))
    review = client.get(url)
    response = client.post(url, {"checks_done": "on", "reason": "Assurance done", "confirm": "1"})

    assert url in statement_page.content.decode()
    assert "admin/finance/statement_authorise.html" in [template.name for template in review.templates]
    assert response.status_code == 302
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAID


def test_the_statement_authorisation_page_needs_the_permission(client, payable_statement):
    client.force_login(_staff())
    url = reverse("admin:finance_statement_authorise", args=[payable_statement.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"checks_done": "on", "reason": "r", "confirm": "1"}).status_code == 403
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAYABLE
