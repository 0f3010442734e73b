"""The statement invariants (finance.services.integrity): `manage.py check_finance_integrity` passes on the
seeded sandbox and reports each crafted violation; the daily jobs run the check; authorising a statement that
fails it is refused."""

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from ecf import clock
from ecf.choices import DeclarationState
from ecf.models import Declaration
from finance.choices import StatementStatus
from finance.models import Adjustment, Statement
from finance.services.statements import statement_authorise_payment
from tests.ecf.factories import CohortFactory, DeclarationFactory, LeadProviderFactory
from tests.finance.factories import ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db


def check() -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("check_finance_integrity", stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_the_seeded_sandbox_passes() -> None:
    with override_settings(SANDBOX=True):
        call_command("seed_sandbox", stdout=io.StringIO())
    assert Declaration.objects.filter(payment_statement__isnull=False).exists()

    output, error = check()

    assert (output, error) == ("Finance integrity: no violations.\n", None)


def _other_providers_statement(declaration: Declaration, **fields: object) -> Statement:
    return StatementFactory.create(cohort=declaration.cohort, **fields)


def _other_cohorts_statement(declaration: Declaration, **fields: object) -> Statement:
    return StatementFactory.create(
        lead_provider=declaration.lead_provider, cohort=CohortFactory.create(start_year=2030), **fields
    )


def _contract_of_another_provider() -> str:
    statement = StatementFactory.create()
    other = ContractFactory.create(cohort=statement.cohort)
    Statement.objects.filter(pk=statement.pk).update(contract=other)
    return f"statement_contract_books: statement {statement.pk} "


def _contract_of_another_cohort() -> str:
    statement = StatementFactory.create()
    other = ContractFactory.create(lead_provider=statement.lead_provider, cohort=CohortFactory.create(start_year=2031))
    Statement.objects.filter(pk=statement.pk).update(contract=other)
    return f"statement_contract_books: statement {statement.pk} "


def _moved(declaration: Declaration, **fields: object) -> None:
    Declaration.objects.filter(pk=declaration.pk).update(**fields)


def _payment_on_another_providers_statement() -> str:
    declaration = DeclarationFactory.create(eligible=True)
    _moved(declaration, payment_statement=_other_providers_statement(declaration))
    return f"declaration_payment_statement_books: declaration {declaration.pk}: "


def _payment_on_another_cohorts_statement() -> str:
    declaration = DeclarationFactory.create(eligible=True)
    _moved(declaration, payment_statement=_other_cohorts_statement(declaration))
    return f"declaration_payment_statement_books: declaration {declaration.pk}: "


def _clawback_on_another_providers_statement() -> str:
    declaration = DeclarationFactory.create(awaiting_clawback=True)
    _moved(declaration, clawback_statement=_other_providers_statement(declaration))
    return f"declaration_clawback_statement_books: declaration {declaration.pk}: "


def _payment_on_a_service_fee_statement() -> str:
    declaration = DeclarationFactory.create(eligible=True)
    Statement.objects.filter(paid_declarations=declaration).update(output_fee=False)
    return f"declaration_payment_statement_output: declaration {declaration.pk}: "


def _eligible_on_a_paid_statement() -> str:
    declaration = DeclarationFactory.create(paid=True)
    _moved(declaration, state=DeclarationState.ELIGIBLE)
    return f"declaration_state_statement_status: declaration {declaration.pk}: eligible but its payment statement"


def _payable_on_an_open_statement() -> str:
    declaration = DeclarationFactory.create(eligible=True)
    _moved(declaration, state=DeclarationState.PAYABLE)
    return f"declaration_state_statement_status: declaration {declaration.pk}: payable but its payment statement"


def _paid_on_a_payable_statement() -> str:
    declaration = DeclarationFactory.create(payable=True)
    _moved(declaration, state=DeclarationState.PAID)
    return f"declaration_state_statement_status: declaration {declaration.pk}: paid but its payment statement"


def _awaiting_clawback_on_a_paid_statement() -> str:
    declaration = DeclarationFactory.create(awaiting_clawback=True)
    Statement.objects.filter(clawed_back_declarations=declaration).update(
        status=StatementStatus.PAID, marked_as_paid_at=timezone.now()
    )
    return f"declaration_state_statement_status: declaration {declaration.pk}: awaiting clawback"


def _clawed_back_on_an_open_statement() -> str:
    declaration = DeclarationFactory.create(clawed_back=True)
    Statement.objects.filter(clawed_back_declarations=declaration).update(
        status=StatementStatus.OPEN, marked_as_paid_at=None
    )
    return f"declaration_state_statement_status: declaration {declaration.pk}: clawed-back but its clawback"


def _adjustment_after_payment() -> str:
    statement = StatementFactory.create(paid=True)
    adjustment = Adjustment.objects.create(statement=statement, description="Late", amount=10)
    assert statement.marked_as_paid_at is not None
    Adjustment.objects.filter(pk=adjustment.pk).update(created_at=statement.marked_as_paid_at + dt.timedelta(days=1))
    return f"paid_statement_adjustment: adjustment {adjustment.pk}: "


VIOLATIONS = [
    _contract_of_another_provider,
    _contract_of_another_cohort,
    _payment_on_another_providers_statement,
    _payment_on_another_cohorts_statement,
    _clawback_on_another_providers_statement,
    _payment_on_a_service_fee_statement,
    _eligible_on_a_paid_statement,
    _payable_on_an_open_statement,
    _paid_on_a_payable_statement,
    _awaiting_clawback_on_a_paid_statement,
    _clawed_back_on_an_open_statement,
    _adjustment_after_payment,
]


@pytest.mark.parametrize("craft", VIOLATIONS, ids=lambda craft: craft.__name__.strip("_"))
def test_each_crafted_violation_is_reported_and_fails_the_command(craft: Callable[[], str]) -> None:
    DeclarationFactory.create(paid=True)  # sound books beside it report nothing
    expected = craft()

    output, error = check()

    assert error is not None
    assert error.returncode == 1
    assert str(error) == "1 finance integrity violation(s)."
    assert output.startswith(expected), output
    assert output.count("\n") == 1


def test_the_daily_jobs_run_the_check_and_fail_on_a_violation(caplog: pytest.LogCaptureFixture) -> None:
    expected = _payment_on_another_providers_statement()
    out = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("run_daily_jobs", stdout=out)

    assert str(failure.value).endswith("failed: check_finance_integrity.")
    assert f"check_finance_integrity: FAILED, FinanceIntegrityError: 1 violation(s), the first: {expected}" in (
        out.getvalue()
    )
    assert f"Finance integrity violation: {expected}" in caplog.text


def test_authorising_a_statement_that_fails_the_check_is_refused() -> None:
    provider, cohort = LeadProviderFactory.create(), CohortFactory.create(start_year=2024)
    statement = StatementFactory.create(
        lead_provider=provider, cohort=cohort, payable=True, deadline_date=dt.date(2025, 1, 31)
    )
    stray = DeclarationFactory.create(payable=True)  # another provider's declaration, put on this statement
    _moved(stray, payment_statement=statement)

    with clock.acting_at(dt.datetime(2025, 2, 10, 12, tzinfo=dt.UTC)), pytest.raises(ValidationError) as error:
        statement_authorise_payment(statement=statement, authorised_by="ann", reason="Checked")

    assert error.value.code == "integrity"
    assert f"declaration {stray.pk}" in error.value.messages[0]
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYABLE
