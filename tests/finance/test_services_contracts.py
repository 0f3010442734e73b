from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from finance.models import Contract, Statement
from finance.services.contracts import contract_copy_as_new_version, next_version, statements_repoint
from tests.finance.factories import BandFactory, ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("version", "following"), [("0.0.1", "0.0.2"), ("1.9", "1.10"), ("v2-rev3", "v2-rev4"), ("draft", "draft.1")]
)
def test_next_version(version, following):
    assert next_version(version) == following


def test_a_copy_takes_the_next_free_version_and_its_bands():
    contract = ContractFactory.create(version="0.0.1")
    BandFactory.create(contract=contract, name="A", max=100)
    BandFactory.create(contract=contract, name="B", min=101, max=200)
    ContractFactory.create(lead_provider=contract.lead_provider, cohort=contract.cohort, version="0.0.2")

    copy = contract_copy_as_new_version(contract=Contract.objects.get(pk=contract.pk))

    assert copy.version == "0.0.3"
    assert sorted(copy.bands.values_list("name", flat=True)) == ["A", "B"]
    assert contract.bands.count() == 2


def test_statements_are_repointed_explicitly_but_paid_ones_stay():
    contract = ContractFactory.create()
    statement = StatementFactory.create(contract=contract, lead_provider=contract.lead_provider, cohort=contract.cohort)
    paid = StatementFactory.create(
        contract=contract, lead_provider=contract.lead_provider, cohort=contract.cohort, paid=True
    )
    newer = contract_copy_as_new_version(contract=Contract.objects.get(pk=contract.pk))

    assert statements_repoint(statements=Statement.objects.filter(pk=statement.pk), contract=newer) == 1
    with pytest.raises(ValidationError):
        statements_repoint(statements=Statement.objects.filter(pk=paid.pk), contract=newer)
    with pytest.raises(ValidationError):
        statements_repoint(statements=Statement.objects.filter(pk=statement.pk), contract=ContractFactory.create())
    statement.refresh_from_db()
    paid.refresh_from_db()
    assert statement.contract == newer
    assert paid.contract_id == contract.pk


def test_a_contract_that_prices_statements_is_read_only_in_the_admin(admin_client):
    contract = ContractFactory.create(set_up_fee=Decimal("10"))
    StatementFactory.create(contract=contract, lead_provider=contract.lead_provider, cohort=contract.cohort)

    page = admin_client.get(reverse("admin:finance_contract_change", args=[contract.pk])).content.decode()

    assert 'name="set_up_fee"' not in page
