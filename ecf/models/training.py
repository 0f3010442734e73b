from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from ecf.choices import (
    DeferReason,
    InductionStatus,
    ParticipantStatus,
    TrainingStatus,
    WithdrawReason,
)
from ecf.models.base import BaseModel


class TrainingPeriod(BaseModel):
    """A slice of a training record's history: training at one school, with one lead provider (and,
    once confirmed, through one of its partnerships), between two dates. School moves and provider
    changes end one period and start another; `participant_status` and transfers are read from them.
    Links to `partnerships.Partnership` (the data needs it; behaviour stays in `partnerships`)."""

    training_record = models.ForeignKey("ecf.TrainingRecord", on_delete=models.CASCADE, related_name="training_periods")
    school = models.ForeignKey("ecf.School", on_delete=models.PROTECT, related_name="training_periods")
    lead_provider = models.ForeignKey(
        "ecf.LeadProvider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_periods",
        help_text="Empty for school-led training.",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_periods",
        help_text="Empty until the provider confirms a partnership with the school (expression of interest).",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    induction_status = models.CharField(max_length=16, choices=InductionStatus.choices, default=InductionStatus.ACTIVE)
    training_status = models.CharField(max_length=16, choices=TrainingStatus.choices, default=TrainingStatus.ACTIVE)
    school_transfer = models.BooleanField(
        default=False, help_text="Part of a move between schools reported by a school."
    )

    class Meta:
        ordering = ["training_record", "start_date", "created_at"]
        indexes = [models.Index(fields=["lead_provider", "training_record"], name="period_provider_record_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="training_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(partnership__isnull=True) | models.Q(lead_provider__isnull=False),
                name="training_period_partnership_needs_provider",
            ),
            models.UniqueConstraint(
                fields=["training_record"],
                condition=models.Q(end_date__isnull=True),
                name="training_period_one_open_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_record} at {self.school} from {self.start_date}"

    def clean(self) -> None:
        if self.partnership is None:
            return
        if self.lead_provider_id != self.partnership.lead_provider_id:
            raise ValidationError({"partnership": "The partnership must belong to the period's lead provider."})
        if self.school_id != self.partnership.school_id:
            raise ValidationError({"partnership": "The partnership must be with the period's school."})

    def participant_status(self, today: date) -> ParticipantStatus:
        return participant_status(
            start_date=self.start_date, end_date=self.end_date, induction_status=self.induction_status, today=today
        )


def participant_status(
    *, start_date: date, end_date: date | None, induction_status: str, today: date
) -> ParticipantStatus:
    """The school-controlled status shown to providers for a period, as of `today` (domain rules §2.2)."""
    if end_date is not None:
        return ParticipantStatus.LEAVING if end_date > today else ParticipantStatus.LEFT
    if start_date > today:
        return ParticipantStatus.JOINING
    if induction_status == InductionStatus.WITHDRAWN:
        return ParticipantStatus.WITHDRAWN
    return ParticipantStatus.ACTIVE


class MentorAssignment(BaseModel):
    """A mentor assigned to an ECT over a period of time (ECT training record ↔ mentor training record)."""

    ect = models.ForeignKey("ecf.TrainingRecord", on_delete=models.CASCADE, related_name="mentor_assignments")
    mentor = models.ForeignKey("ecf.TrainingRecord", on_delete=models.CASCADE, related_name="mentee_assignments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ect", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="mentor_assignment_ends_after_start",
            ),
            models.CheckConstraint(condition=~models.Q(ect=models.F("mentor")), name="mentor_assignment_not_self"),
            models.UniqueConstraint(
                fields=["ect"],
                condition=models.Q(end_date__isnull=True),
                name="mentor_assignment_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.ect}"

    def clean(self) -> None:
        if self.ect_id and not self.ect.is_ect:
            raise ValidationError({"ect": "Only an ECT training record can be mentored."})
        if self.mentor_id and self.mentor.is_ect:
            raise ValidationError({"mentor": "The mentor must be a mentor training record."})


class TrainingStatusChange(BaseModel):
    """A lead provider's action on a training record: withdraw, defer or resume, with its reason.
    Append-only; the latest row per provider is the provider's current view."""

    training_record = models.ForeignKey(
        "ecf.TrainingRecord", on_delete=models.CASCADE, related_name="training_status_changes"
    )
    lead_provider = models.ForeignKey(
        "ecf.LeadProvider", on_delete=models.PROTECT, related_name="training_status_changes"
    )
    training_status = models.CharField(max_length=16, choices=TrainingStatus.choices)
    reason = models.CharField(
        max_length=40, blank=True, choices=sorted({*WithdrawReason.choices, *DeferReason.choices})
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["training_record", "changed_at"]
        get_latest_by = "changed_at"
        constraints = [
            # Resuming takes no reason; withdrawing and deferring each take one of their own reasons.
            models.CheckConstraint(
                condition=models.Q(training_status=TrainingStatus.ACTIVE, reason="")
                | models.Q(training_status=TrainingStatus.WITHDRAWN, reason__in=WithdrawReason.values)
                | models.Q(training_status=TrainingStatus.DEFERRED, reason__in=DeferReason.values),
                name="training_status_change_reason_fits_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_record}: {self.training_status} ({self.changed_at:%Y-%m-%d})"
