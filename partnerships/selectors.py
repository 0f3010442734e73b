"""What a lead provider reads about partnerships (domain rules §9.3, contract §2.4)."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from ecf import clock
from ecf.models import LeadProvider, SchoolCohort, TrainingPeriod
from partnerships.models import Partnership


def partnership_list(*, lead_provider: LeadProvider) -> QuerySet[Partnership]:
    """The provider's own partnerships, in every cohort, including those the school has challenged
    (shown with status `challenged`, so the provider learns of the challenge).

    Each row is annotated, in the same query, with:
    - `induction_tutor_name` / `induction_tutor_email`: from the school's arrangements for the
      partnership's cohort (`SchoolCohort`); null when there are none or they are blank;
    - `participants_currently_training`: how many training records train through the partnership
      today (London calendar day): a period started on or before today that has not ended (no end date,
      or one in the future).
    """
    today = clock.today()
    school_cohort = SchoolCohort.objects.filter(school=OuterRef("school"), cohort=OuterRef("cohort")).order_by()
    training_now = (
        TrainingPeriod.objects.filter(partnership=OuterRef("pk"), start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .order_by()
        .values("partnership")
        .annotate(records=Count("training_record", distinct=True))
        .values("records")
    )
    return (
        Partnership.objects.filter(lead_provider=lead_provider)
        .select_related("school", "delivery_partner", "cohort")
        .annotate(
            induction_tutor_name=NullIf(Subquery(school_cohort.values("induction_tutor_name")[:1]), Value("")),
            induction_tutor_email=NullIf(Subquery(school_cohort.values("induction_tutor_email")[:1]), Value("")),
            participants_currently_training=Coalesce(
                Subquery(training_now, output_field=IntegerField()), Value(0), output_field=IntegerField()
            ),
        )
    )
