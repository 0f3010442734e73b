import datetime as dt
import uuid

import pytest
from django.utils import timezone

from ecf.models import Participant, TrainingPeriod
from tests.ecf.factories import LeadProviderFactory, SchoolFactory
from tests.ecf.participant_builders import ect, mentor, period

pytestmark = pytest.mark.django_db

URL = "/api/v3/participants/ecf/transfers"
ALIAS = "/api/v3/participants/transfers"


def at(year, month, day, hour=0, minute=0, second=0, microsecond=0):
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=dt.UTC)


def show_url(base, participant):
    return f"{base.removesuffix('/transfers')}/{participant.pk}/transfers"


def leaver(lead_provider, *, end=dt.date(2025, 1, 31), school=None):
    """A participant `lead_provider` trained until they left their school (no joining school yet)."""
    record = ect()
    period(record, lead_provider, school=school, end=end, leaving=True, school_transfer=True)
    return record.participant


def ids(response):
    return [row["id"] for row in response.json_body["data"]]


@pytest.mark.parametrize("base", [URL, ALIAS])
def test_show_full_payload(api_client, lead_provider, base):
    new_provider = LeadProviderFactory.create(name="Joining Institute")
    lead_provider.name = "Leaving Institute"
    lead_provider.save()
    today = timezone.localdate()
    record = ect()
    left = period(
        record,
        lead_provider,
        school=SchoolFactory.create(urn="111111"),
        start=dt.date(2024, 9, 1),
        end=dt.date(2025, 1, 31),
        leaving=True,
        school_transfer=True,
    )
    period(
        record,
        new_provider,
        school=SchoolFactory.create(urn="222222"),
        start=dt.date(2025, 2, 3),
        end=dt.date(2025, 7, 31),
        leaving=True,
        school_transfer=True,
    )
    period(
        record,
        None,
        school=SchoolFactory.create(urn="333333"),
        start=today + dt.timedelta(days=10),
        school_transfer=True,
    )
    TrainingPeriod.objects.filter(pk=left.pk).update(created_at=at(2025, 1, 10, 8, 15, 30, 999999))
    Participant.objects.filter(pk=record.participant_id).update(api_updated_at=at(2025, 7, 1, 23, 30, 0))

    response = api_client.get(show_url(base, record.participant))

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(record.participant_id),
            "type": "participant-transfer",
            "attributes": {
                "updated_at": "2025-07-01T23:30:00Z",
                "transfers": [
                    {
                        "training_record_id": str(record.pk),
                        "transfer_type": "new_provider",
                        "status": "complete",
                        "created_at": "2025-01-10T08:15:30Z",
                        "leaving": {"school_urn": "111111", "provider": "Leaving Institute", "date": "2025-01-31"},
                        "joining": {"school_urn": "222222", "provider": "Joining Institute", "date": "2025-02-03"},
                    }
                ],
            },
        }
    }


def test_new_provider_sees_both_moves(other_api_client, other_lead_provider):
    today = timezone.localdate()
    record = ect()
    period(
        record,
        LeadProviderFactory.create(),
        school=SchoolFactory.create(urn="111111"),
        start=dt.date(2024, 9, 1),
        end=dt.date(2025, 1, 31),
        leaving=True,
    )
    period(
        record,
        other_lead_provider,
        school=SchoolFactory.create(urn="222222"),
        start=dt.date(2025, 2, 3),
        end=today + dt.timedelta(days=5),
        leaving=True,
        school_transfer=True,
    )
    period(
        record,
        None,
        school=SchoolFactory.create(urn="333333"),
        start=today + dt.timedelta(days=6),
        school_transfer=True,
    )

    transfers = other_api_client.get(show_url(URL, record.participant)).json_body["data"]["attributes"]["transfers"]

    assert [(t["transfer_type"], t["status"], t["leaving"]["school_urn"], t["joining"]) for t in transfers] == [
        (
            "new_provider",
            "complete",
            "111111",
            {"school_urn": "222222", "provider": other_lead_provider.name, "date": "2025-02-03"},
        ),
        (
            "new_school",
            "incomplete",
            "222222",
            {"school_urn": "333333", "provider": None, "date": (today + dt.timedelta(days=6)).isoformat()},
        ),
    ]


def test_leaver_without_a_joining_school(api_client, lead_provider):
    end = timezone.localdate() + dt.timedelta(days=1)
    person = leaver(lead_provider, end=end, school=SchoolFactory.create(urn="444444"))

    (transfer,) = api_client.get(show_url(URL, person)).json_body["data"]["attributes"]["transfers"]

    assert transfer["transfer_type"] == "unknown"
    assert transfer["status"] == "incomplete"
    assert transfer["joining"] is None
    assert transfer["leaving"]["date"] == end.isoformat()


@pytest.mark.parametrize("base", [URL, ALIAS])
def test_list_is_only_participants_with_a_transfer_for_this_provider(
    api_client, lead_provider, other_lead_provider, base
):
    first = leaver(lead_provider)
    joined_me = ect()
    period(joined_me, other_lead_provider, end=dt.date(2025, 1, 31), leaving=True)
    period(joined_me, lead_provider, start=dt.date(2025, 2, 1), school_transfer=True)
    leaver(other_lead_provider)
    period(ect(), lead_provider)  # no transfer
    last = leaver(lead_provider)

    response = api_client.get(base)

    assert response.status_code == 200
    assert ids(response) == [str(first.pk), str(joined_me.participant_id), str(last.pk)]


def test_participant_without_a_transfer_for_this_provider_is_not_found(api_client, lead_provider, other_lead_provider):
    no_transfer = ect()
    period(no_transfer, lead_provider)
    theirs = leaver(other_lead_provider)

    for person in (no_transfer.participant, theirs):
        response = api_client.get(show_url(URL, person))
        assert response.status_code == 404
        assert response.json_body == {
            "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
        }
    assert api_client.get(show_url(ALIAS, theirs)).status_code == 404
    assert api_client.get(f"/api/v3/participants/ecf/{uuid.uuid4()}/transfers").status_code == 404


def test_leaver_in_a_challenged_partnership_is_not_found(api_client, lead_provider):
    record = ect()
    period(record, lead_provider, end=dt.date(2025, 1, 31), leaving=True, challenged=True)

    assert api_client.get(URL).json_body["data"] == []
    assert api_client.get(show_url(URL, record.participant)).status_code == 404


def test_transfers_of_mentor_records_too(api_client, lead_provider):
    person = leaver(lead_provider)
    record = mentor(person)
    period(record, lead_provider, end=dt.date(2025, 3, 31), leaving=True)

    transfers = api_client.get(show_url(URL, person)).json_body["data"]["attributes"]["transfers"]

    assert [t["training_record_id"] for t in transfers][1] == str(record.pk)


def test_unauthenticated(anonymous_client):
    assert anonymous_client.get(URL).status_code == 401
    response = anonymous_client.get(show_url(URL, Participant(id=uuid.uuid4())))
    assert response.status_code == 401
    assert response.json_body == {"error": "HTTP Token: Access denied"}


def test_filter_updated_since_is_inclusive(api_client, lead_provider):
    old, new = leaver(lead_provider), leaver(lead_provider)
    moment = at(2026, 3, 1, 12, 0)
    Participant.objects.filter(pk=old.pk).update(api_updated_at=moment - dt.timedelta(seconds=1))
    Participant.objects.filter(pk=new.pk).update(api_updated_at=moment)

    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:00Z"})) == [str(new.pk)]
    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:01Z"})) == []


@pytest.mark.parametrize("value", ["2026-03-01", "yesterday"])
def test_malformed_updated_since_is_a_400(api_client, value):
    response = api_client.get(URL, {"filter[updated_since]": value})

    assert response.status_code == 400
    assert "'#/updated_since'" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (None, ["a", "b", "c"]),
        ("-created_at", ["c", "b", "a"]),
        ("updated_at", ["b", "c", "a"]),
        ("-updated_at", ["a", "c", "b"]),
    ],
)
def test_sort(api_client, lead_provider, sort, order):
    rows = {name: leaver(lead_provider) for name in "abc"}
    for offset, name in enumerate("bca"):
        Participant.objects.filter(pk=rows[name].pk).update(api_updated_at=at(2026, 1, 1) + dt.timedelta(hours=offset))

    assert ids(api_client.get(URL, {"sort": sort} if sort else {})) == [str(rows[name].pk) for name in order]


def test_unknown_sort_key_is_a_400(api_client):
    response = api_client.get(URL, {"sort": "leaving"})

    assert response.status_code == 400
    assert "'#/sort'" in response.json_body["errors"][0]["detail"]


def test_pagination_follows_the_cursor(api_client, lead_provider):
    rows = [leaver(lead_provider) for _ in range(3)]

    first = api_client.get(URL, {"page[per_page]": "1"})
    second = api_client.follow(first.json_body["links"]["next"])
    third = api_client.follow(second.json_body["links"]["next"])

    assert ids(first) + ids(second) + ids(third) == [str(row.pk) for row in rows]
    assert "links" not in third.json_body


def test_list_runs_a_constant_number_of_queries(api_client, lead_provider, django_assert_max_num_queries):
    old_school, new_school = SchoolFactory.create_batch(2)
    other = LeadProviderFactory.create()

    def add_transfer():
        record = ect()
        period(record, lead_provider, school=old_school, end=dt.date(2025, 1, 31), leaving=True)
        period(record, other, school=new_school, start=dt.date(2025, 2, 1), school_transfer=True)

    add_transfer()
    with django_assert_max_num_queries(6):
        assert len(api_client.get(URL).json_body["data"]) == 1
    for _ in range(99):
        add_transfer()
    with django_assert_max_num_queries(6):
        response = api_client.get(URL)
    assert len(response.json_body["data"]) == 100
    assert {row["attributes"]["transfers"][0]["transfer_type"] for row in response.json_body["data"]} == {
        "new_provider"
    }
