import datetime as dt

import pytest

from ecf.models import DeliveryPartner, LeadProvider
from tests.ecf.factories import CohortFactory, DeliveryPartnerFactory
from tests.partnerships.factories import ProviderRelationshipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/delivery-partners"


def relate(lead_provider: LeadProvider, delivery_partner: DeliveryPartner, *years: int) -> None:
    for year in years:
        ProviderRelationshipFactory.create(
            lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=CohortFactory.create(start_year=year)
        )


def set_times(delivery_partner: DeliveryPartner, *, created_at: dt.datetime, updated_at: dt.datetime) -> None:
    DeliveryPartner.objects.filter(pk=delivery_partner.pk).update(created_at=created_at, api_updated_at=updated_at)


def ids(response) -> list[str]:
    return [row["id"] for row in response.json_body["data"]]


def test_show_full_payload(api_client, lead_provider, other_lead_provider):
    delivery_partner = DeliveryPartnerFactory.create(name="Northern Teaching Partners")
    relate(lead_provider, delivery_partner, 2025, 2023, 2024)
    relate(other_lead_provider, delivery_partner, 2022)
    set_times(
        delivery_partner,
        created_at=dt.datetime(2023, 4, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        updated_at=dt.datetime(2024, 5, 1, 10, 0, 0, tzinfo=dt.UTC),
    )

    response = api_client.get(f"{URL}/{delivery_partner.pk}")

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(delivery_partner.pk),
            "type": "delivery-partner",
            "attributes": {
                "name": "Northern Teaching Partners",
                "cohort": ["2023", "2024", "2025"],
                "created_at": "2023-04-01T09:30:15Z",
                "updated_at": "2024-05-01T10:00:00Z",
            },
        }
    }


def test_list_is_only_this_providers_delivery_partners(api_client, lead_provider, other_lead_provider):
    shared, own_only, other_only = DeliveryPartnerFactory.create_batch(3)
    DeliveryPartnerFactory.create()  # no relationship at all
    relate(lead_provider, shared, 2024, 2025)
    relate(other_lead_provider, shared, 2023)
    relate(lead_provider, own_only, 2025)
    relate(other_lead_provider, other_only, 2024)

    response = api_client.get(URL)

    assert ids(response) == [str(shared.pk), str(own_only.pk)]
    assert [row["attributes"]["cohort"] for row in response.json_body["data"]] == [["2024", "2025"], ["2025"]]
    assert "links" not in response.json_body


def test_another_providers_delivery_partner_is_not_found(api_client, other_lead_provider):
    delivery_partner = DeliveryPartnerFactory.create()
    relate(other_lead_provider, delivery_partner, 2024)

    response = api_client.get(f"{URL}/{delivery_partner.pk}")

    assert response.status_code == 404
    assert response.json_body == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }


def test_without_a_token_is_401(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 401
    assert response.json_body == {"error": "HTTP Token: Access denied"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", ["both"]),
        ("2025", ["both", "later"]),
        ("2024,2025", ["both", "later"]),  # each partner once, although "both" matches twice
        ("2023", []),  # only another provider works with "both" in 2023
        ("2022", []),
    ],
)
def test_filter_cohort(api_client, lead_provider, other_lead_provider, value, expected):
    both, later = DeliveryPartnerFactory.create_batch(2)
    relate(lead_provider, both, 2024, 2025)
    relate(other_lead_provider, both, 2023)
    relate(lead_provider, later, 2025)
    by_name = {"both": both, "later": later}

    response = api_client.get(URL, {"filter[cohort]": value})

    assert ids(response) == [str(by_name[name].pk) for name in expected]
    for row in response.json_body["data"]:
        assert row["attributes"]["cohort"] == (["2024", "2025"] if row["id"] == str(both.pk) else ["2025"])


@pytest.mark.parametrize("value", ["abc", "2024,abc", "20245"])
def test_malformed_cohort_is_400(api_client, value):
    response = api_client.get(URL, {"filter[cohort]": value})

    assert response.status_code == 400
    assert response.json_body["errors"][0]["title"] == "Bad request"
    assert "'#/cohort'" in response.json_body["errors"][0]["detail"]


@pytest.fixture
def three_delivery_partners(lead_provider):
    """Delivery partners created a, b, c and last updated b, c, a."""
    a, b, c = DeliveryPartnerFactory.create_batch(3)
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for delivery_partner, created, updated in ((a, 1, 3), (b, 2, 1), (c, 3, 2)):
        relate(lead_provider, delivery_partner, 2024, 2025)
        set_times(
            delivery_partner, created_at=base + dt.timedelta(days=created), updated_at=base + dt.timedelta(days=updated)
        )
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "order"),
    [(None, "abc"), ("created_at", "abc"), ("-created_at", "cba"), ("updated_at", "bca"), ("-updated_at", "acb")],
)
def test_sort(api_client, three_delivery_partners, sort, order):
    by_name = dict(zip("abc", three_delivery_partners, strict=True))

    response = api_client.get(URL, {"sort": sort} if sort else {})

    assert ids(response) == [str(by_name[letter].pk) for letter in order]


def test_unknown_sort_key_is_400(api_client):
    response = api_client.get(URL, {"sort": "cohort"})

    assert response.status_code == 400
    assert "'#/sort'" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize("params", [{}, {"sort": "-updated_at"}, {"filter[cohort]": "2024,2025"}])
def test_following_links_next_visits_every_delivery_partner_once(api_client, three_delivery_partners, params):
    expected = ids(api_client.get(URL, params))

    response = api_client.get(URL, {**params, "page[per_page]": 1})
    seen = ids(response)
    while "links" in response.json_body:
        response = api_client.follow(response.json_body["links"]["next"])
        seen += ids(response)

    assert seen == expected
    assert len(seen) == 3


@pytest.mark.parametrize("params", [{}, {"filter[cohort]": "2024,2025"}])
def test_list_runs_a_constant_number_of_queries(api_client, lead_provider, django_assert_max_num_queries, params):
    def add_delivery_partners(count: int) -> None:
        for delivery_partner in DeliveryPartnerFactory.create_batch(count):
            relate(lead_provider, delivery_partner, 2024, 2025)

    add_delivery_partners(1)
    with django_assert_max_num_queries(4):
        assert len(api_client.get(URL, params).json_body["data"]) == 1
    add_delivery_partners(99)
    with django_assert_max_num_queries(4):
        data = api_client.get(URL, params).json_body["data"]
    assert len(data) == 100
    assert {tuple(row["attributes"]["cohort"]) for row in data} == {("2024", "2025")}
