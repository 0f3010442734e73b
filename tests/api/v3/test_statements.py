import datetime as dt

import pytest
from django.utils import timezone

from finance.models import Statement
from tests.ecf.factories import CohortFactory
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/statements"


def test_show_full_payload(api_client, lead_provider):
    cohort = CohortFactory.create(start_year=2024)
    statement = StatementFactory.create(
        lead_provider=lead_provider,
        cohort=cohort,
        year=2025,
        month=5,
        deadline_date=dt.date(2025, 4, 30),
        payment_date=dt.date(2025, 5, 25),
        paid=True,
    )
    Statement.objects.filter(pk=statement.pk).update(
        created_at=dt.datetime(2024, 10, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        api_updated_at=dt.datetime(2025, 7, 1, 23, 30, 0, tzinfo=dt.UTC),
    )

    response = api_client.get(f"{URL}/{statement.pk}")

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(statement.pk),
            "type": "statement",
            "attributes": {
                "month": "May",
                "year": "2025",
                "type": "ecf",
                "cohort": "2024",
                "cut_off_date": "2025-04-30",
                "payment_date": "2025-05-25",
                "paid": True,
                "created_at": "2024-10-01T09:30:15Z",
                "updated_at": "2025-07-01T23:30:00Z",
            },
        }
    }


def test_list_is_only_this_providers_output_statements_by_payment_date(api_client, lead_provider, other_lead_provider):
    cohort = CohortFactory.create(start_year=2024)
    later = StatementFactory.create(lead_provider=lead_provider, cohort=cohort, year=2025, month=4)
    earlier = StatementFactory.create(lead_provider=lead_provider, cohort=cohort, year=2025, month=1)
    StatementFactory.create(lead_provider=lead_provider, cohort=cohort, year=2025, month=2, output_fee=False)
    StatementFactory.create(lead_provider=other_lead_provider, cohort=cohort, year=2025, month=3)

    response = api_client.get(URL)

    assert [row["id"] for row in response.json_body["data"]] == [str(earlier.pk), str(later.pk)]
    assert "links" not in response.json_body


def test_another_providers_statement_is_not_found(api_client, other_lead_provider):
    statement = StatementFactory.create(lead_provider=other_lead_provider)

    response = api_client.get(f"{URL}/{statement.pk}")

    assert response.status_code == 404
    assert response.json_body == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }


def test_service_fee_statement_is_not_found(api_client, lead_provider):
    statement = StatementFactory.create(lead_provider=lead_provider, output_fee=False)

    assert api_client.get(f"{URL}/{statement.pk}").status_code == 404


@pytest.mark.parametrize(("value", "years"), [("2024", [2024]), ("2024,2025", [2024, 2025]), ("2023", [])])
def test_filter_cohort(api_client, lead_provider, value, years):
    for year in (2024, 2025):
        StatementFactory.create(lead_provider=lead_provider, cohort=CohortFactory.create(start_year=year))

    response = api_client.get(URL, {"filter[cohort]": value})

    assert sorted(int(row["attributes"]["cohort"]) for row in response.json_body["data"]) == years


@pytest.mark.parametrize("value", ["abc", "2024,abc", "20245"])
def test_malformed_cohort_is_a_400_naming_the_filter(api_client, value):
    response = api_client.get(URL, {"filter[cohort]": value})

    assert response.status_code == 400
    assert "'#/cohort'" in response.json_body["errors"][0]["detail"]


def test_filter_updated_since_is_inclusive(api_client, lead_provider):
    old, new = StatementFactory.create_batch(2, lead_provider=lead_provider)
    moment = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    Statement.objects.filter(pk=old.pk).update(api_updated_at=moment - dt.timedelta(seconds=1))
    Statement.objects.filter(pk=new.pk).update(api_updated_at=moment)

    response = api_client.get(URL, {"filter[updated_since]": "2026-03-01T12:00:00Z"})

    assert [row["id"] for row in response.json_body["data"]] == [str(new.pk)]


@pytest.mark.parametrize(("value", "count"), [("ecf", 1), ("npq", 0)])
def test_filter_type(api_client, lead_provider, value, count):
    StatementFactory.create(lead_provider=lead_provider)

    assert len(api_client.get(URL, {"filter[type]": value}).json_body["data"]) == count


def test_list_runs_a_constant_number_of_queries(api_client, lead_provider, django_assert_max_num_queries):
    StatementFactory.create(lead_provider=lead_provider)
    with django_assert_max_num_queries(4):
        assert len(api_client.get(URL).json_body["data"]) == 1
    StatementFactory.create_batch(99, lead_provider=lead_provider)
    with django_assert_max_num_queries(4):
        assert len(api_client.get(URL).json_body["data"]) == 100


def test_updated_at_is_the_api_touch_time(api_client, lead_provider):
    statement = StatementFactory.create(lead_provider=lead_provider)
    assert statement.api_updated_at <= timezone.now()
    data = api_client.get(f"{URL}/{statement.pk}").json_body["data"]
    assert data["attributes"]["updated_at"] == statement.api_updated_at.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
