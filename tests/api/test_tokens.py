"""Issuing, checking and revoking lead provider API tokens (`api.tokens`, decision D17)."""

import datetime as dt
from typing import Any

import pytest

from api.models import ApiToken
from api.tokens import (
    LAST_USED_RESOLUTION,
    PREFIX_LENGTH,
    TOKEN_START,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    token_digest,
)
from tests.api.factories import ApiTokenFactory
from tests.ecf.factories import LeadProviderFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_create_returns_the_plaintext_and_stores_only_its_digest_and_prefix() -> None:
    lead_provider = LeadProviderFactory.create()

    token, plaintext = api_token_create(lead_provider=lead_provider, description="Production")

    assert plaintext.startswith(TOKEN_START)
    assert len(plaintext) > PREFIX_LENGTH + 30
    token.refresh_from_db()
    assert token.lead_provider == lead_provider
    assert token.description == "Production"
    assert token.token_hash == token_digest(plaintext)
    assert token.prefix == plaintext[:PREFIX_LENGTH]
    assert token.is_active
    assert token.last_used_at is None
    stored = [getattr(token, field.attname) for field in ApiToken._meta.concrete_fields]
    stored += [value for row in ApiToken.history.values() for value in row.values()]
    assert not any(plaintext in str(value) for value in stored)


def test_create_makes_a_different_token_each_time() -> None:
    lead_provider = LeadProviderFactory.create()

    first, first_plaintext = api_token_create(lead_provider=lead_provider)
    second, second_plaintext = api_token_create(lead_provider=lead_provider)

    assert first_plaintext != second_plaintext
    assert first.token_hash != second.token_hash


def test_authenticate_finds_the_token_and_its_lead_provider() -> None:
    token, plaintext = api_token_create(lead_provider=LeadProviderFactory.create())
    api_token_create(lead_provider=LeadProviderFactory.create())

    found = api_token_authenticate(plaintext)

    assert found == token
    assert found is not None
    assert found.lead_provider == token.lead_provider


@pytest.mark.parametrize(
    "plaintext",
    ["", TOKEN_START, "ecfp_unknown", "not-a-token"],
)
def test_authenticate_rejects_unknown_tokens(plaintext: str) -> None:
    api_token_create(lead_provider=LeadProviderFactory.create())

    assert api_token_authenticate(plaintext) is None


def test_authenticate_rejects_a_near_miss() -> None:
    _, plaintext = api_token_create(lead_provider=LeadProviderFactory.create())

    assert api_token_authenticate(plaintext[:-1]) is None
    assert api_token_authenticate(plaintext + "x") is None
    assert api_token_authenticate(plaintext.upper()) is None


def test_authenticate_rejects_revoked_tokens() -> None:
    token, plaintext = api_token_create(lead_provider=LeadProviderFactory.create())
    api_token_revoke(token=token)

    assert api_token_authenticate(plaintext) is None
    _, factory_plaintext = ApiTokenFactory.create_with_plaintext(revoked=True)
    assert api_token_authenticate(factory_plaintext) is None


def test_authenticate_records_last_use_at_most_once_a_minute(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)
    token, plaintext = api_token_create(lead_provider=LeadProviderFactory.create())

    found = api_token_authenticate(plaintext)
    assert found is not None
    assert found.last_used_at == NOW
    token.refresh_from_db()
    assert token.last_used_at == NOW

    time_machine.move_to(NOW + LAST_USED_RESOLUTION - dt.timedelta(seconds=1), tick=False)
    found = api_token_authenticate(plaintext)
    assert found is not None
    assert found.last_used_at == NOW
    token.refresh_from_db()
    assert token.last_used_at == NOW

    later = NOW + LAST_USED_RESOLUTION
    time_machine.move_to(later, tick=False)
    found = api_token_authenticate(plaintext)
    assert found is not None
    assert found.last_used_at == later
    token.refresh_from_db()
    assert token.last_used_at == later


def test_authenticate_does_not_write_history_or_move_updated_at(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)
    token, plaintext = api_token_create(lead_provider=LeadProviderFactory.create())

    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)
    api_token_authenticate(plaintext)

    token.refresh_from_db()
    assert token.updated_at == NOW
    assert token.history.count() == 1


def test_revoke_is_idempotent(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)
    token, _ = api_token_create(lead_provider=LeadProviderFactory.create())

    revoked = api_token_revoke(token=token)
    assert revoked.revoked_at == NOW
    assert not revoked.is_active

    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    again = api_token_revoke(token=token)
    assert again.revoked_at == NOW
    token.refresh_from_db()
    assert token.revoked_at == NOW
    assert token.updated_at == NOW


def test_create_and_revoke_write_history() -> None:
    token, _ = api_token_create(lead_provider=LeadProviderFactory.create())
    assert token.history.count() == 1
    assert token.history.get().history_type == "+"

    api_token_revoke(token=token)
    assert token.history.count() == 2
    assert token.history.latest().history_type == "~"
    assert token.history.latest().revoked_at == token.revoked_at

    api_token_revoke(token=token)
    assert token.history.count() == 2
