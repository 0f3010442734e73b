from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from finance.jobs import daily_jobs_run


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Run every daily job: statements past their cut-off become payable, and participants and partnerships "
        "whose shown data changed with the calendar are touched for filter[updated_since]. Each job catches up "
        "on the days since its last run; a second run on the same day changes nothing. Schedule it once a day "
        "after midnight (Europe/London). Exits non-zero when a job fails, after running the others."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            help="Run for this day (YYYY-MM-DD) instead of today in Europe/London; it cannot be in the future.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else None
        try:
            outcomes = daily_jobs_run(today=today)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for outcome in outcomes:
            status = "ok" if outcome.ok else "FAILED"
            self.stdout.write(f"{outcome.name}: {status}, {outcome.detail} ({outcome.days})")
        failed = [outcome.name for outcome in outcomes if not outcome.ok]
        summary = f"Daily jobs for {outcomes[0].today}: {len(outcomes) - len(failed)} of {len(outcomes)} ok"
        if failed:
            raise CommandError(f"{summary}; failed: {', '.join(failed)}.")
        self.stdout.write(f"{summary}.")
