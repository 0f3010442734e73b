"""The schools a lead provider may partner with in a cohort (domain rules §10, contract §2.5)."""

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, NullIf

from ecf.choices import InductionProgrammeChoice
from ecf.models import Cohort, LeadProvider, School, SchoolCohort, TrainingPeriod


def school_list(*, lead_provider: LeadProvider, cohort_year: int) -> QuerySet[School]:
    """The schools shown for the cohort starting in `cohort_year`: every funding-eligible school, and
    any other school that has an unchallenged partnership (with any provider) in the cohort. The list is
    the same for every provider; an unknown cohort gives no schools.

    Each school is annotated, in the same query, with what the API shows for it in that cohort:
    - `cohort_year`: the requested year;
    - `in_partnership`: the school has an unchallenged partnership with any provider in the cohort;
    - `induction_programme_choice`: the school's choice for the cohort, `not_yet_known` without one;
    - `expression_of_interest`: `lead_provider` has a partnership with the school in the cohort (even a
      challenged one), or a training period at the school for a training record of the cohort;
    - `induction_tutor_name` / `induction_tutor_email`: the school's induction tutor for the cohort,
      only when `expression_of_interest` (null otherwise, and when blank);
    - `updated_at_in_cohort`: the later of the school's `api_updated_at` and the update time of its
      arrangements for the cohort (`filter[updated_since]` and `sort=updated_at` read it).
    """
    school_cohort = SchoolCohort.objects.filter(school=OuterRef("pk"), cohort__start_year=cohort_year).order_by()
    # An unchallenged partnership has no challenge time (partnership_challenge_fields_match_status). The
    # conditions on `partnerships__` sit in one filter() call, so they hold for the same partnership.
    partnered = School.objects.filter(
        pk=OuterRef("pk"), partnerships__cohort__start_year=cohort_year, partnerships__challenged_at__isnull=True
    )
    own_partnership = lead_provider.partnerships.filter(school=OuterRef("pk"), cohort__start_year=cohort_year)
    own_training = TrainingPeriod.objects.filter(
        school=OuterRef("pk"), lead_provider=lead_provider, training_record__cohort__start_year=cohort_year
    )

    def tutor(field: str) -> Case:
        return Case(
            When(expression_of_interest=True, then=NullIf(Subquery(school_cohort.values(field)[:1]), Value(""))),
            default=Value(None),
            output_field=CharField(),
        )

    return (
        School.objects.annotate(
            cohort_year=Value(cohort_year),
            in_partnership=Exists(partnered),
            induction_programme_choice=Coalesce(
                Subquery(school_cohort.values("induction_programme_choice")[:1]),
                Value(InductionProgrammeChoice.NOT_YET_KNOWN.value),
                output_field=CharField(),
            ),
            expression_of_interest=ExpressionWrapper(
                Q(Exists(own_partnership)) | Q(Exists(own_training)), output_field=BooleanField()
            ),
            updated_at_in_cohort=Greatest(
                F("api_updated_at"),
                # SQLite's max() is null when an argument is: fall back to the school's own time.
                Coalesce(Subquery(school_cohort.values("updated_at")[:1]), F("api_updated_at")),
                output_field=DateTimeField(),
            ),
        )
        .annotate(
            induction_tutor_name=tutor("induction_tutor_name"), induction_tutor_email=tutor("induction_tutor_email")
        )
        .filter(Exists(Cohort.objects.filter(start_year=cohort_year)))
        .filter(School.funding_eligible_q() | Q(in_partnership=True))
    )
