"""The daily jobs (`finance.jobs`, `manage.py run_daily_jobs`) and the touches they run
(`ecf.services.daily`, `partnerships.daily`)."""

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecf import clock
from ecf.models import LeadProvider, Participant, TrainingPeriod
from ecf.services.daily import participant_status_touch
from finance import jobs
from finance.choices import StatementStatus
from finance.jobs import DAILY_JOBS, daily_jobs_run
from finance.models import JobRun, Statement
from partnerships.daily import partnership_currently_training_touch
from partnerships.models import Partnership
from partnerships.selectors import partnership_list
from tests.api import conftest as api_fixtures
from tests.ecf.factories import LeadProviderFactory, SchoolFactory
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

# The lead provider API's fixtures (a provider and its authenticated client), for the API tests below.
lead_provider = api_fixtures.lead_provider
api_client = api_fixtures.api_client

STALE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
SINCE = dt.date(2026, 3, 1)
TODAY = dt.date(2026, 3, 4)
LONG_AGO = dt.date(2025, 9, 1)
JOB_NAMES = ["mark_statements_payable", "touch_participants", "touch_partnerships", "check_finance_integrity"]


def day(n: int) -> dt.date:
    return dt.date(2026, 3, n)


def make_all_stale() -> None:
    """Every participant and partnership last changed long ago: what the touches move stands out."""
    Participant.objects.update(api_updated_at=STALE)
    Partnership.objects.update(api_updated_at=STALE)


def touched(model: type[Participant] | type[Partnership]) -> set[Any]:
    return set(model.objects.filter(api_updated_at__gt=STALE).values_list("pk", flat=True))


def training(provider: LeadProvider, *, start: dt.date, end: dt.date | None = None) -> TrainingPeriod:
    """A new ECT training with `provider` (in a partnership with a new school) from `start` to `end`."""
    return period(ect(year=2025), provider, start=start, end=end)


def statement(*, deadline: dt.date) -> Statement:
    """An open output statement of March 2026 (of a provider of its own) with cut-off `deadline`."""
    return StatementFactory.create(year=2026, month=3, deadline_date=deadline, payment_date=day(25))


def last_ran(on: dt.date) -> None:
    for name in JOB_NAMES:
        JobRun.objects.create(name=name, last_run_on=on)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_daily_jobs", *args, stdout=out)
    return out.getvalue()


# Participant touches -------------------------------------------------------------------------------

PERIOD_DATES = pytest.mark.parametrize(
    ("start", "end", "changed"),
    [
        pytest.param(day(2), None, True, id="joining-to-active-in-window"),
        pytest.param(TODAY, None, True, id="joining-to-active-today"),
        pytest.param(SINCE, None, False, id="started-on-since-seen-by-the-last-run"),
        pytest.param(day(5), None, False, id="still-joining"),
        pytest.param(LONG_AGO, day(3), True, id="leaving-to-left-in-window"),
        pytest.param(LONG_AGO, TODAY, True, id="left-today"),
        pytest.param(LONG_AGO, SINCE, False, id="left-on-since-seen-by-the-last-run"),
        pytest.param(LONG_AGO, day(5), False, id="still-leaving"),
        pytest.param(day(2), day(3), True, id="joined-and-left-in-window"),
        pytest.param(LONG_AGO, None, False, id="active-throughout"),
    ],
)


@PERIOD_DATES
def test_participant_status_touch(start: dt.date, end: dt.date | None, changed: bool) -> None:
    provider = LeadProviderFactory.create()
    changing = training(provider, start=start, end=end)
    training(provider, start=LONG_AGO)
    make_all_stale()

    count = participant_status_touch(since=SINCE, today=TODAY)

    # Touched exactly when the status providers see differs between the last run's day and today.
    assert (changing.participant_status(SINCE) != changing.participant_status(TODAY)) is changed
    assert touched(Participant) == ({changing.training_record.participant_id} if changed else set())
    assert count == int(changed)


@pytest.mark.parametrize(
    ("start", "end", "changed"),
    [
        pytest.param(day(2), None, True, id="assignment-starts-in-window"),
        pytest.param(LONG_AGO, TODAY, True, id="assignment-ends-today"),
        pytest.param(SINCE, None, False, id="started-on-since"),
        pytest.param(day(5), None, False, id="starts-later"),
    ],
)
def test_mentor_assignments_starting_or_ending_touch_the_ect_and_the_mentor(
    start: dt.date, end: dt.date | None, changed: bool
) -> None:
    """The ECT shows its current mentor (`mentor_id`); the mentor may become, or stop being, an unfunded one."""
    ect_record, mentor_record = ect(year=2025), mentor(year=2025)
    period(ect_record, None, start=LONG_AGO)
    assign_mentor(ect_record, mentor_record, start=start, end=end)
    make_all_stale()

    participant_status_touch(since=SINCE, today=TODAY)

    both = {ect_record.participant_id, mentor_record.participant_id}
    assert touched(Participant) == (both if changed else set())


def test_a_participant_with_several_changes_is_touched_once() -> None:
    record = ect(year=2025)
    school = SchoolFactory.create()
    period(record, None, school=school, start=LONG_AGO, end=day(2))
    period(record, None, school=school, start=day(2))
    make_all_stale()

    assert participant_status_touch(since=SINCE, today=TODAY) == 1


@pytest.mark.parametrize("since", [TODAY, day(5)], ids=["same-day", "since-after-today"])
def test_an_empty_window_touches_nothing_without_a_query(since: dt.date) -> None:
    training(LeadProviderFactory.create(), start=TODAY)
    make_all_stale()

    with CaptureQueriesContext(connection) as queries:
        assert participant_status_touch(since=since, today=TODAY) == 0
        assert partnership_currently_training_touch(since=since, today=TODAY) == 0

    assert len(queries) == 0
    assert touched(Participant) == touched(Partnership) == set()


def test_touches_set_api_updated_at_to_now() -> None:
    training(LeadProviderFactory.create(), start=TODAY)
    make_all_stale()
    moment = dt.datetime(2026, 3, 4, 0, 15, tzinfo=dt.UTC)

    with clock.acting_at(moment):
        participant_status_touch(since=SINCE, today=TODAY)
        partnership_currently_training_touch(since=SINCE, today=TODAY)

    assert set(Participant.objects.values_list("api_updated_at", flat=True)) == {moment}
    assert set(Partnership.objects.values_list("api_updated_at", flat=True)) == {moment}


# Partnership touches -------------------------------------------------------------------------------


def currently_training(partnership: Partnership, on: dt.date) -> int:
    with clock.acting_at(dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC)):
        shown = partnership_list(lead_provider=partnership.lead_provider).get(pk=partnership.pk)
    return int(shown.participants_currently_training)  # type: ignore[attr-defined]


@PERIOD_DATES
def test_partnership_currently_training_touch(start: dt.date, end: dt.date | None, changed: bool) -> None:
    provider = LeadProviderFactory.create()
    changing = training(provider, start=start, end=end)
    steady = training(provider, start=LONG_AGO)
    period(ect(year=2025), provider, start=day(2), unconfirmed=True)  # in no partnership yet
    make_all_stale()
    partnership, steady_partnership = changing.partnership, steady.partnership
    assert partnership is not None
    assert steady_partnership is not None

    count = partnership_currently_training_touch(since=SINCE, today=TODAY)

    assert touched(Partnership) == ({partnership.pk} if changed else set())
    assert count == int(changed)
    if currently_training(partnership, SINCE) != currently_training(partnership, TODAY):
        # Every move of the count shown is touched (and a period that joined and left in the window too,
        # though both days show 0: a provider may have polled in between).
        assert changed
    assert currently_training(steady_partnership, SINCE) == currently_training(steady_partnership, TODAY) == 1


def test_a_period_moving_between_partnerships_touches_both() -> None:
    provider = LeadProviderFactory.create()
    record = ect(year=2025)
    leaving = period(record, provider, start=LONG_AGO, end=day(3))
    joining = period(record, provider, start=day(3))
    make_all_stale()

    assert partnership_currently_training_touch(since=SINCE, today=TODAY) == 2
    assert touched(Partnership) == {leaving.partnership_id, joining.partnership_id}


# Bounded queries ----------------------------------------------------------------------------------


def test_touch_queries_do_not_grow_with_the_number_of_participants() -> None:
    provider = LeadProviderFactory.create()

    def touch_queries() -> tuple[int, list[str]]:
        make_all_stale()
        with CaptureQueriesContext(connection) as queries:
            participant_status_touch(since=SINCE, today=TODAY)
            partnership_currently_training_touch(since=SINCE, today=TODAY)
        return len(queries), [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]

    training(provider, start=TODAY)
    few, few_updates = touch_queries()
    for n in range(30):
        training(provider, start=day(2 + n % 3), end=None)
    many, many_updates = touch_queries()

    assert many == few
    assert len(many_updates) == len(few_updates) == 2  # one UPDATE each
    assert len(touched(Participant)) == len(touched(Partnership)) == 31


def test_daily_jobs_queries_do_not_grow_with_the_number_of_participants() -> None:
    provider = LeadProviderFactory.create()

    def run_queries() -> int:
        JobRun.objects.all().delete()
        make_all_stale()
        with CaptureQueriesContext(connection) as queries:
            daily_jobs_run(today=TODAY)
        return len(queries)

    training(provider, start=TODAY)
    few = run_queries()
    for _ in range(30):
        training(provider, start=TODAY)
    many = run_queries()

    assert many == few
    assert len(touched(Participant)) == 31


# The orchestrator and its command --------------------------------------------------------------


def test_first_run_covers_today_only_and_records_the_day() -> None:
    provider = LeadProviderFactory.create()
    yesterdays, todays = training(provider, start=day(3)), training(provider, start=TODAY)
    make_all_stale()

    output = run("--today", "2026-03-04")

    assert output == (
        "mark_statements_payable: ok, 0 statement(s) moved to payable (2026-03-04)\n"
        "touch_participants: ok, 1 participant(s) touched (2026-03-04)\n"
        "touch_partnerships: ok, 1 partnership(s) touched (2026-03-04)\n"
        "check_finance_integrity: ok, no finance integrity violations (2026-03-04)\n"
        "Daily jobs for 2026-03-04: 4 of 4 ok.\n"
    )
    assert touched(Participant) == {todays.training_record.participant_id}
    assert yesterdays.training_record.participant_id not in touched(Participant)
    assert dict(JobRun.objects.values_list("name", "last_run_on")) == dict.fromkeys(JOB_NAMES, TODAY)
    assert JobRun.objects.get(name="touch_participants").history.first().history_change_reason == (
        "Daily jobs run for 2026-03-04"
    )


def test_a_run_for_a_day_before_the_last_run_says_the_last_day_run() -> None:
    run("--today", "2026-03-04")

    output = run("--today", "2020-01-01")

    assert output == (
        "mark_statements_payable: ok, 0 statement(s) moved to payable (last run for 2026-03-04, after 2020-01-01)\n"
        "touch_participants: ok, 0 participant(s) touched (last run for 2026-03-04, after 2020-01-01)\n"
        "touch_partnerships: ok, 0 partnership(s) touched (last run for 2026-03-04, after 2020-01-01)\n"
        "check_finance_integrity: ok, no finance integrity violations (last run for 2026-03-04, after 2020-01-01)\n"
        "Daily jobs for 2020-01-01: 4 of 4 ok.\n"
    )
    assert dict(JobRun.objects.values_list("name", "last_run_on")) == dict.fromkeys(JOB_NAMES, TODAY)


def test_a_second_run_on_the_same_day_changes_nothing() -> None:
    provider = LeadProviderFactory.create()
    training(provider, start=TODAY)
    statement(deadline=day(3))
    run("--today", "2026-03-04")
    make_all_stale()
    history_rows = JobRun.history.count()

    output = run("--today", "2026-03-04")

    assert output == (
        "mark_statements_payable: ok, 0 statement(s) moved to payable (already run for 2026-03-04)\n"
        "touch_participants: ok, 0 participant(s) touched (already run for 2026-03-04)\n"
        "touch_partnerships: ok, 0 partnership(s) touched (already run for 2026-03-04)\n"
        "check_finance_integrity: ok, no finance integrity violations (already run for 2026-03-04)\n"
        "Daily jobs for 2026-03-04: 4 of 4 ok.\n"
    )
    assert touched(Participant) == touched(Partnership) == set()
    assert JobRun.history.count() == history_rows


def test_a_run_after_missed_days_catches_up() -> None:
    provider = LeadProviderFactory.create()
    last_ran(SINCE)
    changed = [training(provider, start=day(n)) for n in (2, 3, 4)]
    training(provider, start=SINCE)
    missed = [statement(deadline=day(n)) for n in (1, 2, 3)]
    not_yet = statement(deadline=TODAY)
    make_all_stale()

    output = run("--today", "2026-03-04")

    assert "touch_participants: ok, 3 participant(s) touched (2026-03-02 to 2026-03-04)\n" in output
    assert "mark_statements_payable: ok, 3 statement(s) moved to payable (2026-03-02 to 2026-03-04)\n" in output
    assert touched(Participant) == {p.training_record.participant_id for p in changed}
    assert touched(Partnership) == {p.partnership_id for p in changed}
    assert {s.pk for s in Statement.objects.filter(status=StatementStatus.PAYABLE)} == {s.pk for s in missed}
    assert Statement.objects.get(pk=not_yet.pk).status == StatementStatus.OPEN
    assert set(JobRun.objects.values_list("last_run_on", flat=True)) == {TODAY}


def test_runs_on_consecutive_days_each_touch_that_days_changes() -> None:
    provider = LeadProviderFactory.create()
    by_day = {n: training(provider, start=day(n)).training_record.participant_id for n in (2, 3, 4)}

    for n in (2, 3, 4):
        make_all_stale()
        run("--today", f"2026-03-0{n}")
        assert touched(Participant) == {by_day[n]}


def test_a_back_dated_run_after_a_later_one_keeps_the_later_day() -> None:
    last_ran(TODAY)
    training(LeadProviderFactory.create(), start=day(3))
    make_all_stale()

    run("--today", "2026-03-02")

    assert touched(Participant) == set()
    assert set(JobRun.objects.values_list("last_run_on", flat=True)) == {TODAY}


def test_a_failing_job_lets_the_others_run_and_the_command_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = LeadProviderFactory.create()
    last_ran(SINCE)
    changing = training(provider, start=day(3))
    missed = statement(deadline=day(2))
    make_all_stale()

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(jobs, "participant_status_touch", broken)
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("run_daily_jobs", "--today", "2026-03-04", stdout=out)

    assert str(failure.value) == "Daily jobs for 2026-03-04: 3 of 4 ok; failed: touch_participants."
    assert failure.value.returncode == 1
    assert "touch_participants: FAILED, RuntimeError: database went away (2026-03-02 to 2026-03-04)\n" in (
        out.getvalue()
    )
    assert Statement.objects.get(pk=missed.pk).status == StatementStatus.PAYABLE
    assert touched(Partnership) == {changing.partnership_id}
    assert touched(Participant) == set()
    # The failed job's day is not recorded: the next run retries the same days.
    assert JobRun.objects.get(name="touch_participants").last_run_on == SINCE

    monkeypatch.undo()
    output = run("--today", "2026-03-04")

    assert "touch_participants: ok, 1 participant(s) touched (2026-03-02 to 2026-03-04)\n" in output
    assert touched(Participant) == {changing.training_record.participant_id}


def test_a_failing_job_is_rolled_back(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    training(LeadProviderFactory.create(), start=TODAY)
    make_all_stale()
    real_touch = jobs.partnership_currently_training_touch

    def touch_then_fail(**kwargs: Any) -> int:
        real_touch(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "partnership_currently_training_touch", touch_then_fail)
    outcomes = daily_jobs_run(today=TODAY)

    assert [(o.name, o.ok) for o in outcomes] == [(name, name != "touch_partnerships") for name in JOB_NAMES]
    assert touched(Partnership) == set()
    assert len(touched(Participant)) == 1
    assert not JobRun.objects.filter(name="touch_partnerships", last_run_on__isnull=False).exists()
    assert "Daily job touch_partnerships failed for 2026-03-04" in caplog.text
    assert "RuntimeError: disk full" in caplog.text  # with its traceback


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "--today must be a date as YYYY-MM-DD, not '2026-13-01'."),
        ("4 March", "--today must be a date as YYYY-MM-DD, not '4 March'."),
        ("2026-03-05", "The day to run the daily jobs for cannot be after today (2026-03-04)."),
    ],
)
def test_bad_today_is_refused_before_any_job_runs(time_machine: Any, value: str, message: str) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC), tick=False)

    with pytest.raises(CommandError, match=re.escape(message)):
        run("--today", value)

    assert not JobRun.objects.exists()


def test_today_defaults_to_the_london_day(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), tick=False)  # 00:30 on 1 July in London

    output = run()

    assert output.endswith("Daily jobs for 2026-07-01: 4 of 4 ok.\n")
    assert set(JobRun.objects.values_list("last_run_on", flat=True)) == {dt.date(2026, 7, 1)}


def test_every_job_is_run() -> None:
    assert [job.name for job in DAILY_JOBS] == JOB_NAMES


# What providers see --------------------------------------------------------------------------------


def test_a_participant_becoming_active_is_seen_by_updated_since_that_day(
    api_client: Any, lead_provider: LeadProvider, time_machine: Any
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
    joining = training(lead_provider, start=TODAY)
    participant_id = str(joining.training_record.participant_id)
    time_machine.move_to(dt.datetime(2026, 3, 3, 0, 15, tzinfo=dt.UTC), tick=False)
    run()
    poll = {"filter[updated_since]": "2026-03-03T12:00:00Z"}

    time_machine.move_to(dt.datetime(2026, 3, 4, 0, 15, tzinfo=dt.UTC), tick=False)
    before = api_client.get("/api/v3/participants/ecf", poll).json_body["data"]
    run()
    after = api_client.get("/api/v3/participants/ecf", poll).json_body["data"]

    # Already active at midnight, but unseen by the poll until the daily jobs touch it.
    assert before == []
    assert [row["id"] for row in after] == [participant_id]
    assert after[0]["attributes"]["ecf_enrolments"][0]["participant_status"] == "active"
    assert after[0]["attributes"]["updated_at"] == "2026-03-04T00:15:00Z"


def test_a_partnerships_new_count_is_seen_by_updated_since_that_day(
    api_client: Any, lead_provider: LeadProvider, time_machine: Any
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
    partnership = training(lead_provider, start=TODAY).partnership
    assert partnership is not None
    time_machine.move_to(dt.datetime(2026, 3, 3, 0, 15, tzinfo=dt.UTC), tick=False)
    run()
    poll = {"filter[updated_since]": "2026-03-03T12:00:00Z"}

    time_machine.move_to(dt.datetime(2026, 3, 4, 0, 15, tzinfo=dt.UTC), tick=False)
    assert api_client.get("/api/v3/partnerships/ecf", poll).json_body["data"] == []
    run()
    after = api_client.get("/api/v3/partnerships/ecf", poll).json_body["data"]

    assert [row["id"] for row in after] == [str(partnership.pk)]
    assert after[0]["attributes"]["participants_currently_training"] == 1
