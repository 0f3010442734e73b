"""manage.py import_participants FILE.csv [--dry-run] [--partial]

Registers participants from a CSV file (UTF-8, a header row naming the columns, in any order). Each row
registers one person in one role: a training record with its first training period with a lead provider at
a school, and for an ECT, optionally, their mentor. The rules are those of `ecf.services.registration`.

Columns (only those marked "required" must be in the header; a value of an optional column may be empty):

    full_name         required; the person's full name
    email             required; the email address of this training record
    trn               optional; the teacher reference number, 7 digits
    school_urn        required; the URN of the school
    role              required; ect or mentor
    cohort            required; the cohort's start year, e.g. 2025
    lead_provider     required; the lead provider's exact name
    delivery_partner  optional; the delivery partner's exact name. Default: the delivery partner of the
                      provider's partnership with the school in the cohort (when given, it must be that one)
    mentor_email      optional, ECTs only; the email of the ECT's mentor's training record, registered by
                      another row of this file or already registered
    start_date        optional; YYYY-MM-DD, the start of the training period. Default: 1 September of the
                      cohort year
    schedule          optional; a schedule identifier of the cohort. Default: ecf-standard-september

Existing people are found by TRN, then by the email of one of their training records, and get the new
training record (a mentor who is already an ECT keeps one participant). A person has at most one ECT and one
mentor training record.

Every row is checked and every problem reported with its line number. The file is all or nothing: if any row
is invalid, nothing is written and the command exits with an error (status 1). With --partial the valid rows
are written and the invalid ones reported (status 0). With --dry-run nothing is written: the command reports
what the same options would do, and fails as they would.

Output: one line per valid row on stdout (participant created or found, training record added, mentor; left
out with -v 0), each problem on stderr as "line N: ...", and the summary as the last line of stdout
(participants created, training records created, mentor assignments created, existing people reused, rows
rejected). A progress line goes to stderr every 1,000 rows checked and written.
"""

import argparse
import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter

from ecf.choices import ParticipantType
from ecf.management.progress import Progress
from ecf.services.registration import (
    COLUMNS,
    REQUIRED_COLUMNS,
    ImportReport,
    Match,
    RegistrationDetails,
    RegistrationOutcome,
    participant_import,
)

PROGRESS_EVERY = 1_000
ROLE_NAMES = {ParticipantType.ECT: "ECT", ParticipantType.MENTOR: "mentor"}


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the column table of the help text as written."""


class Command(BaseCommand):
    help = __doc__.split("\n", 2)[2] if __doc__ else ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", type=Path, help="the CSV file of participants")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--partial", action="store_true", help="write the valid rows even if some are invalid")

    def handle(
        self, *args: object, file: Path, dry_run: bool, partial: bool, verbosity: int, **options: object
    ) -> None:
        rows = _read(file)
        progress = Progress(self.stderr, total=len(rows))
        try:
            report = participant_import(
                rows=rows, partial=partial, dry_run=dry_run, on_progress=progress.update, progress_every=PROGRESS_EVERY
            )
        finally:
            progress.finish()
        if verbosity >= 1:
            for outcome in report.outcomes:
                self.stdout.write(_describe(outcome, dry_run=dry_run))
        for problem in report.problems:
            self.stderr.write(f"line {problem.line}: {problem.message}")
        self.stdout.write(_summary(report))
        if report.problems and not partial:
            verb = "is" if report.rejected_rows == 1 else "are"
            raise CommandError(
                f"Nothing {'would be' if dry_run else 'was'} written: {report.rejected_rows} of {report.rows} rows "
                f"{verb} invalid. Correct them, or import the valid rows with --partial."
            )


def _read(file: Path) -> list[RegistrationDetails]:
    """The file's rows, or a CommandError when it is not a CSV file with the documented header."""
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [name.strip().lower() for name in next(reader, [])]
            _check_header(header)
            rows = []
            for values in reader:
                if not any(value.strip() for value in values):
                    continue  # blank line
                if len(values) != len(header):
                    raise CommandError(
                        f"line {reader.line_num} has {len(values)} values but the header has {len(header)} "
                        "columns: check the commas and quotes. Nothing was written."
                    )
                rows.append(RegistrationDetails(**dict(zip(header, values, strict=True)), line=reader.line_num))
    except OSError as error:
        raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{file} is not UTF-8 text.") from error
    except csv.Error as error:
        raise CommandError(f"{file} is not a well-formed CSV file: {error}.") from error
    return rows


def _check_header(header: list[str]) -> None:
    if not any(header):
        raise CommandError(f"The file is empty: the first line must name the columns ({', '.join(COLUMNS)}).")
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)} (the columns are {', '.join(COLUMNS)})")
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        raise CommandError(f"The header is invalid: {'; '.join(problems)}. Nothing was written.")


def _describe(outcome: RegistrationOutcome, *, dry_run: bool) -> str:
    role = ROLE_NAMES[outcome.participant_type]
    if outcome.match == Match.NEW and outcome.same_person_as_line is None:
        person = "new participant" + ("" if outcome.participant_id is None else f" {outcome.participant_id}")
        person = ("would create " if dry_run else "created ") + person
    elif outcome.match == Match.NEW:
        person = f"the new participant of line {outcome.same_person_as_line}"
    else:
        person = f"found existing participant {outcome.participant_id} by {outcome.match.value}"
    record = f"{'would add' if dry_run else 'added'} {'an' if role == 'ECT' else 'a'} {role} training record"
    where = f"with {outcome.lead_provider} and {outcome.delivery_partner} at {outcome.school}, cohort {outcome.cohort}"
    mentor = ""
    if outcome.mentor_email:
        source = f"line {outcome.mentor_line}" if outcome.mentor_line is not None else "already registered"
        mentor = f"; mentor {outcome.mentor_email} ({source})"
    return f"line {outcome.line}: {outcome.full_name}: {person}; {record} {where}{mentor}."


def _summary(report: ImportReport) -> str:
    counts = ", ".join(
        (
            _count(report.participants_created, "participant", "participants") + " created",
            _count(report.training_records_created, "training record", "training records") + " created",
            _count(report.mentor_assignments_created, "mentor assignment", "mentor assignments") + " created",
            _count(report.participants_reused, "existing person", "existing people") + " reused",
            _count(report.rejected_rows, "row", "rows") + " rejected",
        )
    )
    if report.dry_run:
        return f"Summary (dry run, nothing written): {counts}."
    if report.problems and not report.partial:
        return f"Summary (nothing written): {counts}."
    return f"Summary: {counts}."


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"
