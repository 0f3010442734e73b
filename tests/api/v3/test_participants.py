import datetime as dt
import uuid

import pytest

from ecf.choices import (
    FundingEligibility,
    InductionStatus,
    MentorIneligibleReason,
    TrainingStatus,
    WithdrawReason,
    WorkingPattern,
)
from ecf.models import Participant, ParticipantIdChange, TrainingRecord
from tests.ecf.factories import (
    DeliveryPartnerFactory,
    ParticipantFactory,
    ParticipantIdChangeFactory,
    ScheduleFactory,
    SchoolFactory,
    TrainingStatusChangeFactory,
)
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/participants/ecf"
ALIAS = "/api/v3/participants"


def at(year, month, day, hour=0, minute=0, second=0, microsecond=0):
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=dt.UTC)


def visible_participant(lead_provider, *, year=2024, school=None, **period_fields):
    record = ect(year=year)
    period(record, lead_provider, school=school, **period_fields)
    return record.participant


def ids(response):
    return [row["id"] for row in response.json_body["data"]]


@pytest.mark.parametrize("base", [URL, ALIAS])
def test_show_full_payload(api_client, lead_provider, base):
    cohort_school = SchoolFactory.create(urn="123456")
    delivery_partner = DeliveryPartnerFactory.create()
    person = ParticipantFactory.create(full_name="Ada Lovelace", trn="1234567", trn_validated=True)
    as_ect = ect(
        person,
        email="ada@school.example.com",
        funding_eligibility=FundingEligibility.ELIGIBLE,
        working_pattern=WorkingPattern.PART_TIME,
        pupil_premium_uplift=True,
        induction_start_date=dt.date(2024, 9, 2),
        most_recent_induction_period_end_date=dt.date(2025, 7, 18),
    )
    PartnershipFactory.create(
        lead_provider=lead_provider, school=cohort_school, cohort=as_ect.cohort, delivery_partner=delivery_partner
    )
    period(as_ect, lead_provider, school=cohort_school, training_status=TrainingStatus.WITHDRAWN)
    TrainingStatusChangeFactory.create(
        training_record=as_ect,
        lead_provider=lead_provider,
        withdrawn=True,
        reason=WithdrawReason.MOVED_SCHOOL,
        changed_at=at(2025, 1, 10, 10, 20, 30, 500000),
    )
    their_mentor = mentor()
    assign_mentor(as_ect, their_mentor)
    as_mentor = mentor(
        person,
        email="ada.mentor@school.example.com",
        schedule=ScheduleFactory.create(identifier="ecf-replacement-april", cohort=as_ect.cohort),
        funding_eligibility=FundingEligibility.INELIGIBLE,
        sparsity_uplift=True,
        mentor_funding_end_date=dt.date(2025, 2, 1),
        mentor_ineligible_reason=MentorIneligibleReason.COMPLETED_DECLARATION_RECEIVED,
        cohort_changed_after_payments_frozen=True,
    )
    period(
        as_mentor,
        lead_provider,
        school=SchoolFactory.create(urn="654321"),
        unconfirmed=True,
        start=dt.date(2024, 9, 1),
        end=dt.date(2025, 1, 31),
        leaving=True,
    )
    retired = uuid.UUID("23dd8d66-e11f-4139-9001-86b4f9abcb02")
    change = ParticipantIdChangeFactory.create(participant=person, from_participant_id=retired)
    ParticipantIdChange.objects.filter(pk=change.pk).update(created_at=at(2024, 12, 1, 8, 0, 0))
    TrainingRecord.objects.filter(pk=as_ect.pk).update(created_at=at(2024, 6, 1, 9, 30, 15, 123456))
    TrainingRecord.objects.filter(pk=as_mentor.pk).update(created_at=at(2024, 6, 2, 9, 0, 0))
    Participant.objects.filter(pk=person.pk).update(api_updated_at=at(2025, 7, 1, 23, 30, 0))

    response = api_client.get(f"{base}/{person.pk}")

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(person.pk),
            "type": "participant",
            "attributes": {
                "full_name": "Ada Lovelace",
                "teacher_reference_number": "1234567",
                "updated_at": "2025-07-01T23:30:00Z",
                "ecf_enrolments": [
                    {
                        "training_record_id": str(as_ect.pk),
                        "email": "ada@school.example.com",
                        "mentor_id": str(their_mentor.participant_id),
                        "school_urn": "123456",
                        "participant_type": "ect",
                        "working_pattern": "part_time",
                        "cohort": "2024",
                        "training_status": "withdrawn",
                        "participant_status": "active",
                        "teacher_reference_number_validated": True,
                        "eligible_for_funding": True,
                        "pupil_premium_uplift": True,
                        "sparsity_uplift": False,
                        "schedule_identifier": "ecf-standard-september",
                        "delivery_partner_id": str(delivery_partner.pk),
                        "withdrawal": {"reason": "moved-school", "date": "2025-01-10T10:20:30Z"},
                        "deferral": None,
                        "created_at": "2024-06-01T09:30:15Z",
                        "induction_end_date": None,
                        "most_recent_induction_period_end_date": "2025-07-18",
                        "overall_induction_start_date": "2024-09-02",
                        "mentor_funding_end_date": None,
                        "cohort_changed_after_payments_frozen": False,
                        "mentor_ineligible_for_funding_reason": None,
                    },
                    {
                        "training_record_id": str(as_mentor.pk),
                        "email": "ada.mentor@school.example.com",
                        "mentor_id": None,
                        "school_urn": "654321",
                        "participant_type": "mentor",
                        "working_pattern": None,
                        "cohort": "2024",
                        "training_status": "active",
                        "participant_status": "left",
                        "teacher_reference_number_validated": True,
                        "eligible_for_funding": False,
                        "pupil_premium_uplift": False,
                        "sparsity_uplift": True,
                        "schedule_identifier": "ecf-replacement-april",
                        "delivery_partner_id": None,
                        "withdrawal": None,
                        "deferral": None,
                        "created_at": "2024-06-02T09:00:00Z",
                        "induction_end_date": None,
                        "most_recent_induction_period_end_date": None,
                        "overall_induction_start_date": None,
                        "mentor_funding_end_date": "2025-02-01",
                        "cohort_changed_after_payments_frozen": True,
                        "mentor_ineligible_for_funding_reason": "completed_declaration_received",
                    },
                ],
                "participant_id_changes": [
                    {
                        "from_participant_id": "23dd8d66-e11f-4139-9001-86b4f9abcb02",
                        "to_participant_id": str(person.pk),
                        "changed_at": "2024-12-01T08:00:00Z",
                    }
                ],
            },
        }
    }


def test_deferral_and_missing_trn(api_client, lead_provider):
    person = ParticipantFactory.create(without_trn=True)
    record = ect(person)
    period(record, lead_provider, training_status=TrainingStatus.DEFERRED)
    TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=lead_provider, deferred=True, changed_at=at(2025, 2, 3, 4, 5, 6)
    )

    attributes = api_client.get(f"{URL}/{person.pk}").json_body["data"]["attributes"]

    assert attributes["teacher_reference_number"] is None
    (enrolment,) = attributes["ecf_enrolments"]
    assert enrolment["teacher_reference_number_validated"] is None
    assert enrolment["withdrawal"] is None
    assert enrolment["deferral"] == {"reason": "parental-leave", "date": "2025-02-03T04:05:06Z"}


@pytest.mark.parametrize("base", [URL, ALIAS])
def test_list_is_only_participants_visible_to_this_provider(api_client, lead_provider, other_lead_provider, base):
    mine = visible_participant(lead_provider)
    left_me = visible_participant(lead_provider, end=dt.date(2025, 1, 31), leaving=True)
    visible_participant(other_lead_provider)
    visible_participant(lead_provider, challenged=True)

    response = api_client.get(base)

    assert response.status_code == 200
    assert ids(response) == [str(mine.pk), str(left_me.pk)]
    assert "links" not in response.json_body


def test_another_providers_participant_is_not_found(api_client, other_lead_provider):
    theirs = visible_participant(other_lead_provider)

    response = api_client.get(f"{URL}/{theirs.pk}")

    assert response.status_code == 404
    assert response.json_body == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }
    assert api_client.get(f"{ALIAS}/{theirs.pk}").status_code == 404


def test_participant_in_a_challenged_partnership_is_not_found(api_client, lead_provider):
    hidden = visible_participant(lead_provider, challenged=True)

    assert api_client.get(f"{URL}/{hidden.pk}").status_code == 404


def test_unauthenticated(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 401
    assert response.json_body == {"error": "HTTP Token: Access denied"}
    assert anonymous_client.get(f"{URL}/{uuid.uuid4()}").status_code == 401


@pytest.mark.parametrize(("value", "years"), [("2024", [2024]), ("2024,2025", [2024, 2025]), ("2023", [])])
def test_filter_cohort(api_client, lead_provider, value, years):
    by_year = {year: visible_participant(lead_provider, year=year) for year in (2024, 2025)}

    response = api_client.get(URL, {"filter[cohort]": value})

    assert ids(response) == [str(by_year[year].pk) for year in years]


@pytest.mark.parametrize("value", ["abc", "2024,abc", "20245"])
def test_malformed_cohort_is_a_400_naming_the_filter(api_client, value):
    response = api_client.get(URL, {"filter[cohort]": value})

    assert response.status_code == 400
    assert "'#/cohort'" in response.json_body["errors"][0]["detail"]


def test_filter_updated_since_is_inclusive(api_client, lead_provider):
    old, new = visible_participant(lead_provider), visible_participant(lead_provider)
    moment = at(2026, 3, 1, 12, 0)
    Participant.objects.filter(pk=old.pk).update(api_updated_at=moment - dt.timedelta(seconds=1))
    Participant.objects.filter(pk=new.pk).update(api_updated_at=moment)

    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:00Z"})) == [str(new.pk)]
    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:01Z"})) == []


def test_malformed_updated_since_is_a_400(api_client):
    response = api_client.get(URL, {"filter[updated_since]": "2026-03-01"})

    assert response.status_code == 400
    assert "'#/updated_since'" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize("status", ["active", "deferred", "withdrawn"])
def test_filter_training_status(api_client, lead_provider, status):
    by_status = {s: visible_participant(lead_provider, training_status=s) for s in TrainingStatus.values}

    assert ids(api_client.get(URL, {"filter[training_status]": status})) == [str(by_status[status].pk)]


def test_filter_training_status_reads_the_latest_period(api_client, lead_provider):
    record = ect()
    school = SchoolFactory.create()
    period(record, lead_provider, school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31))
    period(record, lead_provider, school=school, start=dt.date(2025, 1, 1), training_status=TrainingStatus.DEFERRED)

    assert ids(api_client.get(URL, {"filter[training_status]": "deferred"})) == [str(record.participant_id)]
    assert ids(api_client.get(URL, {"filter[training_status]": "active"})) == []


def test_unknown_training_status_is_a_400_naming_the_filter(api_client):
    response = api_client.get(URL, {"filter[training_status]": "paused"})

    assert response.status_code == 400
    assert response.json_body["errors"][0]["title"] == "Bad request"
    assert "'#/training_status'" in response.json_body["errors"][0]["detail"]


def test_filter_from_participant_id(api_client, lead_provider):
    merged = visible_participant(lead_provider)
    visible_participant(lead_provider)
    change = ParticipantIdChangeFactory.create(participant=merged)

    assert ids(api_client.get(URL, {"filter[from_participant_id]": str(change.from_participant_id)})) == [
        str(merged.pk)
    ]
    assert ids(api_client.get(URL, {"filter[from_participant_id]": str(uuid.uuid4())})) == []


@pytest.mark.parametrize(
    "value", ["abc", "123", "23dd8d66-e11f-4139-9001-86b4f9abcb02,ac3d1243-7308-4879-942a-c4a70ced400a"]
)
def test_malformed_from_participant_id_is_a_400_naming_the_filter(api_client, value):
    response = api_client.get(URL, {"filter[from_participant_id]": value})

    assert response.status_code == 400
    assert "'#/from_participant_id'" in response.json_body["errors"][0]["detail"]


def test_filter_is_not_an_object(api_client):
    response = api_client.get(URL, {"filter": "cohort"})

    assert response.status_code == 400


def test_every_cohort_without_a_cohort_filter(api_client, lead_provider):
    expected = [str(visible_participant(lead_provider, year=year).pk) for year in (2021, 2020, 2025)]

    assert ids(api_client.get(URL)) == expected


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (None, ["a", "b", "c"]),
        ("created_at", ["a", "b", "c"]),
        ("-created_at", ["c", "b", "a"]),
        ("updated_at", ["b", "c", "a"]),
        ("-updated_at", ["a", "c", "b"]),
        ("+updated_at", ["b", "c", "a"]),
    ],
)
def test_sort(api_client, lead_provider, sort, order):
    rows = {name: visible_participant(lead_provider) for name in "abc"}
    for offset, name in enumerate("bca"):
        Participant.objects.filter(pk=rows[name].pk).update(api_updated_at=at(2026, 1, 1) + dt.timedelta(hours=offset))

    response = api_client.get(URL, {"sort": sort} if sort else {})

    assert ids(response) == [str(rows[name].pk) for name in order]


def test_unknown_sort_key_is_a_400(api_client):
    response = api_client.get(URL, {"sort": "full_name"})

    assert response.status_code == 400
    assert "'#/sort'" in response.json_body["errors"][0]["detail"]


def test_pagination_follows_the_cursor(api_client, lead_provider):
    rows = [visible_participant(lead_provider) for _ in range(3)]

    first = api_client.get(URL, {"page[per_page]": "1"})
    second = api_client.follow(first.json_body["links"]["next"])
    third = api_client.follow(second.json_body["links"]["next"])

    assert ids(first) + ids(second) + ids(third) == [str(row.pk) for row in rows]
    assert "links" not in third.json_body
    assert ids(api_client.get(URL, {"page[per_page]": "2", "page[page]": "2"})) == [str(rows[2].pk)]


def test_list_runs_a_constant_number_of_queries(api_client, lead_provider, django_assert_max_num_queries):
    school = SchoolFactory.create()
    other_school = SchoolFactory.create()

    def add_participant():
        person = ParticipantFactory.create()
        as_ect = ect(person)
        period(as_ect, lead_provider, school=school, training_status=TrainingStatus.WITHDRAWN)
        TrainingStatusChangeFactory.create(training_record=as_ect, lead_provider=lead_provider, withdrawn=True)
        as_mentor = mentor(person)
        period(as_mentor, lead_provider, school=other_school, induction_status=InductionStatus.COMPLETED)
        assign_mentor(as_ect, mentor())
        ParticipantIdChangeFactory.create(participant=person)

    add_participant()
    with django_assert_max_num_queries(8):
        assert len(api_client.get(URL).json_body["data"]) == 1
    for _ in range(99):
        add_participant()
    with django_assert_max_num_queries(8):
        response = api_client.get(URL)
    assert len(response.json_body["data"]) == 100
    assert all(len(row["attributes"]["ecf_enrolments"]) == 2 for row in response.json_body["data"])


def test_show_runs_a_constant_number_of_queries(api_client, lead_provider, django_assert_max_num_queries):
    person = visible_participant(lead_provider)

    with django_assert_max_num_queries(8):
        assert api_client.get(f"{URL}/{person.pk}").status_code == 200
