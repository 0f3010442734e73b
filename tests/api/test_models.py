"""The `api` models: the token factory and the ApiToken constraints and properties."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from api.models import TokenSource
from api.tokens import TOKEN_START, api_token_authenticate, token_digest
from tests.api.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kwargs", [pytest.param({}, id="live"), pytest.param({"revoked": True}, id="revoked")])
def test_factory_saves_a_valid_row(kwargs: dict[str, Any]) -> None:
    token = ApiTokenFactory.create(**kwargs)

    token.refresh_from_db()
    token.full_clean()
    assert str(token)


def test_factory_stores_the_digest_of_a_known_plaintext() -> None:
    token, plaintext = ApiTokenFactory.create_with_plaintext(plaintext="ecfp_chosen-by-the-test")

    assert plaintext == "ecfp_chosen-by-the-test"
    assert token.token_hash == token_digest(plaintext)
    assert token.prefix == "ecfp_chosen"
    assert api_token_authenticate(plaintext) == token


def test_factory_makes_distinct_known_plaintexts() -> None:
    first, first_plaintext = ApiTokenFactory.create_with_plaintext()
    second, second_plaintext = ApiTokenFactory.create_with_plaintext()

    assert first_plaintext != second_plaintext
    assert first_plaintext.startswith(TOKEN_START)
    assert api_token_authenticate(first_plaintext) == first
    assert api_token_authenticate(second_plaintext) == second


@pytest.mark.parametrize(
    "token_hash",
    [
        pytest.param("A" * 64, id="upper-case"),
        pytest.param("a" * 63, id="too-short"),
        pytest.param("g" * 64, id="not-hex"),
        pytest.param("", id="empty"),
        pytest.param("ecfp_" + "a" * 59, id="plaintext-like"),
        pytest.param("a" * 63 + "\n", id="trailing-newline"),
    ],
)
def test_api_token_hash_is_64_lower_case_hex_digits(assert_violates: Any, token_hash: str) -> None:
    with assert_violates("api_token_hash_hex"):
        ApiTokenFactory.create(token_hash=token_hash)


def test_api_token_hash_is_unique(assert_violates: Any) -> None:
    token = ApiTokenFactory.create()

    with assert_violates("api.ApiToken.token_hash"):
        ApiTokenFactory.create(token_hash=token.token_hash)


@pytest.mark.parametrize(
    ("created_via", "with_user"),
    [
        pytest.param(TokenSource.BACK_OFFICE, False, id="back-office-without-staff"),
        pytest.param(TokenSource.CREATE_COMMAND, True, id="command-with-staff"),
        pytest.param("", True, id="unrecorded-with-staff"),
    ],
)
def test_a_back_office_token_and_only_it_names_its_staff_maker(
    assert_violates: Any, created_via: str, with_user: bool
) -> None:
    user = User.objects.create_user("maker@example.com") if with_user else None

    with assert_violates("api_token_back_office_maker_named"):
        ApiTokenFactory.create(created_via=created_via, created_by=user)


def test_api_token_is_active_until_revoked() -> None:
    assert ApiTokenFactory.create().is_active
    assert not ApiTokenFactory.create(revoked=True).is_active
