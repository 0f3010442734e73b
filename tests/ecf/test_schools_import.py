"""`manage.py import_schools`: the schools register's establishment CSV into schools (back-office ops §2.5)."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from ecf.management.commands.import_schools import Command
from ecf.models import School
from ecf.services.schools_import import (
    CHANGE_REASON,
    COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SKIPPED_REASON,
    SchoolsImportRejection,
    schools_import,
)
from tests.ecf.factories import SchoolFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "schools_sample.csv"
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)

SAMPLE_REJECTIONS = [
    "Line 13: URN '12345' is not 6 to 8 digits.",
    "Line 14: TypeOfEstablishment (code) 'CY' is not a whole number.",
    "Line 15: CloseDate '2021-08-31' is not a date (dd-mm-yyyy).",
    "Line 16: OpenDate '30-02-1968' is not a date (dd-mm-yyyy).",
    "Line 17: The row has 7 fields; the header has 25.",
    "Line 18: EstablishmentName is empty.",
]
# The two old closures the sample holds, named among the rejected lines in the file's order.
SAMPLE_LINES = [f"Line 9: {SKIPPED_REASON}", f"Line 10: {SKIPPED_REASON}", *SAMPLE_REJECTIONS]
SAMPLE_SUMMARY = "9 created, 0 updated, 0 unchanged, 2 skipped, 6 rejected"
SAMPLE_IMPORTED = {"100001", "100002", "136001", "140001", "140002", "401234", "100003", "100006", "145001"}

# One valid row of the register (the columns the import reads, and two it ignores).
ROW = {
    "URN": "100001",
    "LA (code)": "202",
    "LA (name)": "Camden",
    "EstablishmentName": "Primrose Hill Primary School",
    "TypeOfEstablishment (code)": "1",
    "TypeOfEstablishment (name)": "Community school",
    "EstablishmentStatus (code)": "1",
    "EstablishmentStatus (name)": "Open",
    "OpenDate": "01-09-1975",
    "CloseDate": "",
    "UKPRN": "10079301",
    "Street": "Princess Road",
    "Postcode": "NW1 8JL",
    "Section41Approved (name)": "Not applicable",
    "DistrictAdministrative (code)": "E09000007",
    "MainEmail": "admin@primrosehill.example.org",
}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_schools", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_csv(
    path: Path, rows: list[dict[str, str]], *, header: list[str] | None = None, encoding: str = "utf-8"
) -> Path:
    columns = header if header is not None else list(ROW)
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def one_row(tmp_path: Path, **changes: str) -> Path:
    return write_csv(tmp_path / "schools.csv", [{**ROW, **{_column(key): value for key, value in changes.items()}}])


def _column(keyword: str) -> str:
    """Keyword arguments name columns without spaces and brackets: type_code is "TypeOfEstablishment (code)"."""
    return {
        "urn": "URN",
        "name": "EstablishmentName",
        "ukprn": "UKPRN",
        "type_code": "TypeOfEstablishment (code)",
        "type_name": "TypeOfEstablishment (name)",
        "status_code": "EstablishmentStatus (code)",
        "status_name": "EstablishmentStatus (name)",
        "la_code": "LA (code)",
        "district_code": "DistrictAdministrative (code)",
        "postcode": "Postcode",
        "section_41": "Section41Approved (name)",
        "open_date": "OpenDate",
        "close_date": "CloseDate",
        "email": "MainEmail",
    }[keyword]


def generated_rows(count: int, *, name: str = "School") -> list[dict[str, str]]:
    return [
        {**ROW, "URN": str(200000 + n), "EstablishmentName": f"{name} {n}", "UKPRN": str(10000000 + n)}
        for n in range(count)
    ]


# The sample file (Windows-1252, as the register publishes it).


def test_sample_file_lists_rejected_rows_then_the_counts():
    out, err = run(str(SAMPLE), "--partial")

    assert out.splitlines() == [*SAMPLE_LINES, f"Schools import: {SAMPLE_SUMMARY}."]
    assert err == ""
    assert set(School.objects.values_list("urn", flat=True)) == SAMPLE_IMPORTED


def test_sample_rows_are_stored_with_the_registers_values():
    run(str(SAMPLE), "--partial")

    school = School.objects.get(urn="100001")
    assert {
        "name": school.name,
        "ukprn": school.ukprn,
        "type": (school.school_type_code, school.school_type_name),
        "status": (school.school_status_code, school.school_status_name),
        "la": school.local_authority_code,
        "district": school.administrative_district_code,
        "postcode": school.postcode,
        "section_41": school.section_41_approved,
        "email": school.primary_contact_email,
    } == {
        "name": "Primrose Hill Primary School",
        "ukprn": "10079301",
        "type": (1, "Community school"),
        "status": (1, "Open"),
        "la": "202",
        "district": "E09000007",
        "postcode": "NW1 8JL",
        "section_41": False,
        "email": "admin@primrosehill.camden.sch.uk",
    }
    assert School.objects.get(urn="136001").name == "Oakfield Academy, Hitchin"  # a quoted comma
    assert School.objects.get(urn="140001").section_41_approved is True
    assert School.objects.get(urn="401234").ukprn == ""


def test_windows_1252_names_are_decoded():
    run(str(SAMPLE), "--partial")

    assert School.objects.get(urn="100002").name == "St Ælfric's Church of England Primary School"
    assert School.objects.get(urn="401234").name == "Ysgol Gymraeg Lôn Las"


def test_a_malformed_email_is_dropped_and_the_school_kept():
    run(str(SAMPLE), "--partial")

    assert School.objects.get(urn="140002").primary_contact_email == ""


@pytest.mark.parametrize(
    ("urn", "eligible"),
    [
        ("100001", True),  # community school, open, England
        ("100002", True),  # voluntary aided
        ("136001", True),  # academy, open but proposed to close
        ("140001", True),  # independent, section 41 approved
        ("140002", False),  # independent, not approved
        ("401234", False),  # Welsh establishment in Wales
        ("100003", False),  # closed in 2021
        ("100006", False),  # closed on 1 January 2020
        ("145001", False),  # free school proposed to open
    ],
)
def test_funding_eligibility_of_imported_schools_follows_the_codes(urn, eligible):
    run(str(SAMPLE), "--partial")

    assert School.objects.get(urn=urn).funding_eligible is eligible
    assert School.objects.funding_eligible().filter(urn=urn).exists() is eligible


# Encodings.


def test_utf8_with_byte_order_mark(tmp_path):
    copy = tmp_path / "schools.csv"
    copy.write_text(SAMPLE.read_text(encoding="cp1252"), encoding="utf-8-sig", newline="")

    out, _ = run(str(copy), "--partial")

    assert out.splitlines()[-1] == f"Schools import: {SAMPLE_SUMMARY}."
    assert School.objects.get(urn="100002").name == "St Ælfric's Church of England Primary School"


def test_utf8_is_tried_before_windows_1252(tmp_path):
    # "ŷ" has no Windows-1252 byte; its UTF-8 bytes would decode there as "Å·".
    run(str(one_row(tmp_path, name="Ysgol Gynradd Tŷ Gwyn")))

    assert School.objects.get().name == "Ysgol Gynradd Tŷ Gwyn"


def test_a_file_in_neither_encoding_is_refused(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(b"URN,EstablishmentName\r\n100001,\x81\x8d\r\n")  # invalid UTF-8, undefined in 1252

    with pytest.raises(CommandError, match="neither UTF-8 nor Windows-1252"):
        run(str(path))


# Unreadable files: the only errors.


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.csv: No such file or directory\."):
        run(str(tmp_path / "nowhere.csv"))


def test_a_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path))


@pytest.mark.parametrize("header", [[], ["EstablishmentName", "Postcode"], ["urn", *COLUMNS[1:]]])
def test_a_file_without_a_urn_column_is_an_error(tmp_path, header):
    path = write_csv(tmp_path / "schools.csv", [], header=header)

    with pytest.raises(CommandError, match="has no URN column"):
        run(str(path))


def test_a_file_without_another_required_column_is_an_error(tmp_path):
    header = [column for column in ROW if column not in ("DistrictAdministrative (code)", "EstablishmentName")]
    path = write_csv(tmp_path / "schools.csv", [ROW], header=header)

    with pytest.raises(
        CommandError, match=r"lacks the required column\(s\) EstablishmentName, DistrictAdministrative \(code\) "
    ):
        run(str(path))
    assert not School.objects.exists()


def test_a_file_without_optional_columns_leaves_their_fields_as_they_are(tmp_path):
    # The register's "all establishment data" download has no email columns.
    held = SchoolFactory.create(urn="100001", primary_contact_email="office@held.example.org", postcode="N1 1AA")
    header = [column for column in ROW if column not in ("MainEmail", "Postcode")]
    new = {**ROW, "URN": "100009", "EstablishmentName": "New School"}
    path = write_csv(tmp_path / "schools.csv", [ROW, new], header=header)

    out, _ = run(str(path))

    assert out.splitlines() == ["Schools import: 1 created, 1 updated, 0 unchanged, 0 skipped, 0 rejected."]
    held.refresh_from_db()
    assert (held.name, held.primary_contact_email, held.postcode) == (
        ROW["EstablishmentName"],
        "office@held.example.org",
        "N1 1AA",
    )
    created = School.objects.get(urn="100009")
    assert (created.name, created.primary_contact_email, created.postcode) == ("New School", "", "")
    assert created.funding_eligible


def test_a_rejected_line_fails_the_import_and_writes_nothing_unless_partial(tmp_path):
    path = write_csv(tmp_path / "schools.csv", [ROW, {**ROW, "URN": "12"}])

    with pytest.raises(CommandError, match=r"1 line\(s\) rejected; run with --partial"):
        run(str(path))

    assert not School.objects.exists()
    out, _ = run(str(path), "--partial")
    assert out.splitlines() == [
        "Line 3: URN '12' is not 6 to 8 digits.",
        "Schools import: 1 created, 0 updated, 0 unchanged, 0 skipped, 1 rejected.",
    ]
    assert School.objects.get().urn == ROW["URN"]


def test_a_refused_import_says_nothing_was_written(tmp_path):
    report = schools_import(path=write_csv(tmp_path / "schools.csv", [ROW, {**ROW, "URN": "12"}]))

    assert report.refused
    assert report.summary() == (
        "Nothing written, as lines were rejected (--partial imports the others): "
        "1 created, 0 updated, 0 unchanged, 0 skipped, 1 rejected."
    )
    assert not School.objects.exists()


def test_help_lists_the_required_and_optional_columns():
    help_text = " ".join(Command().create_parser("manage.py", "import_schools").format_help().split())

    required, optional = help_text.split("Required columns:")[1].split("Optional columns")
    assert all(column in required for column in REQUIRED_COLUMNS)
    assert all(column in optional for column in OPTIONAL_COLUMNS)


def test_a_file_that_breaks_half_way_leaves_the_database_as_it_was(tmp_path):
    # More rows than a chunk, so some are written before the unreadable one (a field beyond csv's limit).
    path = write_csv(tmp_path / "schools.csv", [*generated_rows(600), {**ROW, "Street": "x" * 200_000}])

    with pytest.raises(ValidationError, match="line 602"):
        schools_import(path=path)
    assert not School.objects.exists()
    assert not School.history.exists()


# Rules.


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"urn": "12345"}, "URN '12345' is not 6 to 8 digits."),
        ({"urn": "123456789"}, "URN '123456789' is not 6 to 8 digits."),
        ({"urn": "10000A"}, "URN '10000A' is not 6 to 8 digits."),
        ({"urn": ""}, "URN '' is not 6 to 8 digits."),
        ({"name": "  "}, "EstablishmentName is empty."),
        ({"ukprn": "1007930"}, "UKPRN '1007930' is not 8 digits."),
        ({"type_code": "CY"}, "TypeOfEstablishment (code) 'CY' is not a whole number."),
        ({"type_code": "1.0"}, "TypeOfEstablishment (code) '1.0' is not a whole number."),
        ({"type_code": "-1"}, "TypeOfEstablishment (code) '-1' is not a whole number."),
        ({"type_code": ""}, "TypeOfEstablishment (code) is empty."),
        ({"status_code": "Open"}, "EstablishmentStatus (code) 'Open' is not a whole number."),
        ({"status_code": "40000"}, "EstablishmentStatus (code) 40000 is larger than 32767."),
        ({"status_code": ""}, "EstablishmentStatus (code) is empty."),
        ({"la_code": "Camden"}, "LA (code) 'Camden' is not a whole number."),
        ({"open_date": "1975-09-01"}, "OpenDate '1975-09-01' is not a date (dd-mm-yyyy)."),
        ({"open_date": "01/09/1975"}, "OpenDate '01/09/1975' is not a date (dd-mm-yyyy)."),
        ({"open_date": "1-9-1975"}, "OpenDate '1-9-1975' is not a date (dd-mm-yyyy)."),
        ({"open_date": "29-02-2023"}, "OpenDate '29-02-2023' is not a date (dd-mm-yyyy)."),
        ({"close_date": "31-13-2021", "status_code": "2"}, "CloseDate '31-13-2021' is not a date (dd-mm-yyyy)."),
        ({"name": "x" * 256}, "EstablishmentName is longer than 255 characters."),
        ({"type_name": "x" * 101}, "TypeOfEstablishment (name) is longer than 100 characters."),
        ({"status_name": "x" * 101}, "EstablishmentStatus (name) is longer than 100 characters."),
        ({"la_code": "12345678901"}, "LA (code) is longer than 10 characters."),
        ({"district_code": "E090000070001"}, "DistrictAdministrative (code) is longer than 10 characters."),
        ({"postcode": "NW1 8JL 1234"}, "Postcode is longer than 10 characters."),
    ],
)
def test_a_row_is_rejected_with_its_line_and_reason(tmp_path, changes, reason):
    report = schools_import(path=one_row(tmp_path, **changes))

    assert report.rejections == [SchoolsImportRejection(2, reason)]
    assert (report.created, report.rejected) == (0, 1)
    assert not School.objects.exists()


def test_every_reason_of_a_row_is_given(tmp_path):
    report = schools_import(path=one_row(tmp_path, urn="1234", open_date="2020-01-01"))

    assert report.rejections == [
        SchoolsImportRejection(2, "URN '1234' is not 6 to 8 digits. OpenDate '2020-01-01' is not a date (dd-mm-yyyy).")
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"la_code": ""}, "local_authority_code"), ({"ukprn": ""}, "ukprn"), ({"email": ""}, "primary_contact_email")],
)
def test_optional_values_may_be_empty(tmp_path, changes, field):
    report = schools_import(path=one_row(tmp_path, **changes))

    assert report.created == 1
    assert getattr(School.objects.get(), field) == ""


def test_values_are_trimmed(tmp_path):
    schools_import(
        path=one_row(tmp_path, urn=" 100001 ", name=" Primrose Hill Primary School  ", section_41=" approved")
    )

    school = School.objects.get()
    assert (school.urn, school.name, school.section_41_approved) == ("100001", "Primrose Hill Primary School", True)


def test_a_urn_twice_in_the_file_is_rejected_the_second_time(tmp_path):
    path = write_csv(tmp_path / "schools.csv", [ROW, {**ROW, "EstablishmentName": "Another name"}])

    report = schools_import(path=path, partial=True)

    assert report.rejections == [SchoolsImportRejection(3, "URN 100001 is also on line 2.")]
    assert School.objects.get().name == ROW["EstablishmentName"]


def test_line_numbers_are_the_files_lines(tmp_path):
    # A quoted field over two lines, then a blank line, then a bad row on line 5.
    path = write_csv(tmp_path / "schools.csv", [{**ROW, "Street": "Unit 3\nPrincess Road"}])
    with path.open("a", encoding="utf-8", newline="") as file:
        file.write("\r\n")
        csv.DictWriter(file, fieldnames=list(ROW)).writerow({**ROW, "URN": "1"})

    report = schools_import(path=path)

    assert report.rejections == [SchoolsImportRejection(5, "URN '1' is not 6 to 8 digits.")]
    assert (report.rows, report.created) == (2, 1)


@pytest.mark.parametrize(
    ("status_code", "close_date", "imported"),
    [
        ("1", "", True),  # open
        ("3", "31-08-2026", True),  # open, but proposed to close
        ("4", "", True),  # proposed to open
        ("2", "01-01-2020", True),  # closed on the first day that counts
        ("2", "15-07-2024", True),
        ("2", "31-12-2019", False),
        ("2", "31-08-1998", False),
        ("2", "", False),  # closed, no date: not known to have closed since 2020
    ],
)
def test_old_closures_are_skipped(tmp_path, status_code, close_date, imported):
    report = schools_import(path=one_row(tmp_path, status_code=status_code, close_date=close_date))

    assert (report.created, report.skipped, report.rejected) == ((1, 0, 0) if imported else (0, 1, 0))
    assert School.objects.exists() is imported


def test_an_old_closure_of_a_school_we_hold_is_recorded(tmp_path):
    SchoolFactory.create(urn="100001", name=ROW["EstablishmentName"])

    report = schools_import(path=one_row(tmp_path, status_code="2", status_name="Closed", close_date="31-08-2015"))

    assert (report.updated, report.skipped) == (1, 0)
    school = School.objects.get()
    assert (school.school_status_code, school.funding_eligible) == (2, False)


# Upsert by URN.


def test_a_second_run_changes_nothing():
    run(str(SAMPLE), "--partial")
    School.objects.update(api_updated_at=LONG_AGO)
    history = School.history.count()

    out, _ = run(str(SAMPLE), "--partial")

    assert out.splitlines()[-1] == "Schools import: 0 created, 0 updated, 9 unchanged, 2 skipped, 6 rejected."
    assert School.history.count() == history
    assert not School.objects.exclude(api_updated_at=LONG_AGO).exists()


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"name": "Primrose Hill School"}, "name", "Primrose Hill School"),
        ({"ukprn": "10079399"}, "ukprn", "10079399"),
        ({"type_code": "28"}, "school_type_code", 28),
        ({"type_name": "Academy sponsor led"}, "school_type_name", "Academy sponsor led"),
        ({"status_code": "3"}, "school_status_code", 3),
        ({"status_name": "Open, but proposed to close"}, "school_status_name", "Open, but proposed to close"),
        ({"la_code": "213"}, "local_authority_code", "213"),
        ({"district_code": "E09000033"}, "administrative_district_code", "E09000033"),
        ({"postcode": "NW1 8JM"}, "postcode", "NW1 8JM"),
        ({"section_41": "Approved"}, "section_41_approved", True),
        ({"email": "head@primrosehill.example.org"}, "primary_contact_email", "head@primrosehill.example.org"),
    ],
)
def test_a_change_to_any_imported_value_updates_the_school(tmp_path, changes, field, value):
    schools_import(path=one_row(tmp_path))
    School.objects.update(api_updated_at=LONG_AGO, updated_at=LONG_AGO)

    report = schools_import(path=one_row(tmp_path, **changes))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    school = School.objects.get()
    assert getattr(school, field) == value
    assert school.api_updated_at > LONG_AGO
    assert school.updated_at > LONG_AGO


def test_only_changed_schools_are_updated(tmp_path):
    SchoolFactory.create(urn="200000", name="Old name")
    path = write_csv(tmp_path / "schools.csv", generated_rows(3))
    schools_import(path=path)
    School.objects.update(api_updated_at=LONG_AGO)
    rows = generated_rows(3)
    rows[1]["Postcode"] = "NW1 8JM"

    report = schools_import(path=write_csv(path, rows))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert list(School.objects.exclude(api_updated_at=LONG_AGO).values_list("urn", flat=True)) == ["200001"]


def test_a_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    held = SchoolFactory.create(urn="100001", name="Old name")
    School.objects.update(api_updated_at=LONG_AGO)
    held_history = held.history.count()

    out, _ = run(str(SAMPLE), "--dry-run", "--partial")

    assert out.splitlines() == [
        *SAMPLE_LINES,
        "Dry run, nothing written: 8 created, 1 updated, 0 unchanged, 2 skipped, 6 rejected.",
    ]
    held.refresh_from_db()
    assert (held.name, held.api_updated_at) == ("Old name", LONG_AGO)
    assert list(School.objects.all()) == [held]
    assert School.history.count() == held_history
    out, _ = run(str(SAMPLE), "--partial")
    assert out.splitlines()[-1] == "Schools import: 8 created, 1 updated, 0 unchanged, 2 skipped, 6 rejected."


# Audit history (decision D21).


def test_history_rows_record_the_import():
    SchoolFactory.create(urn="100001", name="Old name")

    run(str(SAMPLE), "--partial")

    created = School.objects.get(urn="100002").history.get()
    assert (created.history_type, created.history_change_reason, created.name) == (
        "+",
        CHANGE_REASON,
        "St Ælfric's Church of England Primary School",
    )
    updated = School.objects.get(urn="100001").history.first()
    assert (updated.history_type, updated.history_change_reason, updated.name) == (
        "~",
        CHANGE_REASON,
        "Primrose Hill Primary School",
    )
    assert School.history.filter(history_change_reason=CHANGE_REASON).count() == len(SAMPLE_IMPORTED)


# Size.


@pytest.fixture
def five_thousand_rows(tmp_path):
    return write_csv(tmp_path / "schools.csv", generated_rows(5_000), encoding="cp1252")


def test_large_files_take_a_bounded_number_of_queries(tmp_path, five_thousand_rows, django_assert_max_num_queries):
    # A query per 20 rows at most (the counts on SQLite, whose statements take the fewest rows): URN lookups
    # a chunk at a time, inserts, updates and history rows in batches.
    seen: list[int] = []
    with django_assert_max_num_queries(250):
        report = schools_import(path=five_thousand_rows, progress=seen.append)
    assert (report.created, seen) == (5_000, [5_000])

    with django_assert_max_num_queries(250):
        report = schools_import(path=write_csv(tmp_path / "renamed.csv", generated_rows(5_000, name="Academy")))
    assert report.updated == 5_000

    with django_assert_max_num_queries(15):
        report = schools_import(path=five_thousand_rows, dry_run=True)
    assert report.updated == 5_000
    assert School.history.count() == 10_000
    assert School.objects.get(urn="204999").name == "Academy 4999"


def test_the_command_reports_progress_every_5000_rows_on_stderr(five_thousand_rows):
    out, err = run(str(five_thousand_rows), "--dry-run")

    assert err == "5,000 rows read\n"
    assert out == "Dry run, nothing written: 5000 created, 0 updated, 0 unchanged, 0 skipped, 0 rejected.\n"
