import datetime as dt

import pytest
from django.utils import timezone

from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.models import Partnership
from tests.ecf.factories import (
    CohortFactory,
    DeliveryPartnerFactory,
    SchoolCohortFactory,
    SchoolFactory,
    TrainingPeriodFactory,
)
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/partnerships/ecf"
ALIAS = "/api/v3/partnerships"
PATHS = pytest.mark.parametrize("url", [URL, ALIAS], ids=["canonical", "alias"])


def train(partnership: Partnership, *, start: dt.date, end: dt.date | None = None) -> None:
    """A training record of the partnership's cohort training at its school through it, from `start`."""
    TrainingPeriodFactory.create(
        partnership=partnership,
        school=partnership.school,
        lead_provider=partnership.lead_provider,
        training_record__cohort=partnership.cohort,
        start_date=start,
        end_date=end,
    )


def set_times(partnership: Partnership, *, created_at: dt.datetime, updated_at: dt.datetime) -> None:
    Partnership.objects.filter(pk=partnership.pk).update(created_at=created_at, api_updated_at=updated_at)


def ids(response) -> list[str]:
    return [row["id"] for row in response.json_body["data"]]


@PATHS
def test_show_full_payload(api_client, lead_provider, url):
    today = timezone.localdate()
    school = SchoolFactory.create(urn="123456")
    cohort = CohortFactory.create(start_year=2024)
    delivery_partner = DeliveryPartnerFactory.create(name="Northern Teaching Partners")
    partnership = PartnershipFactory.create(
        school=school,
        lead_provider=lead_provider,
        delivery_partner=delivery_partner,
        cohort=cohort,
        status=PartnershipStatus.CHALLENGED,
        challenge_reason=ChallengeReason.NO_ECTS,
        challenged_at=dt.datetime(2024, 10, 2, 8, 15, 30, 654321, tzinfo=dt.UTC),
    )
    SchoolCohortFactory.create(
        school=school, cohort=cohort, induction_tutor_name="Ada Tutor", induction_tutor_email="ada@school.example"
    )
    SchoolCohortFactory.create(school=school, cohort=CohortFactory.create(start_year=2025), induction_tutor_name="X")
    train(partnership, start=today - dt.timedelta(days=30))  # training
    train(partnership, start=today, end=today + dt.timedelta(days=1))  # training, leaving tomorrow
    train(partnership, start=today - dt.timedelta(days=30), end=today)  # left today
    train(partnership, start=today + dt.timedelta(days=1))  # joining tomorrow
    set_times(
        partnership,
        created_at=dt.datetime(2024, 9, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        updated_at=dt.datetime(2024, 10, 2, 8, 15, 31, tzinfo=dt.UTC),
    )

    response = api_client.get(f"{url}/{partnership.pk}")

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(partnership.pk),
            "type": "partnership",
            "attributes": {
                "cohort": "2024",
                "urn": "123456",
                "school_id": str(school.pk),
                "delivery_partner_id": str(delivery_partner.pk),
                "delivery_partner_name": "Northern Teaching Partners",
                "status": "challenged",
                "challenged_reason": "no_ects",
                "challenged_at": "2024-10-02T08:15:30Z",
                "induction_tutor_name": "Ada Tutor",
                "induction_tutor_email": "ada@school.example",
                "participants_currently_training": 2,
                "updated_at": "2024-10-02T08:15:31Z",
                "created_at": "2024-09-01T09:30:15Z",
            },
        }
    }


@pytest.mark.parametrize(
    ("school_cohort", "expected"),
    [
        pytest.param(None, (None, None), id="no-school-cohort"),
        pytest.param({"induction_tutor_name": "", "induction_tutor_email": ""}, (None, None), id="blank"),
        pytest.param({"induction_tutor_name": "Bo", "induction_tutor_email": ""}, ("Bo", None), id="no-email"),
    ],
)
def test_active_partnership_without_a_tutor_or_participants(api_client, lead_provider, school_cohort, expected):
    partnership = PartnershipFactory.create(lead_provider=lead_provider)
    if school_cohort is not None:
        SchoolCohortFactory.create(school=partnership.school, cohort=partnership.cohort, **school_cohort)

    attributes = api_client.get(f"{URL}/{partnership.pk}").json_body["data"]["attributes"]

    assert (attributes["induction_tutor_name"], attributes["induction_tutor_email"]) == expected
    assert attributes["status"] == "active"
    assert attributes["challenged_reason"] is None
    assert attributes["challenged_at"] is None
    assert attributes["participants_currently_training"] == 0


@PATHS
def test_list_is_only_this_providers_partnerships_challenged_included(
    api_client, lead_provider, other_lead_provider, url
):
    active = PartnershipFactory.create(lead_provider=lead_provider)
    challenged = PartnershipFactory.create(lead_provider=lead_provider, challenged=True)
    PartnershipFactory.create(lead_provider=other_lead_provider, school=active.school)

    response = api_client.get(url)

    assert response.status_code == 200
    assert ids(response) == [str(active.pk), str(challenged.pk)]
    assert [row["attributes"]["status"] for row in response.json_body["data"]] == ["active", "challenged"]
    assert "links" not in response.json_body


@PATHS
def test_another_providers_partnership_is_not_found(api_client, other_lead_provider, url):
    partnership = PartnershipFactory.create(lead_provider=other_lead_provider)

    response = api_client.get(f"{url}/{partnership.pk}")

    assert response.status_code == 404
    assert response.json_body == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }


def test_participants_of_another_providers_partnership_are_not_counted(api_client, lead_provider, other_lead_provider):
    today = timezone.localdate()
    own = PartnershipFactory.create(lead_provider=lead_provider)
    other = PartnershipFactory.create(lead_provider=other_lead_provider, school=own.school)
    train(own, start=today)
    train(other, start=today)
    train(other, start=today)

    assert api_client.get(f"{URL}/{own.pk}").json_body["data"]["attributes"]["participants_currently_training"] == 1


def test_without_a_token_is_401(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 401
    assert response.json_body == {"error": "HTTP Token: Access denied"}


@pytest.mark.parametrize(("value", "years"), [("2024", [2024]), ("2024,2025", [2024, 2025]), ("2023", [])])
def test_filter_cohort(api_client, lead_provider, value, years):
    for year in (2024, 2025):
        PartnershipFactory.create(lead_provider=lead_provider, cohort=CohortFactory.create(start_year=year))

    response = api_client.get(URL, {"filter[cohort]": value})

    assert sorted(int(row["attributes"]["cohort"]) for row in response.json_body["data"]) == years


@pytest.mark.parametrize(
    ("name", "value"),
    [("cohort", "abc"), ("cohort", "2024,abc"), ("updated_since", "2024-01-01"), ("delivery_partner_id", "abc")],
)
def test_malformed_filters_are_400_naming_the_filter(api_client, name, value):
    response = api_client.get(URL, {f"filter[{name}]": value})

    assert response.status_code == 400
    assert response.json_body["errors"][0]["title"] == "Bad request"
    assert f"'#/{name}'" in response.json_body["errors"][0]["detail"]


def test_filter_updated_since_is_inclusive(api_client, lead_provider):
    old, new = PartnershipFactory.create_batch(2, lead_provider=lead_provider)
    moment = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    Partnership.objects.filter(pk=old.pk).update(api_updated_at=moment - dt.timedelta(seconds=1))
    Partnership.objects.filter(pk=new.pk).update(api_updated_at=moment)

    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:00Z"})) == [str(new.pk)]
    assert ids(api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:01Z"})) == []


def test_filter_delivery_partner_id(api_client, lead_provider):
    first, _, third = PartnershipFactory.create_batch(3, lead_provider=lead_provider)

    both = f"{first.delivery_partner_id},{third.delivery_partner_id}"
    assert ids(api_client.get(URL, {"filter[delivery_partner_id]": both})) == [str(first.pk), str(third.pk)]
    unknown = DeliveryPartnerFactory.create()
    assert ids(api_client.get(URL, {"filter[delivery_partner_id]": str(unknown.pk)})) == []


@pytest.fixture
def three_partnerships(lead_provider):
    """Partnerships created a, b, c and last updated b, c, a."""
    a, b, c = PartnershipFactory.create_batch(3, lead_provider=lead_provider)
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for partnership, created, updated in ((a, 1, 3), (b, 2, 1), (c, 3, 2)):
        set_times(
            partnership, created_at=base + dt.timedelta(days=created), updated_at=base + dt.timedelta(days=updated)
        )
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (None, "abc"),
        ("created_at", "abc"),
        ("-created_at", "cba"),
        ("updated_at", "bca"),
        ("-updated_at", "acb"),
    ],
)
def test_sort(api_client, three_partnerships, sort, order):
    by_name = dict(zip("abc", three_partnerships, strict=True))

    response = api_client.get(URL, {"sort": sort} if sort else {})

    assert ids(response) == [str(by_name[letter].pk) for letter in order]


def test_unknown_sort_key_is_400(api_client):
    response = api_client.get(URL, {"sort": "urn"})

    assert response.status_code == 400
    assert "'#/sort'" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize("sort", [None, "-updated_at"])
def test_following_links_next_visits_every_partnership_once(api_client, three_partnerships, sort):
    expected = ids(api_client.get(URL, {"sort": sort} if sort else {}))

    response = api_client.get(URL, {"page[per_page]": 1, **({"sort": sort} if sort else {})})
    seen = ids(response)
    while "links" in response.json_body:
        response = api_client.follow(response.json_body["links"]["next"])
        seen += ids(response)

    assert seen == expected
    assert len(seen) == 3


def test_list_runs_a_constant_number_of_queries(api_client, lead_provider, django_assert_max_num_queries):
    today = timezone.localdate()

    def add_partnerships(count: int) -> None:
        for partnership in PartnershipFactory.create_batch(count, lead_provider=lead_provider):
            SchoolCohortFactory.create(school=partnership.school, cohort=partnership.cohort)
            train(partnership, start=today)

    add_partnerships(1)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(URL).json_body["data"]) == 1
    add_partnerships(99)
    with django_assert_max_num_queries(3):
        data = api_client.get(URL).json_body["data"]
    assert len(data) == 100
    assert {row["attributes"]["participants_currently_training"] for row in data} == {1}
    assert all(row["attributes"]["induction_tutor_name"] for row in data)
