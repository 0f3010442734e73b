"""Daily touches of participants whose shown data changed with the calendar rather than with a write.

A participant's `participant_status` is read from its training periods as of today
(`TrainingPeriod.participant_status`): `joining` becomes `active` on the period's start date and
`leaving` becomes `left` on its end date, with no row saved on that day. Its ECT's `mentor_id` (and its
place in a provider's unfunded mentors) likewise follows mentor assignments starting and ending. So that
providers syncing with `filter[updated_since]` see those changes on the day they happen (contract §5.4),
a daily job (`finance.jobs`) touches the participants concerned: their `api_updated_at` becomes now.

Each touch is one UPDATE over the rows changed in a window of days, however many participants there are.
"""

from datetime import date

from django.db import transaction
from django.db.models import Q

from ecf import clock
from ecf.models import MentorAssignment, Participant, TrainingPeriod


def dated_between(*, since: date, today: date) -> Q:
    """Rows (periods, mentor assignments) starting or ending on a day after `since`, up to `today`: those
    whose date-derived meaning changed in that window."""
    return Q(start_date__gt=since, start_date__lte=today) | Q(end_date__gt=since, end_date__lte=today)


def participant_status_touch(*, since: date, today: date) -> int:
    """Touch (`api_updated_at` = now) every participant whose date-derived data changed on a day after
    `since` up to `today`: a training period of theirs started or ended (`participant_status`), or a
    mentor assignment of theirs, as ECT or mentor, started or ended (`mentor_id`, unfunded mentors).
    One UPDATE; touches nothing when `since` is not before `today`. Returns how many were touched."""
    if since >= today:
        return 0
    window = dated_between(since=since, today=today)
    periods = TrainingPeriod.objects.filter(window).values("training_record__participant")
    assignments = MentorAssignment.objects.filter(window)
    changed = Participant.objects.filter(
        Q(pk__in=periods)
        | Q(pk__in=assignments.values("ect__participant"))
        | Q(pk__in=assignments.values("mentor__participant"))
    )
    with transaction.atomic():
        return changed.update(api_updated_at=clock.now())
