from django.db import models

from ecf.models.base import BaseModel


class ApiToken(BaseModel):
    """A lead provider's API credential (decision D17). Only a keyed hash (HMAC-SHA256) of the token
    is stored: the plaintext is shown once, when it is made. `prefix` is the token's non-secret start,
    so staff can tell tokens apart and secret scanners can recognise a leaked one."""

    lead_provider = models.ForeignKey("ecf.LeadProvider", on_delete=models.PROTECT, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    description = models.CharField(max_length=255, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lead_provider__name", "-created_at"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=models.Q(token_hash__regex=r"^[0-9a-f]{64}\Z"), name="api_token_hash_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.lead_provider})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
