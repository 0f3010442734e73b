"""Issuing, revoking and checking lead provider API tokens (decision D17).

Tokens look like `ecfp_<40 random characters>`; the fixed start lets secret scanners spot leaks.
Only HMAC-SHA256(SECRET_KEY, token) is stored, so a database leak reveals no usable token.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, TokenSource
from ecf.models import LeadProvider

TOKEN_START = "ecfp_"
# A token acts as its provider (declarations, voids: money). Issuing one is therefore its own permission, held
# by no role: a superuser grants it to named staff (README, "Back office roles").
ISSUE_PERMISSION = "api.issue_apitoken"
NOT_ALLOWED_TO_ISSUE = (
    "You may not issue API tokens: a token acts as its lead provider, so issuing one needs the "
    "“Can issue API tokens” permission, which a superuser grants to named staff."
)
PREFIX_LENGTH = len(TOKEN_START) + 6
# Recording every use would write a row per request; once a minute is enough to see activity.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(plaintext: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), plaintext.encode(), hashlib.sha256).hexdigest()


def may_issue_tokens(user: User | AnonymousUser) -> bool:
    return user.is_active and user.has_perm(ISSUE_PERMISSION)


@transaction.atomic
def api_token_create(
    *,
    lead_provider: LeadProvider,
    description: str = "",
    created_by: User | None = None,
    created_via: str = "",
) -> tuple[ApiToken, str]:
    """Make a new token for `lead_provider`; return the row and the plaintext (shown once, never stored).
    A staff member (`created_by`, made in the back office) needs the issuing permission, or PermissionDenied
    is raised and nothing is made; a command names itself in `created_via`."""
    if created_by is not None:
        if not may_issue_tokens(created_by):
            raise PermissionDenied(NOT_ALLOWED_TO_ISSUE)
        created_via = TokenSource.BACK_OFFICE
    plaintext = TOKEN_START + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        lead_provider=lead_provider,
        token_hash=token_digest(plaintext),
        prefix=plaintext[:PREFIX_LENGTH],
        description=description,
        created_by=created_by,
        created_via=created_via,
    )
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke `token` now. Revoking a revoked token changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_find(digest: str) -> ApiToken | None:
    """The live token whose digest (`token_digest`) this is, with its lead provider, or None. Reads only."""
    token = ApiToken.objects.select_related("lead_provider").filter(token_hash=digest, revoked_at__isnull=True).first()
    # The index lookup finds the row; the final comparison runs in constant time all the same.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def api_token_authenticate(plaintext: str, *, found: ApiToken | None = None) -> ApiToken | None:
    """Return the live token matching `plaintext` (with its lead provider), or None, and note its use. `found`:
    the live token already read for this request (by the rate limiter), which saves reading it again."""
    digest = token_digest(plaintext)
    token = found if found is not None and found.token_hash == digest else api_token_find(digest)
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE: usage is not an audited change and must not race other writes.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
