"""Bearer-token authentication of lead providers (decision D17)."""

from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api.jsonapi.exceptions import InvalidToken
from api.models import ApiToken
from api.ratelimit import FOUND_TOKEN
from api.tokens import api_token_authenticate
from ecf.models import LeadProvider

# Rails token authentication accepted both schemes; providers' clients send either.
SCHEMES = {b"bearer", b"token"}


@dataclass(frozen=True)
class LeadProviderPrincipal:
    """The caller of the API: a lead provider, identified by one of its tokens."""

    lead_provider: LeadProvider
    is_authenticated: bool = True
    is_anonymous: bool = False


class LeadProviderTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[LeadProviderPrincipal, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed()
        try:
            plaintext = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed() from error
        token = api_token_authenticate(plaintext, found=getattr(request._request, FOUND_TOKEN, None))
        if token is None:
            raise InvalidToken()
        return LeadProviderPrincipal(token.lead_provider), token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"
