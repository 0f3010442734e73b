"""GET /api/v3/statements/{id}/breakdown: the figures the finance team sees, for the provider's own statement."""

import datetime as dt
from decimal import Decimal

import pytest

from ecf import clock
from ecf.choices import DeclarationState
from finance.choices import StatementStatus
from finance.services.statements import statement_authorise_payment
from tests.ecf.factories import CohortFactory, DeclarationFactory, TrainingRecordFactory
from tests.finance.factories import BandFactory, ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(lead_provider):
    lead_provider.vat_registered = True
    lead_provider.save()
    cohort = CohortFactory.create(start_year=2024)
    contract = ContractFactory.create(
        lead_provider=lead_provider, cohort=cohort, recruitment_target=6000, set_up_fee=Decimal("149651")
    )
    for name, low, high, price in [("A", None, 2, "400"), ("B", 3, 4, "300"), ("C", 5, 6, "200"), ("D", 7, 8, "100")]:
        BandFactory.create(contract=contract, name=name, min=low, max=high, per_participant=Decimal(price))
    statement = StatementFactory.create(
        lead_provider=lead_provider,
        cohort=cohort,
        contract=contract,
        year=2025,
        month=2,
        deadline_date=dt.date(2025, 1, 31),
        payment_date=dt.date(2025, 2, 25),
    )
    DeclarationFactory.create(
        training_record=TrainingRecordFactory.create(cohort=cohort),
        lead_provider=lead_provider,
        payment_statement=statement,
        state=DeclarationState.PAYABLE,
        sparsity_uplift=True,
    )
    return statement


def test_breakdown_shows_every_line(api_client, statement):
    response = api_client.get(f"/api/v3/statements/{statement.pk}/breakdown")

    assert response.status_code == 200
    data = response.json_body["data"]
    assert data["id"] == str(statement.pk)
    assert data["type"] == "statement-breakdown"
    ects = data["attributes"]["ects"]
    assert ects["output_lines"] == [
        {"declaration_type": "started", "band": "A", "count": 1, "fee": "48.00", "subtotal": "48.00"}
    ]
    assert ects["service_fee"] == "-5132.79"
    assert ects["uplift_fee"] == "100.00"
    assert data["attributes"]["total"] == "-5981.75"
    assert data["attributes"]["mentors"] is None
    assert data["attributes"]["declaration_counts"] == {"payable": 1}
    assert data["attributes"]["figures_as_paid"] is False


def test_a_paid_statement_shows_the_figures_it_was_paid_with(api_client, statement):
    statement.status = StatementStatus.PAYABLE
    statement.save()
    with clock.acting_at(dt.datetime(2025, 2, 10, 12, tzinfo=dt.UTC)):
        statement_authorise_payment(statement=statement)
    statement.contract.bands.filter(name="A").update(per_participant=Decimal("1000"))  # later contract edits

    attributes = api_client.get(f"/api/v3/statements/{statement.pk}/breakdown").json_body["data"]["attributes"]

    assert attributes["paid"] is True
    assert attributes["figures_as_paid"] is True
    assert attributes["total"] == "-5981.75"


def test_another_providers_statement_breakdown_is_not_found(other_api_client, statement):
    assert other_api_client.get(f"/api/v3/statements/{statement.pk}/breakdown").status_code == 404
