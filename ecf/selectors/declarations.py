"""Which declarations a lead provider can read (domain rules §3.12, contract §2.3)."""

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ecf.choices import LIVE_DECLARATION_STATES
from ecf.models import Declaration, LeadProvider, SharedRecordDeclaration, TrainingPeriod


def declaration_list(*, lead_provider: LeadProvider) -> QuerySet[Declaration]:
    """The declarations `lead_provider` can read, each with its `lead_provider_name`:

    - all of its own declarations, in every state;
    - another provider's declaration only while it still holds its slot (submitted, eligible, payable
      or paid: not voided, ineligible or clawed back), for a training record the provider trains in a
      period of its own (through a partnership the school has not challenged, or not yet through a
      partnership), and only if the declaration is dated on or before the end of that period (London
      calendar day; an open period has no end).

    Why: a provider that takes a participant over must see what the previous provider has already
    claimed, since a claimed milestone cannot be declared again (decision D5).

    Decision on the successor service's refinement (the date limit): applied. A provider the participant
    has left sees the claims made while it was training them, never those the next provider makes
    after the participant left. That is the original service's rule for a leaving induction record, put
    simply: the date limit is the end of the provider's latest qualifying period, so it changes nothing
    while the provider is still training the participant. A challenged partnership gives no sight of
    other providers' declarations (as it hides the participant, D8). The rule is per training record:
    training someone as a mentor gives no sight of their ECT declarations.
    """
    qualifying_periods = TrainingPeriod.objects.filter(
        # An unchallenged partnership has no challenge time (partnership_challenge_fields_match_status).
        Q(partnership__isnull=True) | Q(partnership__challenged_at__isnull=True),
        lead_provider=lead_provider,
    )
    covering_periods = qualifying_periods.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("declaration_day")),
        training_record=OuterRef("training_record"),
    )
    others_visible = (
        Q(state__in=LIVE_DECLARATION_STATES)
        # Not needed for the result, but rules out all but the few declarations on shared records with one
        # lookup in a small table, before the periods are checked row by row.
        & Q(pk__in=SharedRecordDeclaration.objects.values("declaration_id"))
        & Q(Exists(covering_periods))
    )
    return (
        Declaration.objects.alias(declaration_day=TruncDate("declaration_date", tzinfo=timezone.get_default_timezone()))
        .filter(Q(lead_provider=lead_provider) | others_visible)
        # The submitting provider's name as a column: cheaper than a provider object for every row of a page.
        .annotate(lead_provider_name=F("lead_provider__name"))
    )


def unlisted_shared_record_declarations() -> QuerySet[Declaration]:
    """Declarations on a training record another provider has a period for that `SharedRecordDeclaration`
    lacks: none while the database's triggers hold. One would be hidden from that provider's list."""
    other_providers_periods = TrainingPeriod.objects.filter(
        training_record=OuterRef("training_record"), lead_provider__isnull=False
    ).exclude(lead_provider=OuterRef("lead_provider"))
    return Declaration.objects.filter(Exists(other_providers_periods)).exclude(
        pk__in=SharedRecordDeclaration.objects.values("declaration_id")
    )
