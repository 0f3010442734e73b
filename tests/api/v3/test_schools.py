import datetime as dt

import pytest

from ecf.choices import InductionProgrammeChoice
from ecf.models import School, SchoolCohort
from tests.ecf.factories import CohortFactory, SchoolCohortFactory, SchoolFactory, TrainingPeriodFactory
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/schools/ecf"
ALIAS = "/api/v3/schools"
PATHS = pytest.mark.parametrize("url", [URL, ALIAS], ids=["canonical", "alias"])
COHORT_2024 = {"filter[cohort]": "2024"}
MISSING_COHORT = {"title": "Bad request", "detail": "The filter '#/cohort' must be included in your request."}


@pytest.fixture(autouse=True)
def cohorts():
    return CohortFactory.create(start_year=2024), CohortFactory.create(start_year=2025)


def set_school_time(school: School, *, created_at: dt.datetime, updated_at: dt.datetime) -> None:
    School.objects.filter(pk=school.pk).update(created_at=created_at, api_updated_at=updated_at)


def set_school_cohort_time(school_cohort: SchoolCohort, updated_at: dt.datetime) -> None:
    SchoolCohort.objects.filter(pk=school_cohort.pk).update(updated_at=updated_at)


def ids(response) -> list[str]:
    return [row["id"] for row in response.json_body["data"]]


@PATHS
def test_show_full_payload(api_client, lead_provider, cohorts, url):
    cohort = cohorts[0]
    school = SchoolFactory.create(name="Hilltop Primary", urn="123456")
    school_cohort = SchoolCohortFactory.create(
        school=school,
        cohort=cohort,
        induction_programme_choice=InductionProgrammeChoice.PROVIDER_LED,
        induction_tutor_name="Ada Tutor",
        induction_tutor_email="ada@hilltop.example",
    )
    PartnershipFactory.create(school=school, lead_provider=lead_provider, cohort=cohort)
    set_school_time(
        school,
        created_at=dt.datetime(2023, 4, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        updated_at=dt.datetime(2024, 5, 1, 10, 0, 0, tzinfo=dt.UTC),
    )
    set_school_cohort_time(school_cohort, dt.datetime(2024, 6, 1, 11, 0, 59, 999999, tzinfo=dt.UTC))

    response = api_client.get(f"{url}/{school.pk}", COHORT_2024)

    assert response.status_code == 200
    assert response.json_body == {
        "data": {
            "id": str(school.pk),
            "type": "school",
            "attributes": {
                "name": "Hilltop Primary",
                "urn": "123456",
                "cohort": "2024",
                "in_partnership": True,
                "induction_programme_choice": "provider_led",
                "expression_of_interest": True,
                "induction_tutor_name": "Ada Tutor",
                "induction_tutor_email": "ada@hilltop.example",
                "created_at": "2023-04-01T09:30:15Z",
                "updated_at": "2024-06-01T11:00:59Z",
            },
        }
    }


def test_another_provider_sees_the_school_without_the_tutor(other_api_client, lead_provider, cohorts):
    school = SchoolFactory.create()
    SchoolCohortFactory.create(school=school, cohort=cohorts[0])
    PartnershipFactory.create(school=school, lead_provider=lead_provider, cohort=cohorts[0])

    attributes = other_api_client.get(f"{URL}/{school.pk}", COHORT_2024).json_body["data"]["attributes"]

    assert attributes["in_partnership"] is True
    assert attributes["expression_of_interest"] is False
    assert attributes["induction_tutor_name"] is None
    assert attributes["induction_tutor_email"] is None


def test_school_without_arrangements_for_the_cohort(api_client, cohorts):
    school = SchoolFactory.create()
    SchoolCohortFactory.create(
        school=school, cohort=cohorts[1], induction_programme_choice=InductionProgrammeChoice.SCHOOL_LED
    )
    School.objects.filter(pk=school.pk).update(api_updated_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))

    attributes = api_client.get(f"{URL}/{school.pk}", COHORT_2024).json_body["data"]["attributes"]

    assert attributes["induction_programme_choice"] == "not_yet_known"
    assert attributes["in_partnership"] is False
    assert attributes["expression_of_interest"] is False
    assert attributes["updated_at"] == "2024-05-01T00:00:00Z"


def test_updated_at_is_the_schools_own_when_later(api_client, cohorts):
    school = SchoolFactory.create()
    school_cohort = SchoolCohortFactory.create(school=school, cohort=cohorts[0])
    set_school_time(
        school, created_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC), updated_at=dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    )
    set_school_cohort_time(school_cohort, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))

    attributes = api_client.get(f"{URL}/{school.pk}", COHORT_2024).json_body["data"]["attributes"]

    assert attributes["updated_at"] == "2024-07-01T00:00:00Z"


@PATHS
def test_list_is_the_same_for_every_provider(api_client, other_api_client, lead_provider, url):
    schools = SchoolFactory.create_batch(2)
    PartnershipFactory.create(school=schools[1], lead_provider=lead_provider)
    SchoolFactory.create(closed=True)

    own = api_client.get(url, COHORT_2024)
    other = other_api_client.get(url, COHORT_2024)

    assert ids(own) == ids(other) == [str(school.pk) for school in schools]
    assert [row["attributes"]["expression_of_interest"] for row in own.json_body["data"]] == [False, True]
    assert [row["attributes"]["expression_of_interest"] for row in other.json_body["data"]] == [False, False]


@PATHS
@pytest.mark.parametrize("params", [{}, {"filter[cohort]": ""}, {"filter[urn]": "123456"}])
def test_cohort_is_required_on_the_list(api_client, url, params):
    response = api_client.get(url, params)

    assert response.status_code == 400
    assert response.json_body == {"errors": [MISSING_COHORT]}


@PATHS
def test_cohort_is_required_on_a_single_school(api_client, url):
    school = SchoolFactory.create()

    response = api_client.get(f"{url}/{school.pk}")

    assert response.status_code == 400
    assert response.json_body == {"errors": [MISSING_COHORT]}


@pytest.mark.parametrize("value", ["abc", "2024,2025", "2024,abc", "20245", ","])
def test_cohort_must_be_one_year(api_client, value):
    school = SchoolFactory.create()

    for path in (URL, f"{URL}/{school.pk}"):
        response = api_client.get(path, {"filter[cohort]": value})
        assert response.status_code == 400
        assert response.json_body["errors"][0]["title"] == "Bad request"
        assert "'#/cohort' must be a single year" in response.json_body["errors"][0]["detail"]


def test_unknown_cohort_lists_nothing_and_shows_nothing(api_client):
    school = SchoolFactory.create()

    assert api_client.get(URL, {"filter[cohort]": "2030"}).json_body["data"] == []
    assert api_client.get(f"{URL}/{school.pk}", {"filter[cohort]": "2030"}).status_code == 404


def test_an_ineligible_school_without_a_partnership_is_not_found(api_client):
    school = SchoolFactory.create(welsh=True)

    response = api_client.get(f"{URL}/{school.pk}", COHORT_2024)

    assert response.status_code == 404
    assert response.json_body == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }


def test_filter_cohort_shows_the_school_as_it_is_in_that_cohort(api_client, lead_provider, cohorts):
    school = SchoolFactory.create()
    PartnershipFactory.create(school=school, lead_provider=lead_provider, cohort=cohorts[1])

    in_2024 = api_client.get(URL, COHORT_2024).json_body["data"][0]["attributes"]
    in_2025 = api_client.get(URL, {"filter[cohort]": "2025"}).json_body["data"][0]["attributes"]

    assert (in_2024["cohort"], in_2024["in_partnership"], in_2024["expression_of_interest"]) == ("2024", False, False)
    assert (in_2025["cohort"], in_2025["in_partnership"], in_2025["expression_of_interest"]) == ("2025", True, True)


def test_filter_urn(api_client):
    first, _ = SchoolFactory.create_batch(2)

    assert ids(api_client.get(URL, {**COHORT_2024, "filter[urn]": first.urn})) == [str(first.pk)]
    assert ids(api_client.get(URL, {**COHORT_2024, "filter[urn]": "99999999"})) == []


@pytest.mark.parametrize("value", ["abc", "12345", "123456789", "123456,654321"])
def test_malformed_urn_is_400(api_client, value):
    response = api_client.get(URL, {**COHORT_2024, "filter[urn]": value})

    assert response.status_code == 400
    assert "'#/urn'" in response.json_body["errors"][0]["detail"]


def test_filter_updated_since_reads_the_schools_time_in_the_cohort(api_client, cohorts):
    moment = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    earlier, later = moment - dt.timedelta(seconds=1), moment
    old, touched_school, touched_in_cohort, touched_in_other_cohort = SchoolFactory.create_batch(4)
    for school in (old, touched_school, touched_in_cohort, touched_in_other_cohort):
        set_school_time(school, created_at=earlier, updated_at=earlier)
    set_school_time(touched_school, created_at=earlier, updated_at=later)
    set_school_cohort_time(SchoolCohortFactory.create(school=touched_in_cohort, cohort=cohorts[0]), later)
    set_school_cohort_time(SchoolCohortFactory.create(school=touched_in_other_cohort, cohort=cohorts[1]), later)

    response = api_client.get(URL, {**COHORT_2024, "filter[updated_since]": "2026-03-01T12:00:00Z"})

    assert sorted(ids(response)) == sorted([str(touched_school.pk), str(touched_in_cohort.pk)])
    assert api_client.get(URL, {**COHORT_2024, "filter[updated_since]": "2026-03-01T12:00:01Z"}).json_body["data"] == []


def test_malformed_updated_since_is_400(api_client):
    response = api_client.get(URL, {**COHORT_2024, "filter[updated_since]": "yesterday"})

    assert response.status_code == 400
    assert "'#/updated_since'" in response.json_body["errors"][0]["detail"]


@pytest.fixture
def three_schools(cohorts):
    """Schools created a, b, c and last updated (in 2024) b, c, a: c through its 2024 arrangements."""
    a, b, c = SchoolFactory.create_batch(3)
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for school, created, updated in ((a, 1, 3), (b, 2, 1), (c, 3, 0)):
        set_school_time(
            school, created_at=base + dt.timedelta(days=created), updated_at=base + dt.timedelta(days=updated)
        )
    set_school_cohort_time(SchoolCohortFactory.create(school=c, cohort=cohorts[0]), base + dt.timedelta(days=2))
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "order"),
    [(None, "abc"), ("created_at", "abc"), ("-created_at", "cba"), ("updated_at", "bca"), ("-updated_at", "acb")],
)
def test_sort(api_client, three_schools, sort, order):
    by_name = dict(zip("abc", three_schools, strict=True))

    response = api_client.get(URL, {**COHORT_2024, **({"sort": sort} if sort else {})})

    assert ids(response) == [str(by_name[letter].pk) for letter in order]


def test_unknown_sort_key_is_400(api_client):
    response = api_client.get(URL, {**COHORT_2024, "sort": "name"})

    assert response.status_code == 400
    assert "'#/sort'" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize(
    "sort",
    [
        None,
        "-created_at",
        "updated_at",
    ],
)
def test_following_links_next_visits_every_school_once(api_client, three_schools, sort):
    params = {**COHORT_2024, **({"sort": sort} if sort else {})}
    expected = ids(api_client.get(URL, params))

    response = api_client.get(URL, {**params, "page[per_page]": 1})
    seen = ids(response)
    while "links" in response.json_body:
        response = api_client.follow(response.json_body["links"]["next"])
        seen += ids(response)

    assert seen == expected
    assert len(seen) == 3


def test_without_a_token_is_401(anonymous_client):
    response = anonymous_client.get(URL, COHORT_2024)

    assert response.status_code == 401
    assert response.json_body == {"error": "HTTP Token: Access denied"}


def test_list_runs_a_constant_number_of_queries(api_client, lead_provider, cohorts, django_assert_max_num_queries):
    def add_schools(count: int) -> None:
        for school in SchoolFactory.create_batch(count):
            SchoolCohortFactory.create(school=school, cohort=cohorts[0])
            PartnershipFactory.create(school=school, lead_provider=lead_provider, cohort=cohorts[0])
            TrainingPeriodFactory.create(school=school, lead_provider=lead_provider, unconfirmed=True)

    add_schools(1)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(URL, COHORT_2024).json_body["data"]) == 1
    add_schools(99)
    with django_assert_max_num_queries(3):
        data = api_client.get(URL, COHORT_2024).json_body["data"]
    assert len(data) == 100
    assert all(row["attributes"]["induction_tutor_name"] for row in data)
