from django.core.exceptions import ValidationError
from django.db import models

from ecf.choices import (
    CourseIdentifier,
    FundingEligibility,
    MentorIneligibleReason,
    ParticipantType,
    WorkingPattern,
)
from ecf.models.base import ApiResourceModel, BaseModel


class Participant(ApiResourceModel):
    """A person in funded training (an ECT, a mentor, or both). Its id is the API's `participant_id`;
    each role the person trains in is a `TrainingRecord`."""

    full_name = models.CharField(max_length=255)
    trn = models.CharField("TRN", max_length=7, blank=True, db_index=True, help_text="Teacher reference number")
    trn_validated = models.BooleanField("TRN validated", default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["api_updated_at", "id"], name="participant_sync_idx")]
        # Merging duplicates retires one participant, but it is not a delete: no role deletes anything.
        permissions = [("merge_participant", "Can merge duplicate participants")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trn="") | models.Q(trn__regex=r"^[0-9]{7}\Z"),
                name="participant_trn_7_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(trn_validated=False) | ~models.Q(trn=""),
                name="participant_validated_trn_present",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class ParticipantIdChange(BaseModel):
    """The record of two duplicate participants merged into one: `from_participant_id` was retired
    in favour of `to_participant_id` (shown to providers as `participant_id_changes`)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="id_changes")
    from_participant_id = models.UUIDField(db_index=True)
    to_participant_id = models.UUIDField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_participant_id=models.F("to_participant_id")),
                name="participant_id_change_differs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_participant_id} → {self.to_participant_id}"


class TrainingRecord(BaseModel):
    """One role a participant trains in: an ECT's induction or a mentor's training. Its id is the
    API's `training_record_id`. A person has at most one of each type (the successor service's rule).
    Where and with whom the training happens over time is in its `TrainingPeriod`s."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="training_records")
    participant_type = models.CharField(max_length=8, choices=ParticipantType.choices)
    email = models.EmailField()
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="training_records")
    schedule = models.ForeignKey("ecf.Schedule", on_delete=models.PROTECT, related_name="training_records")
    funding_eligibility = models.CharField(
        max_length=16, choices=FundingEligibility.choices, default=FundingEligibility.NOT_YET_KNOWN
    )
    pupil_premium_uplift = models.BooleanField(default=False)
    sparsity_uplift = models.BooleanField(default=False)
    working_pattern = models.CharField(max_length=16, choices=WorkingPattern.choices, blank=True)
    induction_start_date = models.DateField(
        null=True, blank=True, help_text="Overall induction start date, from the appropriate body (ECTs)."
    )
    induction_end_date = models.DateField(null=True, blank=True, help_text="Induction completed (ECTs).")
    most_recent_induction_period_end_date = models.DateField(null=True, blank=True)
    mentor_funding_end_date = models.DateField(null=True, blank=True, help_text="Mentor training completed.")
    mentor_ineligible_reason = models.CharField(max_length=40, choices=MentorIneligibleReason.choices, blank=True)
    cohort_changed_after_payments_frozen = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "participant_type"], name="training_record_one_per_role"),
            models.CheckConstraint(
                condition=models.Q(participant_type=ParticipantType.ECT)
                | models.Q(
                    working_pattern="",
                    induction_start_date__isnull=True,
                    induction_end_date__isnull=True,
                    most_recent_induction_period_end_date__isnull=True,
                ),
                name="training_record_induction_fields_ect_only",
            ),
            models.CheckConstraint(
                condition=models.Q(participant_type=ParticipantType.MENTOR)
                | models.Q(mentor_ineligible_reason="", mentor_funding_end_date__isnull=True),
                name="training_record_mentor_fields_mentor_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} ({self.get_participant_type_display()})"

    def clean(self) -> None:
        if self.schedule_id and self.cohort_id and self.schedule.cohort_id != self.cohort_id:
            raise ValidationError({"schedule": "The schedule must belong to the training record's cohort."})

    @property
    def is_ect(self) -> bool:
        return self.participant_type == ParticipantType.ECT

    @property
    def course_identifier(self) -> CourseIdentifier:
        """The API's `course_identifier` of this record: what declarations and a provider's actions name."""
        return CourseIdentifier.ECT if self.is_ect else CourseIdentifier.MENTOR

    @property
    def eligible_for_funding(self) -> bool | None:
        return eligible_for_funding(self.funding_eligibility)


_ELIGIBLE_FOR_FUNDING: dict[str, bool] = {FundingEligibility.ELIGIBLE: True, FundingEligibility.INELIGIBLE: False}


def eligible_for_funding(funding_eligibility: str) -> bool | None:
    """The API's tri-state `eligible_for_funding` of a record's `funding_eligibility`: null while not yet known."""
    return _ELIGIBLE_FOR_FUNDING.get(funding_eligibility)
