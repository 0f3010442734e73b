"""Finance staff void a declaration for its lead provider from the declaration list, through the API's own
service (finance.services.declarations.declaration_void); Admin staff are not offered it."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ecf import clock
from ecf.choices import DeclarationState
from ecf.models import Declaration
from finance.services.declarations import ALREADY_VOIDED, NO_OUTPUT_STATEMENT
from tests.backoffice import messages_of, sign_in
from tests.ecf.factories import DeclarationFactory, LeadProviderFactory
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

DECLARATIONS = reverse("admin:ecf_declaration_changelist")
NOTE = "Provider's email: declared in error"


@pytest.fixture
def finance(client: Client) -> User:
    return sign_in(client, "finance")


def confirm(client: Client, *declarations: Declaration, note: str = NOTE):
    return client.post(
        DECLARATIONS,
        {"action": "void_for_provider", "_selected_action": [d.pk for d in declarations], "note": note, "confirm": "1"},
        follow=True,
    )


def eligible_declaration() -> Declaration:
    return DeclarationFactory.create(eligible=True, lead_provider=LeadProviderFactory.create(name="Ambition Institute"))


def test_void_first_shows_the_declaration_and_asks_why(client, finance):
    declaration = eligible_declaration()

    response = client.post(DECLARATIONS, {"action": "void_for_provider", "_selected_action": [declaration.pk]})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/finance/declaration_void.html"
    page = response.content.decode()
    assert str(declaration.pk) in page
    assert "Ambition Institute" in page
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.ELIGIBLE


def test_a_confirmed_void_is_the_providers_own_and_names_the_staff_member(client, finance):
    declaration = eligible_declaration()

    response = confirm(client, declaration)

    assert messages_of(response) == [f"Declaration {declaration.pk}: voided."]
    declaration.refresh_from_db()
    assert (declaration.state, declaration.payment_statement, declaration.voided_by) == (
        DeclarationState.VOIDED,
        None,
        finance,
    )
    history = declaration.history.first()
    assert history.history_change_reason == f"admin finance@example.com for Ambition Institute: {NOTE}"
    assert history.history_user == finance


def test_a_paid_declaration_awaits_clawback_on_the_providers_next_statement(client, finance):
    declaration = DeclarationFactory.create(paid=True)
    next_statement = StatementFactory.create(
        lead_provider=declaration.lead_provider,
        cohort=declaration.cohort,
        cut_off=clock.today() + dt.timedelta(days=10),
    )

    response = confirm(client, declaration)

    assert messages_of(response) == [
        f"Declaration {declaration.pk}: paid, so it awaits clawback on {next_statement.name}."
    ]
    declaration.refresh_from_db()
    assert (declaration.state, declaration.clawback_statement) == (DeclarationState.AWAITING_CLAWBACK, next_statement)


def test_a_refused_void_shows_the_services_message_and_changes_nothing(client, finance):
    declaration = DeclarationFactory.create(voided=True)
    history_rows = declaration.history.count()

    response = confirm(client, declaration)

    assert messages_of(response) == [f"Declaration {declaration.pk}: {ALREADY_VOIDED}"]
    assert declaration.history.count() == history_rows
    declaration.refresh_from_db()
    assert declaration.voided_by is None


def test_a_paid_declaration_with_no_statement_left_for_its_clawback_is_refused(client, finance):
    declaration = DeclarationFactory.create(paid=True)

    response = confirm(client, declaration)

    assert messages_of(response) == [
        f"Declaration {declaration.pk}: {NO_OUTPUT_STATEMENT.format(year=declaration.cohort.start_year)}"
    ]
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.PAID


def test_each_selected_declaration_is_voided_or_refused_on_its_own(client, finance):
    voidable, voided = eligible_declaration(), DeclarationFactory.create(voided=True)

    response = confirm(client, voidable, voided)

    assert sorted(messages_of(response)) == sorted(
        [f"Declaration {voidable.pk}: voided.", f"Declaration {voided.pk}: {ALREADY_VOIDED}"]
    )
    voidable.refresh_from_db()
    assert voidable.state == DeclarationState.VOIDED


def test_without_a_note_the_question_is_asked_again(client, finance):
    declaration = eligible_declaration()

    response = client.post(
        DECLARATIONS, {"action": "void_for_provider", "_selected_action": [declaration.pk], "confirm": "1"}
    )

    assert response.context["form"].errors == {"note": ["This field is required."]}
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.ELIGIBLE


def offered_actions(client: Client) -> set[str]:
    response = client.get(DECLARATIONS)
    assert response.status_code == 200
    action_form = response.context["action_form"]  # None when no action is offered
    return {value for value, _ in action_form.fields["action"].choices if value} if action_form else set()


def test_finance_staff_are_offered_the_void(client, finance):
    assert "void_for_provider" in offered_actions(client)


def test_admin_staff_are_not_offered_the_void(client):
    sign_in(client, "admin")

    assert "void_for_provider" not in offered_actions(client)


def test_a_void_posted_by_admin_staff_is_refused(client):
    sign_in(client, "admin")
    declaration = eligible_declaration()

    response = confirm(client, declaration)

    assert "admin/finance/declaration_void.html" not in [template.name for template in response.templates]
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.ELIGIBLE
    assert declaration.history.count() == 1
