import calendar
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ecf.models.base import ApiResourceModel, BaseModel
from ecf.money import format_money
from finance.choices import BandName, ContractType, StatementStatus


def money_field(**options: Any) -> models.DecimalField:
    """Pounds and pence, held exactly (D20)."""
    return models.DecimalField(max_digits=12, decimal_places=2, **options)


class Contract(BaseModel):
    """A lead provider's call-off contract for a cohort: the prices its statements are calculated with.
    ECTs (and before 2025 mentors too) are paid by participant bands; from 2025 mentors are paid a flat
    rate per participant. A change is a new version, never an edit of a priced statement's contract."""

    lead_provider = models.ForeignKey("ecf.LeadProvider", on_delete=models.PROTECT, related_name="contracts")
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="contracts")
    version = models.CharField(max_length=20, default="0.0.1")
    contract_type = models.CharField(max_length=16, choices=ContractType.choices, default=ContractType.ECF)
    recruitment_target = models.PositiveIntegerField()
    set_up_fee = money_field(default=Decimal("0"))
    monthly_service_fee = money_field(
        null=True, blank=True, help_text="Empty: calculated from the bands and recruitment target."
    )
    uplift_amount = money_field(null=True, blank=True, help_text="Per uplifted start. Empty: no uplift fees.")
    uplift_target = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, help_text="Ratio, shown only; not enforced."
    )
    vat_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    mentor_recruitment_target = models.PositiveIntegerField(null=True, blank=True)
    mentor_payment_per_participant = money_field(
        null=True,
        blank=True,
        help_text="Flat-rate mentor fee (2025 onwards): 50% started, 50% completed.",
    )

    class Meta:
        ordering = ["lead_provider__name", "cohort__start_year", "version"]
        constraints = [
            models.UniqueConstraint(fields=["lead_provider", "cohort", "version"], name="contract_version_unique"),
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0, vat_rate__lte=1), name="contract_vat_rate_fraction"
            ),
            models.CheckConstraint(
                condition=models.Q(contract_type=ContractType.ECF, mentor_payment_per_participant__isnull=True)
                | models.Q(contract_type=ContractType.ITTECF_ECTP, mentor_payment_per_participant__isnull=False),
                name="contract_mentor_flat_rate_iff_ittecf",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_provider} {self.cohort} v{self.version}"


PRICED_CONTRACT = "This contract prices statements: copy it as a new version to change its bands."


class Band(BaseModel):
    """A participant band of a contract: participants counted from `min` to `max` (in declaration
    order) are paid `per_participant`, split between output fees and service fees."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=1, choices=BandName.choices)
    min = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for band A (from 1).")
    max = models.PositiveIntegerField()
    per_participant = money_field()
    output_payment_percentage = models.PositiveSmallIntegerField(default=60)
    service_fee_percentage = models.PositiveSmallIntegerField(default=40)

    class Meta:
        ordering = ["contract", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="band_name_unique_per_contract"),
            models.CheckConstraint(
                condition=models.Q(min__isnull=True) | models.Q(min__lte=models.F("max")),
                name="band_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=models.Q(output_payment_percentage__lte=100)
                & models.Q(output_payment_percentage=100 - models.F("service_fee_percentage")),
                name="band_percentages_sum_to_100",
            ),
            models.CheckConstraint(condition=models.Q(per_participant__gte=0), name="band_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} band {self.name}"

    def clean(self) -> None:
        if self.contract_id and self.contract.statements.exists():
            raise ValidationError({"contract": PRICED_CONTRACT})


class Statement(ApiResourceModel):
    """A monthly financial statement for one lead provider and cohort. Output-fee statements receive
    declarations (and clawbacks) until their deadline; every statement carries service fees.
    Status moves open → payable (after the deadline) → paid (authorised by finance)."""

    lead_provider = models.ForeignKey("ecf.LeadProvider", on_delete=models.PROTECT, related_name="statements")
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="statements")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="statements")
    month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    year = models.PositiveSmallIntegerField()
    deadline_date = models.DateField(help_text="Milestone cut-off date.")
    payment_date = models.DateField()
    output_fee = models.BooleanField(default=True, help_text="Receives declarations; otherwise service fee only.")
    status = models.CharField(max_length=8, choices=StatementStatus.choices, default=StatementStatus.OPEN)
    marked_as_paid_at = models.DateTimeField(null=True, blank=True)
    paid_breakdown = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The figures the statement was paid with, kept at authorisation.",
    )

    class Meta:
        ordering = ["payment_date", "lead_provider__name"]
        permissions = [("authorise_payment", "Can authorise statements for payment")]
        indexes = [
            models.Index(fields=["lead_provider", "cohort", "deadline_date"], name="statement_next_output_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lead_provider", "cohort", "year", "month"],
                name="statement_one_per_provider_cohort_month",
            ),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="statement_month_valid"),
            models.CheckConstraint(
                condition=models.Q(payment_date__gte=models.F("deadline_date")),
                name="statement_paid_on_or_after_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(status=StatementStatus.PAID, marked_as_paid_at__isnull=False)
                | (~models.Q(status=StatementStatus.PAID) & models.Q(marked_as_paid_at__isnull=True)),
                name="statement_marked_paid_iff_paid",
            ),
            # The figures kept at authorisation (D19) exist only on a paid statement.
            models.CheckConstraint(
                condition=models.Q(paid_breakdown__isnull=True) | models.Q(status=StatementStatus.PAID),
                name="statement_paid_figures_only_when_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_provider} - {self.name} ({self.cohort})"

    def clean(self) -> None:
        contract = self.contract
        if (contract.lead_provider_id, contract.cohort_id) != (self.lead_provider_id, self.cohort_id):
            raise ValidationError({"contract": "The contract must be the statement's lead provider's, for its cohort."})

    @property
    def name(self) -> str:
        return f"{self.month_name} {self.year}"

    @property
    def month_name(self) -> str:
        return calendar.month_name[self.month]


class Adjustment(BaseModel):
    """A one-off signed amount added to a statement by the finance team (a correction or extra payment)."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="adjustments")
    description = models.CharField(max_length=500)
    amount = money_field()

    class Meta:
        ordering = ["statement", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0) & models.Q(amount__gte=-1_000_000, amount__lte=1_000_000),
                name="adjustment_amount_nonzero_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {format_money(self.amount)}"

    def clean(self) -> None:
        if self._state.adding and self.statement_id and self.statement.status == StatementStatus.PAID:
            raise ValidationError({"statement": "A paid statement cannot take new adjustments."})


class JobRun(BaseModel):
    """The last day a daily job (`finance.jobs`) completed, one row per job: a late or missed run catches
    up on the days since, and a second run on the same day finds nothing new. Its history is the run log;
    setting the day back in the back office makes the next run replay the days after it."""

    name = models.CharField(max_length=64, unique=True)
    last_run_on = models.DateField(
        null=True, blank=True, help_text="The day (Europe/London) the job last completed. Empty: never."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
