"""`manage.py import_participants FILE.csv [--dry-run] [--partial]`: the file, the report, the exit status.
The rules themselves are tested on the service (tests/ecf/test_registration.py)."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecf.choices import ParticipantType, WorkingPattern
from ecf.management.commands import import_participants
from ecf.models import LeadProvider, MentorAssignment, Participant, School, TrainingPeriod, TrainingRecord
from ecf.services.registration import COLUMNS
from partnerships.models import Partnership
from tests.api.conftest import ApiClient, api_client, lead_provider  # noqa: F401  (fixtures)
from tests.ecf import participant_builders as build
from tests.ecf.factories import (
    CohortFactory,
    DeliveryPartnerFactory,
    LeadProviderFactory,
    ParticipantFactory,
    ScheduleFactory,
    SchoolCohortFactory,
    SchoolFactory,
)
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "participants_sample.csv"


@dataclass
class Output:
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        return self.stdout.splitlines()[-1]


def run(path: Path, *options: str) -> Output:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_participants", str(path), *options, stdout=stdout, stderr=stderr)
    return Output(stdout.getvalue(), stderr.getvalue())


def run_failing(path: Path, *options: str) -> tuple[Output, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_participants", str(path), *options, stdout=stdout, stderr=stderr)
    return Output(stdout.getvalue(), stderr.getvalue()), str(error.value)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Participant, TrainingRecord, TrainingPeriod, MentorAssignment)
    }


def write_csv(tmp_path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    path = tmp_path / "participants.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


# The sample file -----------------------------------------------------------------------------------


@dataclass
class SampleWorld:
    oakfield: School
    riverside: School
    ambition: Partnership
    teach_first: Partnership
    daniel: Participant


@pytest.fixture
def sample_world() -> SampleWorld:
    """The schools, providers, partnerships and one existing person the sample file names."""
    cohort_2024 = CohortFactory.create(start_year=2024)
    cohort_2025 = CohortFactory.create(start_year=2025)
    ScheduleFactory.create(cohort=cohort_2024)
    for identifier in ("ecf-standard-september", "ecf-standard-january", "ecf-extended-september"):
        ScheduleFactory.create(cohort=cohort_2025, identifier=identifier)
    oakfield = SchoolFactory.create(urn="912001", name="Oakfield Primary School")
    riverside = SchoolFactory.create(urn="912002", name="Riverside Academy")
    SchoolCohortFactory.create(school=oakfield, cohort=cohort_2024, pupil_premium_uplift=True)
    SchoolCohortFactory.create(school=riverside, cohort=cohort_2025, sparsity_uplift=True)
    ambition = PartnershipFactory.create(
        school=oakfield,
        cohort=cohort_2024,
        lead_provider=LeadProviderFactory.create(name="Ambition Institute"),
        delivery_partner=DeliveryPartnerFactory.create(name="Pennine Learning Partnership"),
    )
    teach_first = PartnershipFactory.create(
        school=riverside,
        cohort=cohort_2025,
        lead_provider=LeadProviderFactory.create(name="Teach First"),
        delivery_partner=DeliveryPartnerFactory.create(name="Mercia Teaching School Hub"),
    )
    # Daniel Price is already an ECT (2023, elsewhere); the sample registers him as a mentor.
    daniel = ParticipantFactory.create(full_name="Daniel Price", trn="3456789")
    build.period(build.ect(daniel, year=2023), LeadProviderFactory.create())
    return SampleWorld(oakfield, riverside, ambition, teach_first, daniel)


def test_the_sample_file_end_to_end(sample_world: SampleWorld) -> None:
    output = run(SAMPLE)

    assert output.last_line == (
        "Summary: 6 participants created, 7 training records created, 4 mentor assignments created, "
        "1 existing person reused, 0 rows rejected."
    )
    assert output.stderr == ""
    records = {
        record.email.split("@")[0]: record
        for record in TrainingRecord.objects.select_related("participant", "schedule", "cohort").exclude(
            participant=sample_world.daniel, participant_type=ParticipantType.ECT
        )
    }
    assert sorted(records) == [
        "amara.okafor",
        "ben.hughes",
        "chloe.evans",
        "daniel.price",
        "ella.shah",
        "farah.malik",
        "george.brown",
    ]
    table = {
        name: (
            record.participant.full_name,
            record.participant.trn,
            record.participant_type,
            record.cohort.start_year,
            record.schedule.identifier,
            record.working_pattern,
            record.pupil_premium_uplift,
            record.sparsity_uplift,
        )
        for name, record in records.items()
    }
    full_time = WorkingPattern.FULL_TIME
    assert table == {
        "amara.okafor": ("Amara Okafor", "1234567", "mentor", 2024, "ecf-standard-september", "", True, False),
        "ben.hughes": ("Ben Hughes", "2345678", "ect", 2024, "ecf-standard-september", full_time, True, False),
        "chloe.evans": ("Chloe Evans", "", "ect", 2024, "ecf-standard-september", full_time, True, False),
        "daniel.price": ("Daniel Price", "3456789", "mentor", 2025, "ecf-standard-september", "", False, False),
        "ella.shah": ("Ella Shah", "4567890", "ect", 2025, "ecf-standard-january", full_time, False, False),
        "farah.malik": ("Farah Malik", "5678901", "ect", 2025, "ecf-extended-september", full_time, False, False),
        "george.brown": ("George Brown", "6789012", "mentor", 2025, "ecf-standard-september", "", False, False),
    }
    periods = {
        name: (period.school, period.lead_provider, period.partnership, period.start_date)
        for name, record in records.items()
        for period in [record.training_periods.get()]
    }
    oakfield = (sample_world.oakfield, sample_world.ambition.lead_provider, sample_world.ambition)
    riverside = (sample_world.riverside, sample_world.teach_first.lead_provider, sample_world.teach_first)
    assert periods == {
        "amara.okafor": (*oakfield, dt.date(2024, 9, 1)),
        "ben.hughes": (*oakfield, dt.date(2024, 9, 1)),
        "chloe.evans": (*oakfield, dt.date(2024, 9, 2)),
        "daniel.price": (*riverside, dt.date(2025, 9, 1)),
        "ella.shah": (*riverside, dt.date(2026, 1, 5)),
        "farah.malik": (*riverside, dt.date(2025, 9, 1)),
        "george.brown": (*riverside, dt.date(2025, 9, 1)),
    }
    assignments = {
        (a.ect.email.split("@")[0], a.mentor.email.split("@")[0], a.start_date)
        for a in MentorAssignment.objects.select_related("ect", "mentor")
    }
    assert assignments == {
        ("ben.hughes", "amara.okafor", dt.date(2024, 9, 1)),
        ("chloe.evans", "amara.okafor", dt.date(2024, 9, 2)),
        ("ella.shah", "daniel.price", dt.date(2026, 1, 5)),
        ("farah.malik", "george.brown", dt.date(2025, 9, 1)),
    }
    # Daniel keeps one participant with both records.
    assert records["daniel.price"].participant == sample_world.daniel
    assert sample_world.daniel.training_records.count() == 2


def test_the_report_names_each_rows_outcome(sample_world: SampleWorld) -> None:
    output = run(SAMPLE)

    lines = output.stdout.splitlines()
    amara = Participant.objects.get(trn="1234567")
    assert lines[0] == (
        f"line 2: Amara Okafor: created new participant {amara.pk}; added a mentor training record with "
        "Ambition Institute and Pennine Learning Partnership at Oakfield Primary School (912001), cohort 2024."
    )
    assert lines[3] == (
        f"line 5: Daniel Price: found existing participant {sample_world.daniel.pk} by TRN; added a mentor "
        "training record with Teach First and Mercia Teaching School Hub at Riverside Academy (912002), cohort 2025."
    )
    assert lines[5].endswith("; mentor george.brown@riverside.example.com (line 8).")
    assert len(lines) == 8


def test_a_dry_run_writes_nothing_and_says_what_would_happen(sample_world: SampleWorld) -> None:
    before = counts()

    output = run(SAMPLE, "--dry-run")

    assert counts() == before
    assert output.last_line == (
        "Summary (dry run, nothing written): 6 participants created, 7 training records created, "
        "4 mentor assignments created, 1 existing person reused, 0 rows rejected."
    )
    lines = output.stdout.splitlines()
    assert lines[0] == (
        "line 2: Amara Okafor: would create new participant; would add a mentor training record with "
        "Ambition Institute and Pennine Learning Partnership at Oakfield Primary School (912001), cohort 2024."
    )
    assert lines[3].startswith(f"line 5: Daniel Price: found existing participant {sample_world.daniel.pk} by TRN;")


def test_running_the_sample_twice_rejects_every_row_the_second_time(sample_world: SampleWorld) -> None:
    run(SAMPLE)
    before = counts()

    output, error = run_failing(SAMPLE)

    assert counts() == before
    assert error == (
        "Nothing was written: 7 of 7 rows are invalid. Correct them, or import the valid rows with --partial."
    )
    problems = output.stderr.splitlines()
    assert len(problems) == 7
    assert problems[0].startswith("line 2: participant Amara Okafor (")
    assert problems[0].endswith(") (found by TRN) already has a mentor training record.")
    assert problems[2].endswith(") (found by email) already has an ECT training record.")  # Chloe has no TRN


# All or nothing, --partial, line numbers -----------------------------------------------------------


@pytest.fixture
def partnership() -> Partnership:
    cohort = CohortFactory.create(start_year=2024)
    ScheduleFactory.create(cohort=cohort)
    return PartnershipFactory.create(cohort=cohort)


def row(partnership: Partnership, **values: str) -> dict[str, str]:
    return {
        "full_name": "Jane Doe",
        "email": "jane@example.com",
        "trn": "",
        "school_urn": partnership.school.urn,
        "role": "ect",
        "cohort": "2024",
        "lead_provider": partnership.lead_provider.name,
        "delivery_partner": "",
        "mentor_email": "",
        "start_date": "",
        "schedule": "",
    } | values


def test_one_invalid_row_and_nothing_is_written(tmp_path: Path, partnership: Partnership) -> None:
    path = write_csv(
        tmp_path,
        [row(partnership, email="a@example.com"), row(partnership, email="b@example"), row(partnership)],
    )

    output, error = run_failing(path)

    assert counts() == dict.fromkeys(counts(), 0)
    assert output.stderr == "line 3: email 'b@example' is not a valid email address.\n"
    assert output.stdout == (
        "Summary (nothing written): 0 participants created, 0 training records created, 0 mentor assignments "
        "created, 0 existing people reused, 1 row rejected.\n"
    )
    assert error.startswith("Nothing was written: 1 of 3 rows is invalid.")


def test_partial_writes_the_valid_rows_and_reports_the_others(tmp_path: Path, partnership: Partnership) -> None:
    path = write_csv(
        tmp_path,
        [
            row(partnership, email="a@example.com", trn="1000001"),
            row(partnership, email="b@example", trn="12"),
            row(partnership, email="c@example.com", school_urn="999999"),
            row(partnership, email="d@example.com", trn="1000004"),
        ],
    )

    output = run(path, "--partial")

    assert sorted(Participant.objects.values_list("trn", flat=True)) == ["1000001", "1000004"]
    assert output.stderr.splitlines() == [
        "line 3: email 'b@example' is not a valid email address.",
        "line 3: trn '12' is not a TRN: a TRN is 7 digits.",
        "line 4: school_urn '999999': no school has this URN.",
    ]
    assert output.last_line == (
        "Summary: 2 participants created, 2 training records created, 0 mentor assignments created, "
        "0 existing people reused, 2 rows rejected."
    )


def test_a_partial_dry_run_writes_nothing(tmp_path: Path, partnership: Partnership) -> None:
    path = write_csv(tmp_path, [row(partnership, email="a@example.com"), row(partnership, role="head")])

    output = run(path, "--partial", "--dry-run")

    assert counts() == dict.fromkeys(counts(), 0)
    assert output.stderr == "line 3: role 'head' is not a role: use ect or mentor.\n"
    assert output.last_line.startswith("Summary (dry run, nothing written): 1 participant created,")


def test_a_dry_run_of_a_file_with_an_invalid_row_fails(tmp_path: Path, partnership: Partnership) -> None:
    path = write_csv(tmp_path, [row(partnership, role="head")])

    output, error = run_failing(path, "--dry-run")

    assert error.startswith("Nothing would be written: 1 of 1 rows is invalid.")
    assert output.last_line.startswith("Summary (dry run, nothing written): 0 participants created,")


def test_line_numbers_count_the_lines_of_the_file(tmp_path: Path, partnership: Partnership) -> None:
    path = tmp_path / "participants.csv"
    path.write_text(
        "full_name,email,school_urn,role,cohort,lead_provider\n"
        f'"Jane\nDoe",jane@example.com,{partnership.school.urn},ect,2024,{partnership.lead_provider.name}\n'
        "\n"
        f"Sam,sam@,{partnership.school.urn},ect,2024,{partnership.lead_provider.name}\n",
        encoding="utf-8",
    )

    output, _ = run_failing(path)

    assert output.stderr == "line 5: email 'sam@' is not a valid email address.\n"


def test_only_the_required_columns_are_needed_in_any_order_with_a_bom(tmp_path: Path, partnership: Partnership) -> None:
    path = tmp_path / "participants.csv"
    path.write_text(
        "Lead_Provider , cohort,role,school_urn,email,full_name\n"
        f"{partnership.lead_provider.name},2024,mentor,{partnership.school.urn},jane@example.com,Jane Doe\n",
        encoding="utf-8-sig",
    )

    output = run(path, "-v", "0")

    record = TrainingRecord.objects.select_related("participant").get()
    assert (record.participant.full_name, record.participant_type) == ("Jane Doe", ParticipantType.MENTOR)
    assert output.stdout.splitlines() == [output.last_line]  # -v 0: the summary only


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("", "The file is empty: the first line must name the columns", id="empty"),
        pytest.param(
            "full_name,email,school_urn,role,cohort,lead_providr\n",
            "The header is invalid: unknown column(s): lead_providr (the columns are full_name, email, trn, "
            "school_urn, role, cohort, lead_provider, delivery_partner, mentor_email, start_date, schedule); "
            "missing column(s): lead_provider. Nothing was written.",
            id="unknown and missing columns",
        ),
        pytest.param(
            "full_name,email,school_urn,role,cohort,lead_provider,email\n",
            "The header is invalid: repeated column(s): email. Nothing was written.",
            id="repeated column",
        ),
        pytest.param(
            "full_name,email,school_urn,role,cohort,lead_provider\nJane,jane@example.com,100001,ect,2024\n",
            "line 2 has 5 values but the header has 6 columns: check the commas and quotes. Nothing was written.",
            id="too few values",
        ),
        pytest.param(
            "full_name,email,school_urn,role,cohort,lead_provider\nDoe, Jane,jane@example.com,100001,ect,2024,X\n",
            "line 2 has 7 values but the header has 6 columns: check the commas and quotes. Nothing was written.",
            id="too many values",
        ),
    ],
)
def test_a_file_that_is_not_the_documented_csv_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "participants.csv"
    path.write_text(content, encoding="utf-8")

    _, error = run_failing(path)

    assert error.startswith(message)
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "participants.csv"
    path.write_bytes("full_name,email\nZoë,zoe@example.com\n".encode("latin-1"))

    _, error = run_failing(path)

    assert error == f"{path} is not UTF-8 text."


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    _, error = run_failing(tmp_path / "nowhere.csv")

    assert error == f"Cannot read {tmp_path / 'nowhere.csv'}: No such file or directory."


# Progress and help ---------------------------------------------------------------------------------


def test_a_progress_line_goes_to_stderr_every_1000_rows(tmp_path: Path, partnership: Partnership) -> None:
    rows = [row(partnership, email=f"p{n}@example.com", school_urn="999999") for n in range(2_001)]

    output = run(write_csv(tmp_path, rows), "--partial", "-v", "0")

    progress = [line for line in output.stderr.splitlines() if not line.startswith("line ")]
    assert progress == ["1,000 of 2,001 rows checked", "2,000 of 2,001 rows checked"]
    assert output.last_line == (
        "Summary: 0 participants created, 0 training records created, 0 mentor assignments created, "
        "0 existing people reused, 2,001 rows rejected."
    )


def test_progress_counts_the_rows_checked_then_the_rows_written(
    tmp_path: Path, partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_participants, "PROGRESS_EVERY", 2)
    rows = [row(partnership, email=f"p{n}@example.com", trn=f"{2_000_000 + n}") for n in range(5)]

    output = run(write_csv(tmp_path, rows), "-v", "0")

    assert output.stderr.splitlines() == [
        "2 of 5 rows checked",
        "4 of 5 rows checked",
        "2 of 5 rows written",
        "4 of 5 rows written",
    ]
    assert TrainingRecord.objects.count() == 5


def test_the_help_documents_every_column(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command("import_participants", "--help")

    help_text = capsys.readouterr().out
    for column in COLUMNS:
        assert f"\n    {column} " in help_text, column
    assert "--dry-run" in help_text
    assert "--partial" in help_text
    assert "ecf-standard-september" in help_text
    assert import_participants.__doc__ is not None
    assert "    mentor_email      optional, ECTs only" in import_participants.__doc__


# The lead provider sees the participant ------------------------------------------------------------


def test_a_registered_participant_appears_in_the_providers_participants(
    tmp_path: Path,
    api_client: ApiClient,  # noqa: F811
    lead_provider: LeadProvider,  # noqa: F811
) -> None:
    cohort = CohortFactory.create(start_year=2024)
    ScheduleFactory.create(cohort=cohort)
    mine = PartnershipFactory.create(cohort=cohort, lead_provider=lead_provider)
    path = write_csv(
        tmp_path,
        [
            row(mine, full_name="Mo Mentor", email="mo@example.com", role="mentor", trn="1000002"),
            row(mine, full_name="Ed Ect", email="ed@example.com", trn="1000001", mentor_email="mo@example.com"),
        ],
    )
    run(path)
    ed = Participant.objects.get(trn="1000001")
    mo = Participant.objects.get(trn="1000002")

    response = api_client.get("/api/v3/participants/ecf")

    assert response.status_code == 200
    by_id = {item["id"]: item for item in response.json_body["data"]}
    assert set(by_id) == {str(ed.pk), str(mo.pk)}
    attributes = by_id[str(ed.pk)]["attributes"]
    assert (attributes["full_name"], attributes["teacher_reference_number"]) == ("Ed Ect", "1000001")
    [enrolment] = attributes["ecf_enrolments"]
    assert enrolment["training_record_id"] == str(ed.training_records.get().pk)
    assert enrolment["email"] == "ed@example.com"
    assert enrolment["school_urn"] == mine.school.urn
    assert enrolment["participant_type"] == "ect"
    assert enrolment["cohort"] == "2024"
    assert enrolment["schedule_identifier"] == "ecf-standard-september"
    assert enrolment["delivery_partner_id"] == str(mine.delivery_partner_id)
    assert enrolment["mentor_id"] == str(mo.pk)
    assert enrolment["training_status"] == "active"
    assert enrolment["eligible_for_funding"] is None
    assert enrolment["working_pattern"] == "full_time"


def test_another_providers_participants_are_not_shown(
    tmp_path: Path,
    api_client: ApiClient,  # noqa: F811
) -> None:
    cohort = CohortFactory.create(start_year=2024)
    ScheduleFactory.create(cohort=cohort)
    theirs = PartnershipFactory.create(cohort=cohort)
    run(write_csv(tmp_path, [row(theirs, trn="1000001")]))

    response = api_client.get("/api/v3/participants/ecf")

    assert response.json_body["data"] == []
