"""The daily jobs, run together by `manage.py run_daily_jobs` (what a scheduler calls once a day):

- `mark_statements_payable`: open statements past their cut-off become payable (`statements_mark_payable`);
- `touch_participants`: participants whose `participant_status` or mentor changed with the calendar
  (`ecf.services.daily`);
- `touch_partnerships`: partnerships whose `participants_currently_training` changed (`partnerships.daily`);
- `check_finance_integrity`: the statement invariants (`finance.services.integrity`); each violation is logged
  as an error and the job fails, so the run exits non-zero and whoever watches the scheduler is told.

Each job remembers the last day it completed (`JobRun`) and covers the days after it up to today, so a
late run, or one after missed days, catches up, and a second run on the same day finds nothing new. A job
that has never run covers today only. The jobs run one after the other, each in its own transaction: a
failing job is rolled back (its day is not recorded, so the next run retries its days), is logged with its
traceback, and does not stop the others. It lives in `finance`, the highest domain layer, because it calls
into every one below.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from ecf import clock
from ecf.audit import set_change_reason
from ecf.services.daily import participant_status_touch
from finance.models import JobRun
from finance.services.integrity import finance_integrity_violations
from finance.services.statements import statements_mark_payable
from partnerships.daily import partnership_currently_training_touch

logger = logging.getLogger(__name__)

TODAY_IN_FUTURE = "The day to run the daily jobs for cannot be after today ({today})."


@dataclass(frozen=True)
class DailyJob:
    name: str
    # Does the job's work for the days after `since` up to `today`; returns what it did, in a few words.
    run: Callable[[date, date], str]


@dataclass(frozen=True)
class JobOutcome:
    name: str
    since: date
    today: date
    ok: bool
    detail: str

    @property
    def days(self) -> str:
        """The days the run covered."""
        first = self.since + timedelta(days=1)
        if self.since > self.today:  # asked for a day before the last day run: nothing to catch up
            return f"last run for {self.since}, after {self.today}"
        if first > self.today:
            return f"already run for {self.today}"
        return f"{first}" if first == self.today else f"{first} to {self.today}"


def _mark_statements_payable(since: date, today: date) -> str:
    # Needs no window: every open statement past its cut-off moves, however many days were missed.
    return f"{statements_mark_payable(today=today)} statement(s) moved to payable"


def _touch_participants(since: date, today: date) -> str:
    return f"{participant_status_touch(since=since, today=today)} participant(s) touched"


def _touch_partnerships(since: date, today: date) -> str:
    return f"{partnership_currently_training_touch(since=since, today=today)} partnership(s) touched"


class FinanceIntegrityError(Exception):
    """The daily integrity check found violations (each one is logged)."""


def _check_finance_integrity(since: date, today: date) -> str:
    # Checks the books as they stand, whatever the window.
    violations = finance_integrity_violations()
    for violation in violations:
        logger.error("Finance integrity violation: %s", violation)
    if violations:
        raise FinanceIntegrityError(f"{len(violations)} violation(s), the first: {violations[0]}")
    return "no finance integrity violations"


DAILY_JOBS: tuple[DailyJob, ...] = (
    DailyJob("mark_statements_payable", _mark_statements_payable),
    DailyJob("touch_participants", _touch_participants),
    DailyJob("touch_partnerships", _touch_partnerships),
    DailyJob("check_finance_integrity", _check_finance_integrity),
)


def daily_jobs_run(*, today: date | None = None, jobs: Sequence[DailyJob] = DAILY_JOBS) -> list[JobOutcome]:
    """Run every daily job for the days since its last run up to `today` (London today by default), each in
    its own transaction; a failure is logged and reported in its outcome, and the next job runs.
    Raises ValidationError(code="future") when `today` is after today: the jobs would skip the days between."""
    real_today = clock.today()
    today = today or real_today
    if today > real_today:
        raise ValidationError(TODAY_IN_FUTURE.format(today=real_today), code="future")
    return [_run(job, today=today) for job in jobs]


def _run(job: DailyJob, *, today: date) -> JobOutcome:
    since = today - timedelta(days=1)
    try:
        run, _ = JobRun.objects.get_or_create(name=job.name)
        with transaction.atomic():
            # Locked, so that runs started together on two servers take turns and the second finds nothing.
            run = JobRun.objects.select_for_update().get(pk=run.pk)
            if run.last_run_on is not None:
                since = run.last_run_on
            detail = job.run(since, today)
            if run.last_run_on is None or run.last_run_on < today:
                run.last_run_on = today
                set_change_reason(run, f"Daily jobs run for {today}")
                run.save()
    except Exception as error:
        logger.exception("Daily job %s failed for %s", job.name, today)
        return JobOutcome(job.name, since, today, ok=False, detail=f"{type(error).__name__}: {error}")
    return JobOutcome(job.name, since, today, ok=True, detail=detail)
