import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse

from api.models import ApiRequest, ApiToken
from api.tokens import PREFIX_LENGTH, api_token_create, token_digest
from ecf.models import (
    Cohort,
    Declaration,
    DeliveryPartner,
    LeadProvider,
    School,
    SharedRecordDeclaration,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)
from finance.models import Adjustment, JobRun, Statement
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db

APP_MODELS = [
    model for label in ("ecf", "partnerships", "finance", "api") for model in apps.get_app_config(label).get_models()
]


def url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_is_registered() -> None:
    # Historical models are generated per model; they are shown on each row's history page instead. The shared
    # records' declarations are an index the database's triggers keep, with nothing for staff to read or change.
    concrete = [
        model
        for model in APP_MODELS
        if not model.__name__.startswith("Historical") and model is not SharedRecordDeclaration
    ]
    assert len(concrete) == 23
    assert [model for model in concrete if not admin.site.is_registered(model)] == []


@pytest.mark.parametrize("model", [model for model in APP_MODELS if admin.site.is_registered(model)], ids=str)
def test_changelist_and_add_pages_render(admin_client: Client, model: type[Model]) -> None:
    assert admin_client.get(url(model, "changelist")).status_code == 200
    # Rows written by services alone have no add page: the API write-request log (the API), the daily jobs' runs
    # (the jobs), and the rows that carry rules or money (D26: calendars, registration, the providers' API).
    made_by_services = (
        ApiRequest,
        JobRun,
        Statement,
        Declaration,
        TrainingRecord,
        TrainingPeriod,
        TrainingStatusChange,
        Partnership,
    )
    assert admin_client.get(url(model, "add")).status_code == (403 if model in made_by_services else 200)


@pytest.fixture
def lead_provider() -> LeadProvider:
    return LeadProvider.objects.create(name="Ambition Institute")


def reference_rows(lead_provider: LeadProvider) -> list[Model]:
    return [
        lead_provider,
        Cohort.objects.create(
            start_year=2025,
            registration_start_date=dt.date(2025, 6, 1),
            academic_year_start_date=dt.date(2025, 9, 1),
        ),
        DeliveryPartner.objects.create(name="Teach North"),
        School.objects.create(
            urn="100001",
            name="Fictional Primary",
            school_type_code=1,
            school_status_code=1,
            administrative_district_code="E09000001",
        ),
    ]


def test_change_and_history_pages_render(admin_client: Client, lead_provider: LeadProvider) -> None:
    for row in reference_rows(lead_provider):
        assert admin_client.get(url(type(row), "change", row.pk)).status_code == 200
        history = admin_client.get(url(type(row), "history", row.pk))
        assert history.status_code == 200
        assert str(row) in history.content.decode()


def test_service_owned_fields_are_read_only_and_ledger_undeletable(admin_user: User) -> None:
    request = RequestFactory().get("/")
    request.user = admin_user
    assert {"state", "payment_statement", "clawback_statement"} <= set(
        admin.site.get_model_admin(Declaration).get_readonly_fields(request)
    )
    assert "status" in admin.site.get_model_admin(Statement).get_readonly_fields(request)
    for model in (Declaration, Statement, Adjustment, ApiToken):
        assert not admin.site.get_model_admin(model).has_delete_permission(request)


def test_history_cannot_be_reverted(admin_client: Client, lead_provider: LeadProvider) -> None:
    version = lead_provider.history.get()
    path = reverse("admin:ecf_leadprovider_simple_history", args=[lead_provider.pk, version.history_id])
    assert admin_client.get(path).status_code == 200
    assert admin_client.post(path, {"name": "Renamed"}).status_code == 403
    lead_provider.refresh_from_db()
    assert lead_provider.name == "Ambition Institute"


def test_adding_a_token_shows_the_plaintext_once_and_stores_only_its_hash(
    admin_client: Client, admin_user: User, lead_provider: LeadProvider
) -> None:
    response = admin_client.post(url(ApiToken, "add"), {"lead_provider": lead_provider.pk, "description": "Production"})

    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    token = ApiToken.objects.get()
    assert (token.lead_provider, token.description) == (lead_provider, "Production")
    assert token.token_hash == token_digest(plaintext)
    assert token.prefix == plaintext[:PREFIX_LENGTH]
    assert plaintext not in {token.token_hash, token.prefix, token.description}
    assert token.history.get().history_user == admin_user
    for page in (
        url(ApiToken, "changelist"),
        url(ApiToken, "change", token.pk),
        url(ApiToken, "history", token.pk),
    ):
        content = admin_client.get(page).content.decode()
        assert plaintext not in content
        assert token.token_hash not in content


def test_only_a_tokens_description_can_be_changed(admin_client: Client, lead_provider: LeadProvider) -> None:
    token, _ = api_token_create(lead_provider=lead_provider, description="Old")
    other = LeadProvider.objects.create(name="Other provider")

    response = admin_client.post(
        url(ApiToken, "change", token.pk),
        {
            "description": "New",
            "lead_provider": other.pk,
            "revoked_at_0": "2025-01-01",
            "revoked_at_1": "00:00",
        },
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.description, token.lead_provider, token.revoked_at) == ("New", lead_provider, None)


def test_revoke_action_revokes_the_selected_tokens(admin_client: Client, lead_provider: LeadProvider) -> None:
    revoked, _ = api_token_create(lead_provider=lead_provider)
    kept, _ = api_token_create(lead_provider=lead_provider)

    response = admin_client.post(
        url(ApiToken, "changelist"), {"action": "revoke_tokens", "_selected_action": [revoked.pk]}
    )

    assert response.status_code == 302
    revoked.refresh_from_db()
    kept.refresh_from_db()
    assert revoked.revoked_at is not None
    assert kept.revoked_at is None
