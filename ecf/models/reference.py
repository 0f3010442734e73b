from django.db import models

from ecf import clock
from ecf.models.base import ApiResourceModel, BaseModel


class Cohort(BaseModel):
    """A cohort (contract year): the academic year in which a participant's training starts."""

    start_year = models.PositiveSmallIntegerField(unique=True)
    registration_start_date = models.DateField()
    academic_year_start_date = models.DateField()
    automatic_assignment_period_end_date = models.DateField(null=True, blank=True)
    payments_frozen_at = models.DateTimeField(
        null=True, blank=True, help_text="Once reached, no new payments are made for this cohort."
    )
    mentor_funding = models.BooleanField(
        default=False, help_text="Mentors are paid on their own flat-rate contract (2025 onwards)."
    )
    detailed_evidence_types = models.BooleanField(
        default=False, help_text="Declarations need detailed evidence (2025 onwards)."
    )
    uplift_fees_enabled = models.BooleanField(
        default=False, help_text="Pupil premium and sparsity uplifts are paid (2021 to 2024)."
    )

    class Meta:
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__gte=2020, start_year__lte=2100),
                name="cohort_start_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return str(self.start_year)

    @property
    def payments_frozen(self) -> bool:
        return self.payments_frozen_at is not None and clock.now() >= self.payments_frozen_at


class LeadProvider(BaseModel):
    """A lead provider: a training organisation the department contracts to train ECTs and mentors.
    It owns API tokens, partnerships, declarations and statements."""

    name = models.CharField(max_length=255, unique=True)
    vat_registered = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryPartner(ApiResourceModel):
    """A delivery partner: an organisation that delivers a lead provider's training to schools."""

    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
