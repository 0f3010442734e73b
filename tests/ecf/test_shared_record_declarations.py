"""The declarations on training records shared between providers (`SharedRecordDeclaration`), which the
declarations list relies on to show a provider another's claims: the database's triggers list each one
however the declaration or the period is written, in either order."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecf.models import Declaration, SharedRecordDeclaration, TrainingPeriod
from ecf.selectors.declarations import declaration_list, unlisted_shared_record_declarations
from tests.ecf.factories import (
    DeclarationFactory,
    LeadProviderFactory,
    SchoolFactory,
    TrainingPeriodFactory,
    TrainingRecordFactory,
)

pytestmark = pytest.mark.django_db


def listed() -> set[Declaration]:
    return {shared.declaration for shared in SharedRecordDeclaration.objects.select_related("declaration")}


@pytest.fixture
def declaration() -> Declaration:
    """A declaration by the provider that trained its record, nobody else involved."""
    period = TrainingPeriodFactory.create(ended=True)
    return DeclarationFactory.create(training_record=period.training_record, lead_provider=period.lead_provider)


def test_a_declaration_only_its_own_provider_trains_for_is_not_listed(declaration):
    TrainingPeriodFactory.create(training_record=declaration.training_record, lead_provider=declaration.lead_provider)
    TrainingPeriodFactory.create(training_record=declaration.training_record, school_led=True, ended=True)

    assert listed() == set()


def test_another_providers_period_written_after_the_declaration_lists_it(declaration):
    TrainingPeriodFactory.create(training_record=declaration.training_record)

    assert listed() == {declaration}


def test_a_declaration_written_after_another_providers_period_is_listed():
    period = TrainingPeriodFactory.create()

    declaration = DeclarationFactory.create(training_record=period.training_record)

    assert listed() == {declaration}


def test_writes_that_save_no_model_list_it_too(declaration):
    """`bulk_create` (the seed) and `QuerySet.update()` call no `save()`: the triggers still see them."""
    others_period = TrainingPeriodFactory.create()
    TrainingPeriod.objects.filter(pk=others_period.pk).update(training_record=declaration.training_record)
    moved_period = TrainingPeriodFactory.create(ended=True)
    moved = DeclarationFactory.create(
        training_record=moved_period.training_record, lead_provider=moved_period.lead_provider
    )
    Declaration.objects.filter(pk=moved.pk).update(lead_provider=LeadProviderFactory.create())
    bulk = TrainingPeriodFactory.build(
        training_record=TrainingRecordFactory.create(),
        school=SchoolFactory.create(),
        lead_provider=LeadProviderFactory.create(),
        unconfirmed=True,
    )
    bulk_declared = DeclarationFactory.create(training_record=bulk.training_record)
    TrainingPeriod.objects.bulk_create([bulk])

    assert listed() == {declaration, moved, bulk_declared}
    assert not unlisted_shared_record_declarations().exists()


def test_the_integrity_check_reports_a_declaration_missing_from_the_list(declaration):
    taker = LeadProviderFactory.create()
    TrainingPeriodFactory.create(training_record=declaration.training_record, lead_provider=taker)
    assert declaration in set(declaration_list(lead_provider=taker))
    call_command("check_finance_integrity")

    SharedRecordDeclaration.objects.all().delete()

    assert declaration not in set(declaration_list(lead_provider=taker))
    with pytest.raises(CommandError, match="1 finance integrity violation"):
        call_command("check_finance_integrity")


def test_deleting_a_declaration_deletes_its_listing(declaration):
    TrainingPeriodFactory.create(training_record=declaration.training_record)

    declaration.delete()

    assert not SharedRecordDeclaration.objects.exists()
