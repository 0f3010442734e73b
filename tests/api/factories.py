"""Test data factories for the `api` models (factory-boy; test-only code).

    token = ApiTokenFactory()              # a live token of a new lead provider
    token.plaintext                        # the token to send: "ecfp_..." (kept on the instance only)
    token, plaintext = ApiTokenFactory.create_with_plaintext()   # the same, typed
    ApiTokenFactory(plaintext="ecfp_mine") # choose the plaintext
    ApiTokenFactory(revoked=True)          # a revoked token

Only `token_digest(plaintext)` and the prefix are stored, as `api.tokens.api_token_create` does.
"""

from typing import Any

import factory
from django.utils import timezone

from api.models import ApiToken
from api.tokens import PREFIX_LENGTH, token_digest
from tests.ecf.factories import LeadProviderFactory


class ApiTokenFactory(factory.django.DjangoModelFactory[ApiToken]):
    class Meta:
        model = ApiToken

    class Params:
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))

    lead_provider = factory.SubFactory(LeadProviderFactory)
    plaintext = factory.Sequence(lambda n: f"ecfp_test_{n:035d}")
    token_hash = factory.LazyAttribute(lambda o: token_digest(o.plaintext))
    prefix = factory.LazyAttribute(lambda o: o.plaintext[:PREFIX_LENGTH])
    description = factory.Sequence(lambda n: f"Test token {n}")
    revoked_at = None

    @classmethod
    def create_with_plaintext(cls, **kwargs: Any) -> tuple[ApiToken, str]:
        """Create a token; return it and its plaintext (what `api_token_create` returns)."""
        token = cls.create(**kwargs)
        return token, token.plaintext  # type: ignore[attr-defined]

    @classmethod
    def _build(cls, model_class: type[ApiToken], *args: Any, **kwargs: Any) -> ApiToken:
        plaintext = kwargs.pop("plaintext")
        token = super()._build(model_class, *args, **kwargs)
        token.plaintext = plaintext
        return token

    @classmethod
    def _create(cls, model_class: type[ApiToken], *args: Any, **kwargs: Any) -> ApiToken:
        plaintext = kwargs.pop("plaintext")
        token = super()._create(model_class, *args, **kwargs)
        token.plaintext = plaintext
        return token
