from django.db import models

from ecf.choices import SCHEDULE_IDENTIFIERS, DeclarationType, ScheduleType
from ecf.models.base import BaseModel


class Schedule(BaseModel):
    """A training schedule: the milestones (and their dates) at which a provider may declare a
    participant's progress, one set per cohort."""

    identifier = models.CharField(max_length=40, choices=[(i, i) for i in SCHEDULE_IDENTIFIERS])
    name = models.CharField(max_length=100)
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="schedules")
    schedule_type = models.CharField(max_length=16, choices=ScheduleType.choices)

    class Meta:
        ordering = ["cohort__start_year", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["identifier", "cohort"], name="schedule_identifier_cohort_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.cohort})"

    @property
    def mentors_only(self) -> bool:
        return self.schedule_type == ScheduleType.REPLACEMENT


class Milestone(BaseModel):
    """One declaration type's window in a schedule: declarations dated from `start_date` up to
    `milestone_date` (open-ended when empty) are accepted, and are paid around `payment_date`."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=100)
    declaration_type = models.CharField(max_length=16, choices=DeclarationType.choices)
    start_date = models.DateField()
    milestone_date = models.DateField(null=True, blank=True)
    payment_date = models.DateField()

    class Meta:
        ordering = ["schedule", "start_date", "declaration_type"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "declaration_type"], name="milestone_schedule_type_unique"),
            models.CheckConstraint(
                condition=models.Q(milestone_date__isnull=True) | models.Q(milestone_date__gt=models.F("start_date")),
                name="milestone_date_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} - {self.declaration_type}"
