import datetime as dt
import uuid

import pytest
from django.utils import timezone

from ecf.models import Participant
from tests.ecf.factories import ParticipantFactory, SchoolFactory
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period

pytestmark = pytest.mark.django_db

URL = "/api/v3/unfunded-mentors/ecf"
ALIAS = "/api/v3/unfunded-mentors"


def at(year, month, day, hour=0, minute=0, second=0, microsecond=0):
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=dt.UTC)


def unfunded_mentor(lead_provider, trainer, *, school=None, **mentor_fields):
    """A mentor trained by `trainer` (or by nobody), of an ECT that `lead_provider` trains."""
    ect_record = ect()
    period(ect_record, lead_provider, school=school)
    mentor_record = mentor(**mentor_fields)
    if trainer is not None:
        period(mentor_record, trainer, school=school)
    assign_mentor(ect_record, mentor_record)
    return mentor_record.participant


def ids(response):
    return [row["id"] for row in response.json_body["data"]]


@pytest.mark.parametrize("base", [URL, ALIAS])
def test_show_full_payload(api_client, lead_provider, other_lead_provider, base):
    person = ParticipantFactory.create(full_name="Grace Hopper", trn="7654321")
    person = unfunded_mentor(
        lead_provider, other_lead_provider, participant=person, email="grace.mentor@school.example.com"
    )
    ect(person, email="grace.ect@school.example.com")
    Participant.objects.filter(pk=person.pk).update(
        created_at=at(2024, 5, 1, 7, 0, 59, 999999), api_updated_at=at(2025, 7, 1, 23, 30, 0)
    )

    response = api_client.get(f"{base}/{person.pk}")

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(person.pk),
            "type": "unfunded-mentor",
            "attributes": {
                "full_name": "Grace Hopper",
                "email": "grace.mentor@school.example.com",
                "teacher_reference_number": "7654321",
                "created_at": "2024-05-01T07:00:59Z",
                "updated_at": "2025-07-01T23:30:00Z",
            },
        }
    }


def test_mentor_without_trn(api_client, lead_provider):
    person = unfunded_mentor(lead_provider, None, participant=ParticipantFactory.create(without_trn=True))

    assert api_client.get(f"{URL}/{person.pk}").json_body["data"]["attributes"]["teacher_reference_number"] is None


@pytest.mark.parametrize("base", [URL, ALIAS])
def test_list_is_only_this_providers_unfunded_mentors(api_client, lead_provider, other_lead_provider, base):
    first = unfunded_mentor(lead_provider, other_lead_provider)
    untrained = unfunded_mentor(lead_provider, None)
    unfunded_mentor(lead_provider, lead_provider)  # I train the mentor: funded
    unfunded_mentor(other_lead_provider, None)  # another provider's ECT

    response = api_client.get(base)

    assert response.status_code == 200
    assert ids(response) == [str(first.pk), str(untrained.pk)]
    assert "links" not in response.json_body


def test_mentor_who_is_not_unfunded_for_this_provider_is_not_found(api_client, lead_provider, other_lead_provider):
    funded = unfunded_mentor(lead_provider, lead_provider)
    theirs = unfunded_mentor(other_lead_provider, None)

    for person in (funded, theirs):
        response = api_client.get(f"{URL}/{person.pk}")
        assert response.status_code == 404
        assert response.json_body == {
            "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
        }
    assert api_client.get(f"{ALIAS}/{theirs.pk}").status_code == 404


def test_a_mentor_whose_assignment_ended_is_not_found(api_client, lead_provider):
    ect_record = ect()
    period(ect_record, lead_provider)
    mentor_record = mentor()
    assign_mentor(ect_record, mentor_record, end=timezone.localdate())

    assert api_client.get(f"{URL}/{mentor_record.participant_id}").status_code == 404


def test_unauthenticated(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 401
    assert response.json_body == {"error": "HTTP Token: Access denied"}
    assert anonymous_client.get(f"{URL}/{uuid.uuid4()}").status_code == 401


def test_filter_updated_since_is_inclusive(api_client, lead_provider):
    old, new = unfunded_mentor(lead_provider, None), unfunded_mentor(lead_provider, None)
    moment = at(2026, 3, 1, 12, 0)
    Participant.objects.filter(pk=old.pk).update(api_updated_at=moment - dt.timedelta(seconds=1))
    Participant.objects.filter(pk=new.pk).update(api_updated_at=moment)

    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:00Z"})) == [str(new.pk)]
    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:01Z"})) == []


@pytest.mark.parametrize("value", ["2026-03-01", "2026-03-01T25:00:00Z", "now"])
def test_malformed_updated_since_is_a_400(api_client, value):
    response = api_client.get(URL, {"filter[updated_since]": value})

    assert response.status_code == 400
    assert "'#/updated_since'" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (None, ["a", "b", "c"]),
        ("created_at", ["a", "b", "c"]),
        ("-created_at", ["c", "b", "a"]),
        ("updated_at", ["b", "c", "a"]),
        ("-updated_at", ["a", "c", "b"]),
    ],
)
def test_sort(api_client, lead_provider, sort, order):
    rows = {name: unfunded_mentor(lead_provider, None) for name in "abc"}
    for offset, name in enumerate("bca"):
        Participant.objects.filter(pk=rows[name].pk).update(api_updated_at=at(2026, 1, 1) + dt.timedelta(hours=offset))

    assert ids(api_client.get(URL, {"sort": sort} if sort else {})) == [str(rows[name].pk) for name in order]


def test_unknown_sort_key_is_a_400(api_client):
    response = api_client.get(URL, {"sort": "email"})

    assert response.status_code == 400
    assert "'#/sort'" in response.json_body["errors"][0]["detail"]


def test_pagination_follows_the_cursor(api_client, lead_provider):
    rows = [unfunded_mentor(lead_provider, None) for _ in range(3)]

    first = api_client.get(URL, {"page[per_page]": "1"})
    second = api_client.follow(first.json_body["links"]["next"])
    third = api_client.follow(second.json_body["links"]["next"])

    assert ids(first) + ids(second) + ids(third) == [str(row.pk) for row in rows]
    assert "links" not in third.json_body


def test_list_runs_a_constant_number_of_queries(
    api_client, lead_provider, other_lead_provider, django_assert_max_num_queries
):
    school = SchoolFactory.create()
    unfunded_mentor(lead_provider, other_lead_provider, school=school)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(URL).json_body["data"]) == 1
    for _ in range(99):
        unfunded_mentor(lead_provider, other_lead_provider, school=school)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(URL).json_body["data"]) == 100
