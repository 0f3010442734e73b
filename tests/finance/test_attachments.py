"""Finance staff put statements right (finance.services.attachments): a declaration's payment or clawback moves
to another open statement of its provider and cohort after a preview, with warnings acknowledged and a reason;
an empty open statement is attached to another lead provider. Each through its back-office page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ecf import clock
from ecf.choices import DeclarationState, FundingEligibility
from ecf.models import Declaration
from finance.choices import StatementStatus
from finance.models import Statement
from finance.services.attachments import (
    ACKNOWLEDGE,
    MONTH_TAKEN,
    NO_CONTRACT,
    NOT_ATTACHABLE,
    NOT_FUNDED,
    RECORD_ELIGIBILITY_FIRST,
    declaration_attach_to_statement,
    declaration_move_preview,
    statement_attach_to_provider,
)
from finance.services.statements import statement_breakdown
from tests.backoffice import messages_of, sign_in
from tests.ecf.factories import (
    DeclarationFactory,
    LeadProviderFactory,
    ParticipantFactory,
    TrainingRecordFactory,
)
from tests.finance.factories import AdjustmentFactory, BandFactory, ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db

DECLARATIONS = reverse("admin:ecf_declaration_changelist")
# Every statement, not only current work (the list's default): actions run on the rows of the list they are posted from.
STATEMENTS = reverse("admin:finance_statement_changelist") + "?work=all"


def _open_statement_for(declaration: Declaration, **fields: object) -> Statement:
    """An open statement of the declaration's provider and cohort, its cut-off a month ahead."""
    return StatementFactory.create(
        lead_provider=declaration.lead_provider,
        cohort=declaration.cohort,
        **{"cut_off": clock.today() + dt.timedelta(days=30), **fields},
    )


def _declaration(eligibility: str = FundingEligibility.ELIGIBLE, **traits: object) -> Declaration:
    record = TrainingRecordFactory.create(
        funding_eligibility=eligibility, participant=ParticipantFactory.create(full_name="Ada Lovelace", trn="1234567")
    )
    return DeclarationFactory.create(training_record=record, **traits)


def _history_reasons(row: Declaration | Statement) -> list[str]:
    return list(row.history.values_list("history_change_reason", flat=True))


# The service ------------------------------------------------------------------------------------------


def test_an_eligible_participants_submitted_declaration_moved_for_payment_becomes_eligible():
    declaration = _declaration()
    statement = _open_statement_for(declaration)

    declaration_attach_to_statement(declaration=declaration, statement=statement, reason="Missed", moved_by="ann")

    declaration.refresh_from_db()
    assert (declaration.state, declaration.payment_statement) == (DeclarationState.ELIGIBLE, statement)
    assert declaration.history.first().history_change_reason == f"payment moved to {statement.name} by ann: Missed"


@pytest.mark.parametrize("eligibility", [FundingEligibility.NOT_YET_KNOWN, FundingEligibility.INELIGIBLE])
def test_an_unfunded_participants_submitted_declaration_is_never_made_eligible_by_a_move(eligibility):
    declaration = _declaration(eligibility)
    statement = _open_statement_for(declaration)
    before = _history_reasons(declaration)

    for attempt in (
        lambda: declaration_move_preview(declaration=declaration, statement=statement),
        lambda: declaration_attach_to_statement(
            declaration=declaration, statement=statement, reason="r", moved_by="ann", warnings_acknowledged=True
        ),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.message_dict == {
            "declaration": [RECORD_ELIGIBILITY_FIRST.format(eligibility=eligibility.replace("_", " "))]
        }

    declaration.refresh_from_db()
    assert (declaration.state, declaration.payment_statement) == (DeclarationState.SUBMITTED, None)
    assert _history_reasons(declaration) == before


def test_an_eligible_declaration_of_an_unfunded_participant_moves_only_once_the_warning_is_acknowledged():
    declaration = _declaration(FundingEligibility.NOT_YET_KNOWN, eligible=True)
    first = declaration.payment_statement
    statement = _open_statement_for(declaration)

    preview = declaration_move_preview(declaration=declaration, statement=statement)
    assert NOT_FUNDED.format(eligibility="not yet known") in preview.warnings
    with pytest.raises(ValidationError) as error:
        declaration_attach_to_statement(declaration=declaration, statement=statement, reason="r", moved_by="ann")
    assert error.value.message_dict == {"acknowledge": [ACKNOWLEDGE]}
    declaration.refresh_from_db()
    assert declaration.payment_statement == first

    declaration_attach_to_statement(
        declaration=declaration, statement=statement, reason="r", moved_by="ann", warnings_acknowledged=True
    )
    declaration.refresh_from_db()
    assert declaration.payment_statement == statement


def test_the_preview_gives_what_each_statement_gains_and_loses_and_changes_nothing():
    declaration = _declaration(eligible=True)
    first = declaration.payment_statement
    assert first is not None
    BandFactory.create(contract=first.contract, per_participant=Decimal("1000"))
    statement = _open_statement_for(declaration)
    totals = {s.pk: statement_breakdown(statement=s).total for s in (first, statement)}
    history_rows = declaration.history.count()

    preview = declaration_move_preview(declaration=declaration, statement=statement)

    # A start in band A: 1000 * 60% output * 20% started = 120, plus 20% VAT.
    assert (preview.line, preview.from_statement, preview.to_statement) == ("payment", first, statement)
    assert (preview.from_total_change, preview.to_total_change) == (Decimal("-144"), Decimal("144"))
    assert preview.warnings == []
    declaration.refresh_from_db()
    assert declaration.payment_statement == first
    assert declaration.history.count() == history_rows
    assert {s.pk: statement_breakdown(statement=s).total for s in (first, statement)} == totals


def test_a_clawback_moves_to_another_open_statement():
    declaration = _declaration(awaiting_clawback=True)
    paid_on = declaration.payment_statement
    statement = _open_statement_for(declaration)

    declaration_attach_to_statement(declaration=declaration, statement=statement, reason="Wrong month", moved_by="ann")

    declaration.refresh_from_db()
    assert (declaration.state, declaration.clawback_statement) == (DeclarationState.AWAITING_CLAWBACK, statement)
    assert declaration.payment_statement == paid_on  # a paid statement keeps its declarations


@pytest.mark.parametrize(
    ("traits", "statement_fields", "reason", "fields"),
    [
        ({"paid": True}, {}, "r", {"declaration"}),
        ({"clawed_back": True}, {}, "r", {"declaration"}),
        ({}, {"status": StatementStatus.PAYABLE}, "r", {"statement"}),
        ({}, {"output_fee": False}, "r", {"statement"}),
        ({}, {}, " ", {"reason"}),
    ],
)
def test_moves_that_are_refused(traits, statement_fields, reason, fields):
    declaration = _declaration(**traits)
    statement = _open_statement_for(declaration, **statement_fields)
    before = _history_reasons(declaration)

    with pytest.raises(ValidationError) as error:
        declaration_attach_to_statement(declaration=declaration, statement=statement, reason=reason, moved_by="ann")

    assert set(error.value.message_dict) == fields
    assert _history_reasons(declaration) == before


def test_another_providers_statement_is_refused():
    declaration = _declaration()

    with pytest.raises(ValidationError) as error:
        declaration_attach_to_statement(
            declaration=declaration, statement=StatementFactory.create(cohort=declaration.cohort), reason="r",
            moved_by="ann",
        )  # fmt: skip
    assert set(error.value.message_dict) == {"statement"}


# Attaching a statement to a provider ---------------------------------------------------------------


def _empty_statement_and_provider():
    statement = StatementFactory.create()
    provider = LeadProviderFactory.create(name="Capita")
    contract = ContractFactory.create(lead_provider=provider, cohort=statement.cohort)
    return statement, provider, contract


def test_an_empty_open_statement_is_attached_to_a_provider_and_priced_by_its_contract():
    statement, provider, contract = _empty_statement_and_provider()

    statement_attach_to_provider(statement=statement, lead_provider=provider, reason="Made for the wrong provider",
                                 attached_by="ann")  # fmt: skip

    statement.refresh_from_db()
    assert (statement.lead_provider, statement.contract) == (provider, contract)
    assert statement.history.first().history_change_reason == "attached to Capita by ann: Made for the wrong provider"


@pytest.mark.parametrize(
    "spoil",
    ["declaration", "clawback", "adjustment", "payable", "paid", "no_contract", "month_taken"],
)
def test_attaching_a_statement_is_refused_unless_it_is_open_empty_and_the_provider_can_take_it(spoil):
    statement, provider, contract = _empty_statement_and_provider()
    expected = NOT_ATTACHABLE
    names = {"provider": provider, "cohort": statement.cohort, "month": statement.name}
    if spoil == "declaration":
        DeclarationFactory.create(lead_provider=statement.lead_provider, cohort=statement.cohort,
                                  state=DeclarationState.ELIGIBLE, payment_statement=statement)  # fmt: skip
    elif spoil == "clawback":
        DeclarationFactory.create(lead_provider=statement.lead_provider, cohort=statement.cohort,
                                  awaiting_clawback=True, clawback_statement=statement)  # fmt: skip
    elif spoil == "adjustment":
        AdjustmentFactory.create(statement=statement)
    elif spoil == "payable":
        Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.PAYABLE)
    elif spoil == "paid":
        Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.PAID, marked_as_paid_at=clock.now())
    elif spoil == "no_contract":
        contract.delete()
        expected = NO_CONTRACT.format(**names)
    else:
        StatementFactory.create(lead_provider=provider, cohort=statement.cohort, year=statement.year,
                                month=statement.month)  # fmt: skip
        expected = MONTH_TAKEN.format(**names)
    before = _history_reasons(statement)

    with pytest.raises(ValidationError) as error:
        statement_attach_to_provider(statement=statement, lead_provider=provider, reason="r", attached_by="ann")

    assert expected in error.value.messages
    assert _history_reasons(statement) == before


# The back office --------------------------------------------------------------------------------------


def test_finance_attach_a_statement_to_a_provider_after_a_confirmation_page(client: Client):
    sign_in(client, "finance")
    statement, provider, contract = _empty_statement_and_provider()
    chosen = {"action": "attach_to_provider", "_selected_action": [statement.pk]}

    page = client.post(STATEMENTS, chosen)
    assert page.templates[0].name == "admin/finance/statement_attach_provider.html"
    assert statement.name in page.content.decode()
    response = client.post(
        STATEMENTS, {**chosen, "lead_provider": provider.pk, "reason": "Wrong provider", "confirm": "1"}, follow=True
    )

    statement.refresh_from_db()
    assert messages_of(response) == [f"{statement.name}: now {statement}, priced with {contract}."]
    assert (statement.lead_provider, statement.contract) == (provider, contract)
    history = statement.history.first()
    assert history.history_change_reason == "attached to Capita by finance@example.com: Wrong provider"
    assert history.history_user.username == "finance@example.com"


def _move_action(client: Client, declaration: Declaration, **data: object):
    return client.post(DECLARATIONS, {"action": "move_to_statement", "_selected_action": [declaration.pk], **data})


def test_finance_move_a_payment_with_a_preview_a_warning_and_a_reason(client: Client):
    sign_in(client, "finance")
    declaration = _declaration(FundingEligibility.NOT_YET_KNOWN, eligible=True)
    first = declaration.payment_statement
    assert first is not None
    BandFactory.create(contract=first.contract, per_participant=Decimal("1000"))
    statement = _open_statement_for(declaration)

    page = _move_action(client, declaration)
    assert page.templates[0].name == "admin/finance/declaration_move.html"
    preview = _move_action(client, declaration, statement=statement.pk, preview="1").content.decode()
    assert "Ada Lovelace" in preview
    assert "+£144.00" in preview
    assert "\N{MINUS SIGN}£144.00" in preview
    assert "not recorded as eligible for funding" in preview
    unacknowledged = _move_action(client, declaration, statement=statement.pk, reason="Wrong month", confirm="1")
    assert ACKNOWLEDGE in unacknowledged.content.decode()
    declaration.refresh_from_db()
    assert declaration.payment_statement == first

    response = _move_action(
        client, declaration, statement=statement.pk, reason="Wrong month", acknowledge="on", confirm="1"
    )

    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.payment_statement == statement
    history = declaration.history.first()
    assert history.history_change_reason == f"payment moved to {statement.name} by finance@example.com: Wrong month"
    assert history.history_user.username == "finance@example.com"


def test_admin_staff_are_not_offered_the_move(client: Client):
    sign_in(client, "admin")
    declaration = _declaration(eligible=True)
    statement = _open_statement_for(declaration)

    page = client.get(DECLARATIONS).content.decode()
    _move_action(client, declaration, statement=statement.pk, reason="r", acknowledge="on", confirm="1")

    assert "move_to_statement" not in page
    declaration.refresh_from_db()
    assert declaration.payment_statement != statement


def test_the_statement_page_finds_a_declaration_by_trn_and_attaches_it_after_a_preview(client: Client):
    sign_in(client, "finance")
    declaration = _declaration()
    statement = _open_statement_for(declaration)
    url = reverse("admin:finance_statement_attach", args=[statement.pk])

    statement_page = client.get(reverse("admin:finance_statement_change", args=[statement.pk])).content.decode()
    assert url in statement_page
    found = client.get(url, {"q": "1234567"}).content.decode()
    assert f'value="{declaration.pk}"' in found
    assert "Ada Lovelace (TRN 1234567)" in found
    assert f'value="{declaration.pk}"' not in client.get(url, {"q": "Grace Hopper"}).content.decode()
    preview = client.post(url, {"declaration": declaration.pk, "preview": "1"}).content.decode()
    assert "Preview" in preview
    assert declaration.state == DeclarationState.SUBMITTED

    response = client.post(url, {"declaration": declaration.pk, "reason": "Missed the cut-off", "confirm": "1"})

    assert response.status_code == 302
    declaration.refresh_from_db()
    assert (declaration.state, declaration.payment_statement) == (DeclarationState.ELIGIBLE, statement)


def test_the_statement_page_refuses_an_unfunded_participants_declaration(client: Client):
    sign_in(client, "finance")
    declaration = _declaration(FundingEligibility.NOT_YET_KNOWN)
    statement = _open_statement_for(declaration)
    url = reverse("admin:finance_statement_attach", args=[statement.pk])

    response = client.post(url, {"declaration": declaration.pk, "reason": "Missed", "acknowledge": "on",
                                 "confirm": "1"})  # fmt: skip

    assert response.status_code == 200
    assert "Record funding eligibility first" in response.content.decode()
    declaration.refresh_from_db()
    assert (declaration.state, declaration.payment_statement) == (DeclarationState.SUBMITTED, None)


def test_a_move_date_warning_names_the_cut_off():
    declaration = _declaration()
    statement = _open_statement_for(declaration)
    Declaration.objects.filter(pk=declaration.pk).update(
        declaration_date=dt.datetime.combine(statement.deadline_date + dt.timedelta(days=3), dt.time(12), dt.UTC)
    )

    preview = declaration_move_preview(declaration=declaration, statement=statement)

    assert any("after" in warning and "cut-off" in warning for warning in preview.warnings)
