import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from finance.calendars import statement_calendar
from finance.models import Statement
from tests.ecf.factories import CohortFactory, LeadProviderFactory
from tests.finance.factories import ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_generate_statements_for_every_provider_with_a_contract():
    cohort = CohortFactory.create(start_year=2025)
    with_contract, without = LeadProviderFactory.create(), LeadProviderFactory.create()
    ContractFactory.create(lead_provider=with_contract, cohort=cohort, ittecf=True)

    output = run("generate_statements", "--cohort", "2025")

    assert f"{with_contract.name}: {len(statement_calendar(2025))} statement(s)" in output
    assert not Statement.objects.filter(lead_provider=without).exists()
    assert "0 statement(s)" in run("generate_statements", "--cohort", "2025", "--lead-provider", with_contract.name)


def test_output_months_can_be_chosen():
    cohort = CohortFactory.create(start_year=2025)
    provider = LeadProviderFactory.create()
    ContractFactory.create(lead_provider=provider, cohort=cohort, ittecf=True)

    run("generate_statements", "--cohort", "2025", "--output-months", "1,4,8,11")

    output = Statement.objects.filter(lead_provider=provider, output_fee=True)
    assert set(output.values_list("month", flat=True)) == {1, 4, 8, 11}


@pytest.mark.parametrize(
    "args",
    [
        ("--cohort", "1999"),
        ("--cohort", "2025", "--lead-provider", "Nobody"),
        ("--cohort", "2025", "--output-months", "13"),
        ("--cohort", "2025", "--output-months", "jan"),
    ],
)
def test_generate_statements_errors(args):
    CohortFactory.create(start_year=2025)
    with pytest.raises(CommandError):
        run("generate_statements", *args)


def test_mark_statements_payable():
    StatementFactory.create(year=2025, month=2, deadline_date=dt.date(2025, 1, 31), payment_date=dt.date(2025, 2, 25))

    assert run("mark_statements_payable") == "1 statement(s) moved to payable.\n"
    assert run("mark_statements_payable") == "0 statement(s) moved to payable.\n"
