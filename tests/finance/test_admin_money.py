"""Money reads as £20,000.00 wherever the finance back office shows an amount it does not edit."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.finance.factories import AdjustmentFactory, BandFactory, ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_a_priced_contract_and_its_bands_read_as_money(admin_client: Client) -> None:
    contract = ContractFactory.create(set_up_fee=Decimal("12500"), monthly_service_fee=Decimal("-0.001"))
    BandFactory.create(contract=contract, max=2000, per_participant=Decimal("1000"))
    StatementFactory.create(contract=contract, lead_provider=contract.lead_provider, cohort=contract.cohort)

    page = admin_client.get(reverse("admin:finance_contract_change", args=[contract.pk])).content.decode()
    bands = admin_client.get(reverse("admin:finance_band_changelist")).content.decode()

    assert "£12,500.00" in page
    assert "£0.00" in page
    assert "\u2212£0.00" not in page
    assert "£1,000.00" in page
    assert 'name="set_up_fee"' not in page
    assert "£1,000.00" in bands


def test_an_unpriced_contract_keeps_plain_numbers_in_its_inputs(admin_client: Client) -> None:
    contract = ContractFactory.create(set_up_fee=Decimal("12500"))

    page = admin_client.get(reverse("admin:finance_contract_change", args=[contract.pk])).content.decode()

    assert 'name="set_up_fee" value="12500.00"' in page


def test_adjustments_read_as_money_in_the_list_on_their_page_and_on_the_statement(admin_client: Client) -> None:
    adjustment = AdjustmentFactory.create(amount=Decimal("-1234.56"))

    pages = [
        reverse("admin:finance_adjustment_changelist"),
        reverse("admin:finance_adjustment_change", args=[adjustment.pk]),
        reverse("admin:finance_statement_change", args=[adjustment.statement_id]),
    ]

    for url in pages:
        assert "\u2212£1,234.56" in admin_client.get(url).content.decode(), url
