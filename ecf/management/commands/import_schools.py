from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecf.management.progress import Progress
from ecf.services.schools_import import schools_import


class Command(BaseCommand):
    help = (
        "Create or update schools (by URN) from the schools register's 'all establishment data' CSV (Get "
        "Information about Schools): open schools and those closed since 2020-01-01. Lists each rejected row "
        "with its line and reason, then the counts. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", type=Path, help="the CSV file (UTF-8 or Windows-1252)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")

    def handle(self, *args: object, file: Path, dry_run: bool, **options: object) -> None:
        progress = Progress(self.stderr, unit="rows read")
        try:
            report = schools_import(path=file, dry_run=dry_run, progress=progress.update)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            progress.finish()
        for rejection in report.rejections:
            self.stdout.write(f"Line {rejection.line}: {rejection.reason}")
        self.stdout.write(report.summary())
