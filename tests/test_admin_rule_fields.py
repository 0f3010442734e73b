"""Decision D26: a field that carries a rule or money is never editable on a back-office form, add or change;
it changes only through an action that calls a service. This test walks every form of the admin registry (each
model admin's add and change forms, their inlines, their list-editable columns) and fails when one of the fields
listed below can be edited there. A new rule-carrying field belongs in RULE_FIELDS."""

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin, ModelAdmin
from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpRequest
from django.test import RequestFactory

from ecf.models import Declaration, TrainingPeriod, TrainingRecord, TrainingStatusChange
from finance.models import Adjustment, Band, Contract, Statement
from partnerships.models import Partnership
from tests.ecf.factories import DeclarationFactory, TrainingPeriodFactory, TrainingStatusChangeFactory
from tests.finance.factories import AdjustmentFactory, BandFactory

pytestmark = pytest.mark.django_db


def _all_but_bookkeeping(model: type[Model]) -> frozenset[str]:
    return frozenset(f.name for f in model._meta.fields) - {"id", "created_at", "updated_at", "api_updated_at"}


RULE_FIELDS: dict[type[Model], frozenset[str]] = {
    Statement: _all_but_bookkeeping(Statement),
    Declaration: _all_but_bookkeeping(Declaration),
    TrainingRecord: frozenset(
        {
            "participant",
            "participant_type",
            "cohort",
            "schedule",
            "funding_eligibility",
            "pupil_premium_uplift",
            "sparsity_uplift",
            "induction_end_date",
            "mentor_funding_end_date",
            "mentor_ineligible_reason",
            "cohort_changed_after_payments_frozen",
        }
    ),
    TrainingPeriod: _all_but_bookkeeping(TrainingPeriod),
    TrainingStatusChange: _all_but_bookkeeping(TrainingStatusChange),
    Partnership: _all_but_bookkeeping(Partnership),
    # Prices, once a statement is priced with them (an unpriced contract is a draft).
    Contract: _all_but_bookkeeping(Contract),
    Band: _all_but_bookkeeping(Band),
    # The adjustment ledger: a row is the audited action; it is never edited.
    Adjustment: frozenset({"statement", "description", "amount"}),
}

# Add forms that may set such fields, and why that is safe.
SET_WHEN_ADDED = {
    Contract: "a new contract prices nothing until statements are priced with it (an action)",
    Band: "a band of an unpriced contract; Band.clean refuses a priced contract",
    Adjustment: "an adjustment is the ledger's audited entry; Adjustment.clean refuses a paid statement",
}


@pytest.fixture
def world() -> None:
    """Rows of every model above, in the states where their fields carry money: a paid and a payable declaration
    on statements priced by a contract with a band and an adjustment, a participant training with a partnership."""
    declaration = DeclarationFactory.create(paid=True)
    DeclarationFactory.create(payable=True)
    statement = declaration.payment_statement
    assert statement is not None
    BandFactory.create(contract=statement.contract)
    AdjustmentFactory.create(statement=statement)
    TrainingPeriodFactory.create(training_record=declaration.training_record, lead_provider=declaration.lead_provider)
    TrainingStatusChangeFactory.create(
        training_record=declaration.training_record, lead_provider=declaration.lead_provider
    )


def _request(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


def _forms(request: HttpRequest) -> Iterator[tuple[str, type[Model], bool, set[str]]]:
    """(where, model, whether the row is being added, editable fields) for every form of the registry: add and
    change forms of every model admin, their inlines' forms, and the change list's editable columns."""
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ModelAdmin)
        for obj in (None, *model._default_manager.all()[:5]):
            adding = obj is None
            where = f"{model.__name__} {'add' if adding else 'change'} form"
            allowed = (
                model_admin.has_add_permission(request) if adding else model_admin.has_change_permission(request, obj)
            )
            if allowed:
                yield where, model, adding, set(model_admin.get_form(request, obj, change=not adding).base_fields)
            for inline in model_admin.get_inline_instances(request, obj):
                assert isinstance(inline, InlineModelAdmin)
                if inline.has_change_permission(request, obj) or inline.has_add_permission(request, obj):
                    editable = set(inline.get_formset(request, obj).form.base_fields)
                    yield f"{where}, {inline.model.__name__} inline", inline.model, adding, editable
        yield f"{model.__name__} list", model, False, set(model_admin.list_editable)


def editable_rule_fields(request: HttpRequest) -> list[str]:
    """Every rule field some form of the registry can edit, as "where: field"."""
    return [
        f"{where}: {name}"
        for where, model, adding, editable in _forms(request)
        if model in RULE_FIELDS and not (adding and model in SET_WHEN_ADDED)
        for name in sorted(editable & RULE_FIELDS[model])
    ]


def test_every_rule_field_is_listed_on_a_real_field() -> None:
    for model, names in RULE_FIELDS.items():
        assert names <= {field.name for field in model._meta.fields}, model


def test_no_form_of_the_registry_edits_a_rule_field(world: None, admin_user: User) -> None:
    request = _request(admin_user)
    # Every model with rule fields is walked with a row in the money-carrying state.
    assert all(model._default_manager.exists() for model in RULE_FIELDS)

    assert editable_rule_fields(request) == []


def test_the_walk_finds_a_rule_field_made_editable(world: None, admin_user: User, monkeypatch) -> None:
    statement_admin = admin.site.get_model_admin(Statement)
    monkeypatch.setattr(type(statement_admin), "rule_fields", ("status",))

    assert "Statement change form: lead_provider" in editable_rule_fields(_request(admin_user))
