from django.conf import settings
from django.db import models

from ecf.models.base import BaseModel


class TokenSource(models.TextChoices):
    """How a token was made. Empty: not recorded (made before this was kept, or by code such as tests)."""

    BACK_OFFICE = "back office", "Back office"
    CREATE_COMMAND = "create_api_token", "manage.py create_api_token"
    DEVELOPMENT_COMMAND = "issue_development_tokens", "manage.py issue_development_tokens (development)"


class ApiToken(BaseModel):
    """A lead provider's API credential (decision D17). Only a keyed hash (HMAC-SHA256) of the token
    is stored: the plaintext is shown once, when it is made. `prefix` is the token's non-secret start,
    so staff can tell tokens apart and secret scanners can recognise a leaked one. A token acts as its
    provider, so who made it is kept: the staff member (back office) or the command (operators)."""

    lead_provider = models.ForeignKey("ecf.LeadProvider", on_delete=models.PROTECT, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    description = models.CharField(max_length=255, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_via = models.CharField(
        "made through", max_length=32, choices=TokenSource.choices, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="made by",
        help_text="The staff member who made it in the back office; empty for a command.",
    )

    class Meta:
        ordering = ["lead_provider__name", "-created_at"]
        verbose_name = "API token"
        permissions = [("issue_apitoken", "Can issue API tokens")]
        constraints = [
            models.CheckConstraint(condition=models.Q(token_hash__regex=r"^[0-9a-f]{64}\Z"), name="api_token_hash_hex"),
            models.CheckConstraint(
                condition=models.Q(created_via=TokenSource.BACK_OFFICE, created_by__isnull=False)
                | (~models.Q(created_via=TokenSource.BACK_OFFICE) & models.Q(created_by__isnull=True)),
                name="api_token_back_office_maker_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.lead_provider})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def maker(self) -> str:
        """Who made the token, for the back office: the staff member, the command, or "not recorded"."""
        if self.created_by is not None:
            full_name = self.created_by.get_full_name()
            return f"{full_name} ({self.created_by.get_username()})" if full_name else self.created_by.get_username()
        return self.get_created_via_display() or "not recorded"


class ApiRequest(BaseModel):
    """One write request (POST, PUT, PATCH or DELETE) to the lead provider API and what it was told,
    kept so support staff can answer "what did we send, and what happened?". Recorded by
    `api.request_log.ApiRequestLogMiddleware`. Never holds the Authorization header or any token:
    token-like text in the body or path is redacted before it is stored."""

    lead_provider = models.ForeignKey(
        "ecf.LeadProvider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_requests",
        help_text="The provider whose token authenticated the request; empty when it was not authenticated.",
    )
    token = models.ForeignKey(
        ApiToken,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        help_text="The token that authenticated the request (and so who made it); empty when none did.",
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000, help_text="The path requested, without the query string.")
    request_body = models.JSONField(
        null=True,
        blank=True,
        help_text="The JSON sent; text that is not JSON is kept as a string (its first 10,000 characters).",
    )
    status_code = models.PositiveSmallIntegerField()
    response_errors = models.JSONField(
        null=True, blank=True, help_text="The `errors` of a 4xx answer; empty otherwise."
    )
    resource_id = models.CharField(
        "resource id",
        max_length=64,
        null=True,
        blank=True,
        db_index=True,
        help_text="The `data.id` of a successful answer: the resource the request created or changed.",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API write request"
        indexes = [models.Index(fields=["lead_provider", "-created_at"], name="api_request_lp_created_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status_code}"
