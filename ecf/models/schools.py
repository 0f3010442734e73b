from django.db import models

from ecf.choices import InductionProgrammeChoice
from ecf.models.base import ApiResourceModel, BaseModel

# Get Information about Schools (GIAS) codes that make a school eligible for funded training.
OPEN_STATUS_CODES = (1, 3)  # open; open but proposed to close
ELIGIBLE_TYPE_CODES = (
    1, 2, 3, 5, 6, 7, 8, 12, 14, 15, 18, 28, 31, 32, 33, 34, 35, 36,
    38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
)  # fmt: skip
INDEPENDENT_TYPE_CODES = (10, 11)  # eligible only when section 41 approved


class SchoolQuerySet(models.QuerySet["School"]):
    def funding_eligible(self) -> "SchoolQuerySet":
        return self.filter(School.funding_eligible_q())


class School(ApiResourceModel):
    """A school in England, as registered in Get Information about Schools (GIAS)."""

    urn = models.CharField("URN", max_length=8, unique=True)
    name = models.CharField(max_length=255)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    school_type_code = models.PositiveSmallIntegerField()
    school_type_name = models.CharField(max_length=100, blank=True)
    school_status_code = models.PositiveSmallIntegerField()
    school_status_name = models.CharField(max_length=100, blank=True)
    local_authority_code = models.CharField(max_length=10, blank=True)
    administrative_district_code = models.CharField(
        max_length=10, blank=True, help_text="English districts start with E."
    )
    postcode = models.CharField(max_length=10, blank=True)
    section_41_approved = models.BooleanField(default=False)
    primary_contact_email = models.EmailField(blank=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(urn__regex=r"^[0-9]{6,8}\Z"), name="school_urn_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @staticmethod
    def funding_eligible_q() -> models.Q:
        in_england = models.Q(administrative_district_code__istartswith="E")
        eligible_type = models.Q(school_type_code__in=ELIGIBLE_TYPE_CODES) | models.Q(
            school_type_code__in=INDEPENDENT_TYPE_CODES, section_41_approved=True
        )
        return models.Q(school_status_code__in=OPEN_STATUS_CODES) & in_england & eligible_type

    @property
    def is_open(self) -> bool:
        return self.school_status_code in OPEN_STATUS_CODES

    @property
    def funding_eligible(self) -> bool:
        in_england = self.administrative_district_code[:1].upper() == "E"
        eligible_type = self.school_type_code in ELIGIBLE_TYPE_CODES or (
            self.school_type_code in INDEPENDENT_TYPE_CODES and self.section_41_approved
        )
        return self.is_open and in_england and eligible_type


class SchoolCohort(BaseModel):
    """A school's arrangements for one cohort: its induction programme choice, induction tutor,
    and the funding uplifts its participants attract that year."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="school_cohorts")
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="school_cohorts")
    induction_programme_choice = models.CharField(
        max_length=32,
        choices=InductionProgrammeChoice.choices,
        default=InductionProgrammeChoice.NOT_YET_KNOWN,
    )
    induction_tutor_name = models.CharField(max_length=255, blank=True)
    induction_tutor_email = models.EmailField(blank=True)
    pupil_premium_uplift = models.BooleanField(default=False)
    sparsity_uplift = models.BooleanField(default=False)

    class Meta:
        ordering = ["school__name", "cohort__start_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "cohort"], name="school_cohort_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} - {self.cohort}"
