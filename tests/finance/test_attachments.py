"""Finance staff attach a declaration that missed its statement, with a reason kept in its history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ecf.choices import DeclarationState
from finance.choices import StatementStatus
from finance.services.attachments import declaration_attach_to_statement
from tests.ecf.factories import DeclarationFactory
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db


def _open_statement_for(declaration, **fields):
    return StatementFactory.create(lead_provider=declaration.lead_provider, cohort=declaration.cohort, **fields)


def test_a_submitted_declaration_attached_for_payment_becomes_eligible():
    declaration = DeclarationFactory.create()
    statement = _open_statement_for(declaration)

    declaration_attach_to_statement(declaration=declaration, statement=statement, reason="Missed", moved_by="ann")

    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.ELIGIBLE
    assert declaration.payment_statement == statement
    assert declaration.history.first().history_change_reason == f"payment moved to {statement.name} by ann: Missed"


def test_a_clawback_moves_to_another_open_statement():
    declaration = DeclarationFactory.create(awaiting_clawback=True)
    statement = _open_statement_for(declaration)

    declaration_attach_to_statement(
        declaration=declaration, statement=statement, clawback=True, reason="Wrong month", moved_by="ann"
    )

    declaration.refresh_from_db()
    assert declaration.clawback_statement == statement
    assert declaration.state == DeclarationState.AWAITING_CLAWBACK


@pytest.mark.parametrize(
    ("traits", "statement_fields", "clawback", "reason", "fields"),
    [
        ({"paid": True}, {}, False, "r", {"declaration"}),
        ({}, {}, True, "r", {"declaration"}),
        ({}, {"status": StatementStatus.PAYABLE}, False, "r", {"statement"}),
        ({}, {"output_fee": False}, False, "r", {"statement"}),
        ({}, {}, False, " ", {"reason"}),
    ],
)
def test_moves_that_are_refused(traits, statement_fields, clawback, reason, fields):
    declaration = DeclarationFactory.create(**traits)
    statement = _open_statement_for(declaration, **statement_fields)
    before = declaration.history.count()

    with pytest.raises(ValidationError) as error:
        declaration_attach_to_statement(
            declaration=declaration, statement=statement, clawback=clawback, reason=reason, moved_by="ann"
        )

    assert set(error.value.message_dict) == fields
    assert declaration.history.count() == before


def test_another_providers_statement_is_refused():
    declaration = DeclarationFactory.create()

    with pytest.raises(ValidationError):
        declaration_attach_to_statement(
            declaration=declaration, statement=StatementFactory.create(), reason="r", moved_by="ann"
        )


def test_the_statement_page_attaches_a_declaration(admin_client):
    declaration = DeclarationFactory.create()
    statement = _open_statement_for(declaration)
    url = reverse("admin:finance_statement_attach", args=[statement.pk])

    assert (
        "Attach a declaration"
        in admin_client.get(reverse("admin:finance_statement_change", args=[statement.pk])).content.decode()
    )
    response = admin_client.post(url, {"declaration": declaration.pk, "reason": "Missed the cut-off"})

    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.payment_statement == statement
