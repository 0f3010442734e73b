"""Import schools from the public schools register (Get Information about Schools, GIAS): its "all
establishment data" CSV, tens of thousands of rows with its own column headings (back-office ops §2.5).

Columns. Only REQUIRED_COLUMNS must be in the header (the URN, the name, and what funding eligibility is
derived from); the register's "all establishment data" download has them all but no email columns. A column
of OPTIONAL_COLUMNS that the file lacks leaves its field as it is: held schools keep their value, new ones
get the field's default. Other columns are ignored.

What goes in. A row is imported when the establishment is open (or proposed to open, or open but proposed
to close) or closed on or after 1 January 2020. Older closures, and closures without a date, are *skipped*
(each reported with its line), except that a school we already hold is always updated, so that its closure is
recorded and it stops being eligible.
All types and countries are imported: whether a school is eligible for funded training is derived from the
codes (`School.funding_eligible`), so a school that changes type or opens later needs no re-import.

What is rejected, with the row's line in the file and every reason: a URN that is not 6 to 8 digits (or
appears twice in the file), an empty name, a type, status or local authority code that is not a whole
number, a UKPRN that is not 8 digits, an open or close date that is not a real dd-mm-yyyy date, a value
too long for its column, a row whose number of fields differs from the header. A malformed `MainEmail` is
not a reason to lose the school: it is imported without an email address.

How. The file is read twice as a stream: once to choose its encoding (UTF-8, with or without a byte-order
mark, else Windows-1252, in which the register publishes it), once to import it. Rows are taken in chunks:
one query finds the chunk's schools we hold (by URN), new ones are inserted and changed ones updated in
batches, with their audit history rows (decision D21, change reason "schools import"). Bulk writes send no
signals, so the import sets `updated_at` and `api_updated_at` of the schools it changes itself. The API shows
a school inside participants, transfers and partnerships only by its URN, the key of the upsert, which an
import never changes: those resources are not touched (a touch would move them for providers without any
change to what they see, and `ecf` does not write `partnerships` tables). The whole import is one
transaction: a file that turns out unreadable half way leaves the database as it was, and so does a file
with any rejected line unless the import is `partial` (which writes the other lines). A dry run reports the
same counts and lines and writes nothing.
"""

import codecs
import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ecf.models import School

CHANGE_REASON = "schools import"
PROGRESS_EVERY = 5_000
# Rows looked up and written together: one URN lookup per chunk; also the batch size of the bulk writes.
CHUNK_SIZE = 500
CLOSED_STATUS_CODE = 2
IMPORT_CLOSED_SINCE = dt.date(2020, 1, 1)
ENCODINGS = ("utf-8-sig", "cp1252")

URN = "URN"
NAME = "EstablishmentName"
UKPRN = "UKPRN"
TYPE_CODE = "TypeOfEstablishment (code)"
TYPE_NAME = "TypeOfEstablishment (name)"
STATUS_CODE = "EstablishmentStatus (code)"
STATUS_NAME = "EstablishmentStatus (name)"
LA_CODE = "LA (code)"
DISTRICT_CODE = "DistrictAdministrative (code)"
POSTCODE = "Postcode"
SECTION_41 = "Section41Approved (name)"
OPEN_DATE = "OpenDate"
CLOSE_DATE = "CloseDate"
EMAIL = "MainEmail"
# A file without one of these is refused as a whole: a school needs them, and funding eligibility is derived
# from the type, the status and the district ("in England").
REQUIRED_COLUMNS = (URN, NAME, TYPE_CODE, STATUS_CODE, DISTRICT_CODE)
# Read when the file has them. Without SECTION_41 independent schools keep their approval; without CLOSE_DATE
# a closed school we do not hold is skipped (its closure cannot be dated).
OPTIONAL_COLUMNS = (UKPRN, TYPE_NAME, STATUS_NAME, LA_CODE, POSTCODE, SECTION_41, OPEN_DATE, CLOSE_DATE, EMAIL)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The School fields an import sets, each from its column; compared to decide between updated and unchanged.
FIELD_COLUMNS = {
    "name": NAME,
    "ukprn": UKPRN,
    "school_type_code": TYPE_CODE,
    "school_type_name": TYPE_NAME,
    "school_status_code": STATUS_CODE,
    "school_status_name": STATUS_NAME,
    "local_authority_code": LA_CODE,
    "administrative_district_code": DISTRICT_CODE,
    "postcode": POSTCODE,
    "section_41_approved": SECTION_41,
    "primary_contact_email": EMAIL,
}
_TEXT_FIELDS = {
    NAME: "name",
    TYPE_NAME: "school_type_name",
    STATUS_NAME: "school_status_name",
    DISTRICT_CODE: "administrative_district_code",
    POSTCODE: "postcode",
}


def _max_length(field_name: str) -> int:
    model_field = School._meta.get_field(field_name)
    assert isinstance(model_field, models.CharField)
    assert model_field.max_length is not None
    return model_field.max_length


# Values longer than their column are rejected (PostgreSQL would refuse them, and SQLite keep them whole).
_MAX_LENGTHS = {
    column: _max_length(name) for column, name in (*_TEXT_FIELDS.items(), (LA_CODE, "local_authority_code"))
}
_URN_PATTERN = re.compile(r"[0-9]{6,8}")
_UKPRN_PATTERN = re.compile(r"[0-9]{8}")
_WHOLE_NUMBER = re.compile(r"[0-9]+")
_DATE_PATTERN = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
_SMALLINT_MAX = 32767


@dataclass(frozen=True)
class SchoolsImportRejection:
    """A row left out of the import: its line in the file (the header is line 1) and why."""

    line: int
    reason: str


SKIPPED_REASON = f"skipped: closed before {IMPORT_CLOSED_SINCE:%d-%m-%Y} or without a close date."


@dataclass
class SchoolsImportReport:
    """What an import did (or, in a dry run or when refused, would do)."""

    dry_run: bool = False
    partial: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_lines: list[int] = field(default_factory=list)
    rejections: list[SchoolsImportRejection] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.skipped_lines)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def refused(self) -> bool:
        """Whether the file is refused as a whole: a line was rejected and the import is not partial."""
        return bool(self.rejections) and not self.partial

    def lines(self) -> list[str]:
        """Each rejected and skipped line, in the file's order."""
        notes = [(rejection.line, rejection.reason) for rejection in self.rejections]
        notes += [(line, SKIPPED_REASON) for line in self.skipped_lines]
        return [f"Line {line}: {reason}" for line, reason in sorted(notes)]

    def summary(self) -> str:
        counts = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped, {self.rejected} rejected"
        )
        if self.dry_run:
            return f"Dry run, nothing written: {counts}."
        if self.refused:
            return f"Nothing written, as lines were rejected (--partial imports the others): {counts}."
        return f"Schools import: {counts}."


@dataclass(frozen=True)
class _Row:
    line: int
    urn: str
    values: dict[str, Any]
    closed_before_cutoff: bool


def schools_import(
    *, path: Path, dry_run: bool = False, partial: bool = False, progress: Callable[[int], None] | None = None
) -> SchoolsImportReport:
    """Create or update (by URN) the schools of a schools-register CSV file, and report what happened.

    All or nothing: when a line is rejected nothing is written (`report.refused`), unless `partial`.
    `progress` is called with the number of rows read every 5,000 rows.

    Raises ValidationError(code="unreadable") when the file cannot be opened or decoded, or is not CSV;
    ValidationError(code="columns") when it lacks a column the import reads (URN first of all).
    """
    encoding = _encoding(path)
    report = SchoolsImportReport(dry_run=dry_run, partial=partial)
    # Storage times, not rules: the real time, as `auto_now` and the API's freshness touches use.
    now = timezone.now()
    with transaction.atomic():
        chunk: list[_Row] = []
        for row in _rows(path, encoding, report, progress):
            chunk.append(row)
            if len(chunk) == CHUNK_SIZE:
                _upsert(chunk, report, dry_run=dry_run, now=now)
                chunk = []
        _upsert(chunk, report, dry_run=dry_run, now=now)
        if report.refused:
            transaction.set_rollback(True)
    return report


def _encoding(path: Path) -> str:
    """The first of UTF-8 and Windows-1252 that decodes the whole file, read as a stream."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as file:
                while block := file.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        except OSError as error:
            raise ValidationError(f"Cannot read {path}: {error.strerror}.", code="unreadable") from error
        return encoding
    raise ValidationError(f"Cannot read {path}: it is neither UTF-8 nor Windows-1252 text.", code="unreadable")


def _rows(
    path: Path, encoding: str, report: SchoolsImportReport, progress: Callable[[int], None] | None
) -> Iterator[_Row]:
    """The file's importable rows; rejected ones go into the report."""
    with path.open(encoding=encoding, newline="") as file:
        reader = csv.reader(file)
        try:
            header = [name.strip() for name in next(reader, [])]
            columns = {name: index for index, name in enumerate(header)}
            _check_columns(path, columns)
            first_urn_line: dict[str, int] = {}
            line = reader.line_num + 1
            for values in reader:
                if values:  # a blank line is no row
                    report.rows += 1
                    if progress is not None and report.rows % PROGRESS_EVERY == 0:
                        progress(report.rows)
                    row = _parse(values, line, len(header), columns, first_urn_line, report)
                    if row is not None:
                        yield row
                line = reader.line_num + 1
        except csv.Error as error:
            raise ValidationError(f"Cannot read {path}: line {reader.line_num}: {error}.", code="unreadable") from error


def _check_columns(path: Path, columns: dict[str, int]) -> None:
    if URN not in columns:
        raise ValidationError(
            f"{path} has no URN column: it is not the schools register's establishment data CSV.", code="columns"
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            f"{path} lacks the required column(s) {', '.join(missing)} (required: {', '.join(REQUIRED_COLUMNS)}).",
            code="columns",
        )


def _parse(
    values: list[str],
    line: int,
    width: int,
    columns: dict[str, int],
    first_urn_line: dict[str, int],
    report: SchoolsImportReport,
) -> _Row | None:
    """The row as School field values, or None when it is rejected (and recorded in the report)."""
    if len(values) != width:
        report.rejections.append(
            SchoolsImportRejection(line, f"The row has {len(values)} fields; the header has {width}.")
        )
        return None
    cell = {name: values[columns[name]].strip() if name in columns else "" for name in COLUMNS}
    reasons: list[str] = []

    urn = cell[URN]
    if not _URN_PATTERN.fullmatch(urn):
        reasons.append(f"URN {urn!r} is not 6 to 8 digits.")
    elif urn in first_urn_line:
        reasons.append(f"URN {urn} is also on line {first_urn_line[urn]}.")
    if not cell[NAME]:
        reasons.append(f"{NAME} is empty.")
    if cell[UKPRN] and not _UKPRN_PATTERN.fullmatch(cell[UKPRN]):
        reasons.append(f"UKPRN {cell[UKPRN]!r} is not 8 digits.")
    type_code = _code(cell, TYPE_CODE, reasons)
    status_code = _code(cell, STATUS_CODE, reasons)
    if cell[LA_CODE] and not _WHOLE_NUMBER.fullmatch(cell[LA_CODE]):
        reasons.append(f"{LA_CODE} {cell[LA_CODE]!r} is not a whole number.")
    _date(cell, OPEN_DATE, reasons)
    close_date = _date(cell, CLOSE_DATE, reasons)
    for column, limit in _MAX_LENGTHS.items():
        if len(cell[column]) > limit:
            reasons.append(f"{column} is longer than {limit} characters.")

    if reasons or type_code is None or status_code is None:  # a code is None only with its reason
        report.rejections.append(SchoolsImportRejection(line, " ".join(reasons)))
        return None
    first_urn_line[urn] = line
    parsed: dict[str, Any] = {field_name: cell[column] for column, field_name in _TEXT_FIELDS.items()}
    parsed.update(
        local_authority_code=cell[LA_CODE],
        ukprn=cell[UKPRN],
        school_type_code=type_code,
        school_status_code=status_code,
        section_41_approved=cell[SECTION_41].casefold() == "approved",
        primary_contact_email=_email(cell[EMAIL]),
    )
    # Only the fields whose columns the file has: a missing column leaves its field as it is.
    values_by_field = {name: value for name, value in parsed.items() if FIELD_COLUMNS[name] in columns}
    closed_before_cutoff = status_code == CLOSED_STATUS_CODE and (
        close_date is None or close_date < IMPORT_CLOSED_SINCE
    )
    return _Row(line=line, urn=urn, values=values_by_field, closed_before_cutoff=closed_before_cutoff)


def _code(cell: dict[str, str], column: str, reasons: list[str]) -> int | None:
    value = cell[column]
    if not value:
        reasons.append(f"{column} is empty.")
    elif not _WHOLE_NUMBER.fullmatch(value):
        reasons.append(f"{column} {value!r} is not a whole number.")
    elif int(value) > _SMALLINT_MAX:
        reasons.append(f"{column} {value} is larger than {_SMALLINT_MAX}.")
    else:
        return int(value)
    return None


def _date(cell: dict[str, str], column: str, reasons: list[str]) -> dt.date | None:
    value = cell[column]
    if not value:
        return None
    match = _DATE_PATTERN.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        day, month, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    except ValueError:
        reasons.append(f"{column} {value!r} is not a date (dd-mm-yyyy).")
        return None


def _email(value: str) -> str:
    if not value or len(value) > _max_length("primary_contact_email"):
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _upsert(chunk: list[_Row], report: SchoolsImportReport, *, dry_run: bool, now: dt.datetime) -> None:
    if not chunk:
        return
    held = {school.urn: school for school in School.objects.filter(urn__in=[row.urn for row in chunk])}
    new: list[School] = []
    changed: list[School] = []
    for row in chunk:
        school = held.get(row.urn)
        if school is None:
            if row.closed_before_cutoff:
                report.skipped_lines.append(row.line)
            else:
                new.append(School(urn=row.urn, **row.values))
        elif any(getattr(school, name) != value for name, value in row.values.items()):
            for name, value in row.values.items():
                setattr(school, name, value)
            school.updated_at = school.api_updated_at = now
            changed.append(school)
        else:
            report.unchanged += 1
    report.created += len(new)
    report.updated += len(changed)
    if dry_run:
        return
    if new:
        bulk_create_with_history(
            new, School, batch_size=CHUNK_SIZE, default_change_reason=CHANGE_REASON, default_date=now
        )
    if changed:
        _update(changed, fields=list(chunk[0].values))  # every row of a file has the same fields
        School.history.bulk_history_create(
            changed, update=True, batch_size=CHUNK_SIZE, default_change_reason=CHANGE_REASON, default_date=now
        )


def _update(schools: list[School], fields: list[str]) -> None:
    """Write the imported `fields` and update times of `schools`: one UPDATE statement run with many parameter
    sets. `QuerySet.bulk_update()` builds a CASE expression per field and row, which Django compiles slowly:
    changing 30,000 schools took 90 s on SQLite with it, 14 s this way (most of it writing history rows)."""
    pk = School._meta.pk
    assert pk is not None
    columns = [School._meta.get_field(name) for name in (*fields, "updated_at", "api_updated_at")]
    model_fields = [column for column in columns if isinstance(column, models.Field)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in model_fields)
    sql = f"UPDATE {quote(School._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    parameters = [
        [field.get_db_prep_save(getattr(school, field.attname), connection) for field in model_fields]
        + [pk.get_db_prep_value(school.pk, connection)]
        for school in schools
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, parameters)
