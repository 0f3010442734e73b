"""Daily touch of partnerships whose `participants_currently_training` changed with the calendar.

The count (`partnerships.selectors.partnership_list`) takes the periods started on or before today that
have not ended, so it moves on a period's start date and on its end date with no row saved that day.
So that providers syncing with `filter[updated_since]` see the new count on the day it changes
(release notes 2026-06-16: "now touched nightly"), a daily job (`finance.jobs`) touches those
partnerships: their `api_updated_at` becomes now. One UPDATE, however many periods there are.
"""

from datetime import date

from django.db import transaction

from ecf import clock
from ecf.models import TrainingPeriod
from ecf.services.daily import dated_between
from partnerships.models import Partnership


def partnership_currently_training_touch(*, since: date, today: date) -> int:
    """Touch (`api_updated_at` = now) every partnership with a training period that started or ended on a
    day after `since` up to `today`. One UPDATE; touches nothing when `since` is not before `today`.
    Returns how many were touched."""
    if since >= today:
        return 0
    periods = TrainingPeriod.objects.filter(dated_between(since=since, today=today), partnership__isnull=False)
    changed = Partnership.objects.filter(pk__in=periods.values("partnership"))
    with transaction.atomic():
        return changed.update(api_updated_at=clock.now())
