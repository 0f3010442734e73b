from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecf.management.progress import Progress
from ecf.services.schools_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, schools_import


class Command(BaseCommand):
    help = (
        "Create or update schools (by URN) from the schools register's 'all establishment data' CSV (Get "
        "Information about Schools): open schools and those closed since 2020-01-01. Lists each rejected and "
        "skipped line with its reason, then the counts. All or nothing: any rejected line fails the import "
        "(exit status 1) with nothing written, unless --partial. Idempotent. "
        f"Required columns: {'; '.join(REQUIRED_COLUMNS)}. "
        f"Optional columns (one the file lacks leaves its field as it is): {'; '.join(OPTIONAL_COLUMNS)}. "
        "Other columns are ignored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", type=Path, help="the CSV file (UTF-8 or Windows-1252)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument("--partial", action="store_true", help="import the valid lines even when some are rejected")

    def handle(self, *args: object, file: Path, dry_run: bool, partial: bool, **options: object) -> None:
        progress = Progress(self.stderr, unit="rows read")
        try:
            report = schools_import(path=file, dry_run=dry_run, partial=partial, progress=progress.update)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            progress.finish()
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(report.summary())
        if report.refused:
            raise CommandError(f"{report.rejected} line(s) rejected; run with --partial to import the others.")
