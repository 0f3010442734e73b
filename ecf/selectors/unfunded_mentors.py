"""Unfunded mentors of a lead provider (contract §2.8, domain rules §8): the mentors of its ECTs that it
does not train, so that it can still give them access to its training materials."""

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from ecf import clock
from ecf.choices import ParticipantType
from ecf.models import LeadProvider, Participant, TrainingRecord
from ecf.selectors.participants import current_mentor_assignment_list, provider_period_list


def unfunded_mentor_list(*, lead_provider: LeadProvider, today: date | None = None) -> QuerySet[Participant]:
    """Participants with a mentor training record that is:

    - assigned, in an assignment in force on `today` or later (London today by default), to an ECT
      training record visible to `lead_provider` (as in `participant_list`: it has a period with the
      provider outside any challenged partnership, even one that has ended); and
    - not trained by `lead_provider`: the mentor record has no period with it outside a challenged
      partnership (a mentor the provider trains, or trained, is one of its participants instead).

    Each row carries `mentor_email`, the e-mail of the mentor training record.
    """
    today = today or clock.today()
    mine = provider_period_list(lead_provider=lead_provider)
    mentor_records = TrainingRecord.objects.filter(participant=OuterRef("pk"), participant_type=ParticipantType.MENTOR)
    mentors_my_ects = current_mentor_assignment_list(today=today).filter(
        Exists(mine.filter(training_record=OuterRef("ect"))),
        mentor__participant=OuterRef("pk"),
        mentor__participant_type=ParticipantType.MENTOR,
    )
    trained_by_me = mine.filter(
        training_record__participant=OuterRef("pk"), training_record__participant_type=ParticipantType.MENTOR
    )
    return Participant.objects.filter(Exists(mentors_my_ects), ~Exists(trained_by_me)).annotate(
        mentor_email=Subquery(mentor_records.values("email")[:1])
    )
