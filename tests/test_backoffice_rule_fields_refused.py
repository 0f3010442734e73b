"""Issue #15's reproductions 1 to 3, as staff would try them through the back office's forms: each is refused
with a message saying why, and nothing changes (decision D26)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ecf.admin import RULE_FIELDS_REFUSED
from ecf.choices import FundingEligibility
from ecf.models import Declaration, TrainingRecord
from finance.models import Statement
from tests.backoffice import messages_of, sign_in
from tests.ecf.factories import DeclarationFactory, LeadProviderFactory, TrainingRecordFactory
from tests.finance.factories import ContractFactory, StatementFactory

pytestmark = pytest.mark.django_db


def _snapshot(row: Statement | Declaration | TrainingRecord) -> tuple[dict[str, object], int]:
    row.refresh_from_db()
    return {field.attname: getattr(row, field.attname) for field in row._meta.fields}, row.history.count()


def _post_change_form(client: Client, row: Statement | Declaration | TrainingRecord, data: dict[str, object]):
    opts = row._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    return client.post(url, {**data, "_save": "Save"}, follow=True)


@pytest.fixture
def finance(client: Client) -> User:
    return sign_in(client, "finance")


@pytest.mark.parametrize("traits", [{"payable": True}, {"paid": True}], ids=["payable", "paid"])
def test_a_statement_is_not_moved_to_another_provider_on_its_form(client: Client, finance: User, traits) -> None:
    ambition = LeadProviderFactory.create(name="Ambition Institute")
    statement = StatementFactory.create(lead_provider=ambition, year=2026, month=10, **traits)
    DeclarationFactory.create(lead_provider=ambition, cohort=statement.cohort, payable=True)
    capita = ContractFactory.create(lead_provider=LeadProviderFactory.create(name="Capita"), cohort=statement.cohort)
    before = _snapshot(statement)

    response = _post_change_form(
        client,
        statement,
        {"lead_provider": capita.lead_provider.pk, "contract": capita.pk, "month": 7, "year": 2031},
    )

    assert messages_of(response) == [RULE_FIELDS_REFUSED.format(fields="lead provider, contract, month, year")]
    assert _snapshot(statement) == before


def test_a_paid_declaration_is_not_moved_to_another_provider_on_its_form(client: Client, finance: User) -> None:
    teach_first = LeadProviderFactory.create(name="Teach First")
    declaration = DeclarationFactory.create(lead_provider=teach_first, paid=True)
    ambition = LeadProviderFactory.create(name="Ambition Institute")
    before = _snapshot(declaration)

    response = _post_change_form(client, declaration, {"lead_provider": ambition.pk})

    assert messages_of(response) == [RULE_FIELDS_REFUSED.format(fields="lead provider")]
    assert _snapshot(declaration) == before


def test_admin_staff_cannot_set_eligibility_or_uplifts_on_the_training_record_form(client: Client) -> None:
    sign_in(client, "admin")
    record = TrainingRecordFactory.create(email="ect@example.com")
    before = _snapshot(record)

    response = _post_change_form(
        client,
        record,
        {"email": "ect@example.com", "funding_eligibility": FundingEligibility.ELIGIBLE, "pupil_premium_uplift": "on"},
    )

    assert messages_of(response) == [RULE_FIELDS_REFUSED.format(fields="funding eligibility, pupil premium uplift")]
    assert _snapshot(record) == before


def test_the_training_record_form_still_saves_what_carries_no_rule(client: Client) -> None:
    sign_in(client, "admin")
    record = TrainingRecordFactory.create(email="old@example.com")

    _post_change_form(
        client,
        record,
        {"email": "new@example.com", "training_periods-TOTAL_FORMS": 0, "training_periods-INITIAL_FORMS": 0},
    )

    record.refresh_from_db()
    assert record.email == "new@example.com"


def test_the_participant_page_shows_training_records_read_only(client: Client) -> None:
    sign_in(client, "admin")
    record = TrainingRecordFactory.create()

    page = client.get(reverse("admin:ecf_participant_change", args=[record.participant_id])).content.decode()

    assert 'name="training_records-0-funding_eligibility"' not in page
    assert 'name="training_records-0-email"' in page


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("finance", "admin:finance_statement_add"),
        ("finance", "admin:ecf_declaration_add"),
        ("admin", "admin:ecf_trainingrecord_add"),
        ("admin", "admin:ecf_trainingperiod_add"),
        ("admin", "admin:partnerships_partnership_add"),
    ],
)
def test_rows_made_by_services_have_no_add_form(client: Client, role: str, url_name: str) -> None:
    sign_in(client, role)

    assert client.get(reverse(url_name)).status_code == 403
