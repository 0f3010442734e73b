"""API test fixtures: clients authenticated as a lead provider, whose every response is checked
against the committed OpenAPI document."""

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from api.tokens import api_token_create
from ecf.choices import DeclarationState
from ecf.models import LeadProvider
from tests.api.openapi import assert_response_matches_document
from tests.ecf.factories import DeliveryPartnerFactory, LeadProviderFactory
from tests.finance.test_services_declarations import existing, next_statement, trained
from tests.partnerships.factories import ProviderRelationshipFactory

JSON_API = "application/vnd.api+json"


class ApiClient:
    """A lead provider's HTTP client. Every response must be JSON:API-typed and match the document."""

    def __init__(self, lead_provider: LeadProvider | None, token: str | None) -> None:
        self.lead_provider = lead_provider
        self.token = token
        self.client = Client()

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**auth, **(headers or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:
        response = self.client.get(path, params or {}, headers=self._headers(headers))
        return self._checked("GET", path, response)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        """POST `body` as JSON (content type application/vnd.api+json)."""
        response = self.client.post(path, json.dumps(body), content_type=JSON_API, headers=self._headers(headers))
        return self._checked("POST", path, response)

    def put(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        """PUT `body` as JSON (content type application/vnd.api+json)."""
        response = self.client.put(path, json.dumps(body), content_type=JSON_API, headers=self._headers(headers))
        return self._checked("PUT", path, response)

    def follow(self, url: str) -> Any:
        """GET an absolute URL the API gave (such as `links.next`)."""
        parts = urlsplit(url)
        return self.get(parts.path, dict(parse_qsl(parts.query)))

    def _checked(self, method: str, path: str, response: Any) -> Any:
        if response.status_code != 304:
            assert response["Content-Type"] == JSON_API, response["Content-Type"]
            response.json_body = json.loads(response.content)
            assert_response_matches_document(method, path, response.status_code, response.json_body)
        return response


@pytest.fixture
def lead_provider(db: None) -> LeadProvider:
    return LeadProviderFactory.create()


@pytest.fixture
def other_lead_provider(db: None) -> LeadProvider:
    return LeadProviderFactory.create()


@pytest.fixture
def api_client(lead_provider: LeadProvider) -> ApiClient:
    _, token = api_token_create(lead_provider=lead_provider)
    return ApiClient(lead_provider, token)


@pytest.fixture
def other_api_client(other_lead_provider: LeadProvider) -> ApiClient:
    _, token = api_token_create(lead_provider=other_lead_provider)
    return ApiClient(other_lead_provider, token)


@pytest.fixture
def anonymous_client(db: None) -> ApiClient:
    return ApiClient(None, None)


@pytest.fixture
def world(lead_provider: LeadProvider) -> dict[str, str]:
    """The provider's own objects, so that each write gets past the lookup of its path id to the body."""
    record = trained(lead_provider)
    next_statement(lead_provider, record)
    existing(lead_provider, record, DeclarationState.SUBMITTED)
    training_period = record.training_periods.get()
    partner = DeliveryPartnerFactory.create()
    ProviderRelationshipFactory.create(lead_provider=lead_provider, delivery_partner=partner, cohort=record.cohort)
    assert training_period.partnership is not None
    return {
        "participant": str(record.participant_id),
        "school": str(training_period.school_id),
        "partner": str(partner.pk),
        "partnership": str(training_period.partnership_id),
    }
