from django.db import models

from ecf.models.base import ApiResourceModel, BaseModel
from partnerships.choices import ChallengeReason, PartnershipStatus


class ProviderRelationship(BaseModel):
    """The department's permission for a lead provider to work with a delivery partner in a cohort.
    A partnership can only name a delivery partner the provider has a relationship with."""

    lead_provider = models.ForeignKey(
        "ecf.LeadProvider", on_delete=models.PROTECT, related_name="provider_relationships"
    )
    delivery_partner = models.ForeignKey(
        "ecf.DeliveryPartner", on_delete=models.PROTECT, related_name="provider_relationships"
    )
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="provider_relationships")

    class Meta:
        ordering = ["lead_provider__name", "cohort__start_year", "delivery_partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead_provider", "delivery_partner", "cohort"], name="provider_relationship_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_provider} with {self.delivery_partner} ({self.cohort})"


class Partnership(ApiResourceModel):
    """A school's agreement with a lead provider (and one of its delivery partners) to deliver
    provider-led training in a cohort. Several providers may partner one school in a cohort, but a
    provider has at most one partnership per school and cohort (decision D8). A school may challenge it."""

    school = models.ForeignKey("ecf.School", on_delete=models.PROTECT, related_name="partnerships")
    lead_provider = models.ForeignKey("ecf.LeadProvider", on_delete=models.PROTECT, related_name="partnerships")
    delivery_partner = models.ForeignKey("ecf.DeliveryPartner", on_delete=models.PROTECT, related_name="partnerships")
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="partnerships")
    status = models.CharField(max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE)
    challenge_reason = models.CharField(max_length=32, choices=ChallengeReason.choices, blank=True)
    challenged_at = models.DateTimeField(null=True, blank=True)
    challenge_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["lead_provider", "cohort"], name="partnership_lp_cohort_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["lead_provider", "school", "cohort"],
                name="partnership_one_per_provider_school_cohort",
            ),
            models.CheckConstraint(
                condition=models.Q(status=PartnershipStatus.CHALLENGED, challenged_at__isnull=False)
                & ~models.Q(challenge_reason="")
                | models.Q(status=PartnershipStatus.ACTIVE, challenge_reason="", challenged_at__isnull=True),
                name="partnership_challenge_fields_match_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} with {self.lead_provider} ({self.cohort})"

    @property
    def is_challenged(self) -> bool:
        return self.status == PartnershipStatus.CHALLENGED
