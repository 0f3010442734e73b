"""POST /api/v3/partnerships/ecf and PUT /api/v3/partnerships/ecf/{id} (and the paths without `/ecf`):
domain rules §9 with decision D8, contract §3 and §4.6. The rules themselves are table-tested in
tests/partnerships/test_services.py; here each error reaches the provider as the contract says."""

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from api.tokens import api_token_create
from ecf.choices import InductionProgrammeChoice
from ecf.models import Cohort, SchoolCohort
from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.models import Partnership
from partnerships.services import (
    COHORT_CLOSED,
    COHORT_INVALID,
    DELIVERY_PARTNER_INVALID,
    DELIVERY_PARTNER_NOT_RELATED,
    PARTNERSHIP_CHALLENGED,
    SCHOOL_ALREADY_CONFIRMED,
    SCHOOL_INELIGIBLE,
    SCHOOL_INVALID,
)
from tests.api.conftest import JSON_API
from tests.ecf.factories import (
    CohortFactory,
    DeliveryPartnerFactory,
    LeadProviderFactory,
    SchoolCohortFactory,
    SchoolFactory,
)
from tests.partnerships.factories import PartnershipFactory, ProviderRelationshipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/partnerships/ecf"
ALIAS = "/api/v3/partnerships"
PATHS = pytest.mark.parametrize("url", [URL, ALIAS], ids=["canonical", "alias"])
SERVER_DATE = "X-With-Server-Date"


@pytest.fixture
def cohort():
    return CohortFactory.create(start_year=2024)


@pytest.fixture
def school():
    return SchoolFactory.create(urn="654321")


@pytest.fixture
def delivery_partner(lead_provider, cohort):
    delivery_partner = DeliveryPartnerFactory.create(name="Northern Teaching Partners")
    ProviderRelationshipFactory.create(lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=cohort)
    return delivery_partner


def related_partner(lead_provider, cohort, name=None):
    delivery_partner = DeliveryPartnerFactory.create(**({"name": name} if name else {}))
    ProviderRelationshipFactory.create(lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=cohort)
    return delivery_partner


def create_body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "ecf-partnership", "attributes": attributes}}


def update_body(delivery_partner_id: Any) -> dict[str, Any]:
    return {"data": {"type": "ecf-partnership-update", "attributes": {"delivery_partner_id": str(delivery_partner_id)}}}


@pytest.fixture
def body(cohort, school, delivery_partner):
    return create_body(cohort="2024", school_id=str(school.pk), delivery_partner_id=str(delivery_partner.pk))


def written() -> tuple[int, ...]:
    return (
        Partnership.objects.count(),
        Partnership.history.count(),
        SchoolCohort.objects.count(),
        SchoolCohort.history.count(),
    )


def errors(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"errors": [{"title": title, "detail": detail} for title, detail in pairs]}


# --- POST -----------------------------------------------------------------------------------------------------


@PATHS
def test_post_reports_a_partnership_and_answers_with_it(api_client, lead_provider, school, delivery_partner, body, url):
    response = api_client.post(url, body, headers={SERVER_DATE: "2024-07-01T10:00:00Z"})

    assert response.status_code == 200, response.json_body
    partnership = Partnership.objects.get()
    assert partnership.lead_provider == lead_provider
    data = response.json_body["data"]
    created_at = data["attributes"].pop("created_at")
    updated_at = data["attributes"].pop("updated_at")
    assert data == {
        "id": str(partnership.pk),
        "type": "partnership",
        "attributes": {
            "cohort": "2024",
            "urn": "654321",
            "school_id": str(school.pk),
            "delivery_partner_id": str(delivery_partner.pk),
            "delivery_partner_name": "Northern Teaching Partners",
            "status": "active",
            "challenged_reason": None,
            "challenged_at": None,
            # The school cohort the report made has no induction tutor yet.
            "induction_tutor_name": None,
            "induction_tutor_email": None,
            "participants_currently_training": 0,
        },
    }
    assert created_at == partnership.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert updated_at >= created_at
    assert SchoolCohort.objects.get().induction_programme_choice == InductionProgrammeChoice.PROVIDER_LED
    assert partnership.challenge_deadline == dt.datetime(2024, 10, 31, tzinfo=dt.UTC)


def test_post_shows_the_schools_induction_tutor(api_client, school, cohort, body):
    SchoolCohortFactory.create(
        school=school, cohort=cohort, induction_tutor_name="Ada Tutor", induction_tutor_email="ada@school.example"
    )

    attributes = api_client.post(URL, body).json_body["data"]["attributes"]

    assert (attributes["induction_tutor_name"], attributes["induction_tutor_email"]) == (
        "Ada Tutor",
        "ada@school.example",
    )


@PATHS
def test_post_revives_a_challenged_partnership_with_the_same_id(api_client, lead_provider, school, cohort, url):
    challenged = PartnershipFactory.create(
        lead_provider=lead_provider, school=school, cohort=cohort, challenged=True, challenge_reason="no_ects"
    )
    new_partner = related_partner(lead_provider, cohort, name="Southern Partners")

    response = api_client.post(
        url, create_body(cohort="2024", school_id=str(school.pk), delivery_partner_id=str(new_partner.pk))
    )

    assert response.status_code == 200, response.json_body
    data = response.json_body["data"]
    assert data["id"] == str(challenged.pk)
    assert {key: data["attributes"][key] for key in ("status", "challenged_reason", "challenged_at")} == {
        "status": "active",
        "challenged_reason": None,
        "challenged_at": None,
    }
    assert data["attributes"]["delivery_partner_name"] == "Southern Partners"
    assert Partnership.objects.count() == 1


def test_post_when_another_provider_partners_the_school_is_allowed(api_client, school, cohort, body):
    PartnershipFactory.create(school=school, cohort=cohort)

    assert api_client.post(URL, body).status_code == 200
    assert Partnership.objects.filter(school=school, cohort=cohort).count() == 2


def test_post_accepts_application_json_and_a_numeric_cohort(api_client, body):
    body["data"]["attributes"]["cohort"] = 2024
    response = api_client.client.post(
        URL, body, content_type="application/json", headers={"Authorization": f"Bearer {api_client.token}"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"]["cohort"] == "2024"


def _closed_school(attributes, lead_provider):
    attributes["school_id"] = str(SchoolFactory.create(closed=True).pk)


def _unrelated_partner(attributes, lead_provider):
    attributes["delivery_partner_id"] = str(DeliveryPartnerFactory.create().pk)


def _confirmed(attributes, lead_provider):
    cohort = Cohort.objects.get(start_year=2024)
    PartnershipFactory.create(lead_provider=lead_provider, school_id=attributes["school_id"], cohort=cohort)


def _frozen(attributes, lead_provider):
    Cohort.objects.filter(start_year=2024).update(payments_frozen_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def _set(**values):
    return lambda attributes, lead_provider: attributes.update(values)


RULE_ERRORS = {
    "unknown-cohort": (_set(cohort="2099"), [("cohort", COHORT_INVALID)]),
    "payments-frozen": (_frozen, [("cohort", COHORT_CLOSED)]),
    "unknown-school": (_set(school_id=str(uuid.uuid4())), [("school_id", SCHOOL_INVALID)]),
    "ineligible-school": (_closed_school, [("school_id", SCHOOL_INELIGIBLE)]),
    "already-confirmed": (_confirmed, [("school_id", SCHOOL_ALREADY_CONFIRMED)]),
    "unknown-delivery-partner": (
        _set(delivery_partner_id=str(uuid.uuid4())),
        [("delivery_partner_id", DELIVERY_PARTNER_INVALID)],
    ),
    "no-relationship": (_unrelated_partner, [("delivery_partner_id", DELIVERY_PARTNER_NOT_RELATED)]),
    "all-collected": (
        _set(cohort="2099", school_id=str(uuid.uuid4()), delivery_partner_id=str(uuid.uuid4())),
        [("cohort", COHORT_INVALID), ("school_id", SCHOOL_INVALID), ("delivery_partner_id", DELIVERY_PARTNER_INVALID)],
    ),
}


@pytest.mark.parametrize(("arrange", "expected"), RULE_ERRORS.values(), ids=RULE_ERRORS.keys())
def test_post_rule_errors_are_422_per_message_and_write_nothing(api_client, lead_provider, body, arrange, expected):
    arrange(body["data"]["attributes"], lead_provider)
    before = written()

    response = api_client.post(URL, body)

    assert response.status_code == 422
    assert response.json_body == errors(*expected)
    assert written() == before


@pytest.mark.parametrize(
    ("server_date", "status"),
    [("2024-07-01T09:59:59Z", 200), ("2024-07-01T10:00:00Z", 422)],
    ids=["a-second-before-the-freeze", "at-the-freeze"],
)
def test_post_payments_freeze_by_the_sandbox_clock(api_client, cohort, body, settings, server_date, status):
    settings.SANDBOX = True
    Cohort.objects.filter(pk=cohort.pk).update(payments_frozen_at=dt.datetime(2024, 7, 1, 10, tzinfo=dt.UTC))

    response = api_client.post(URL, body, headers={SERVER_DATE: server_date})

    assert response.status_code == status


def test_post_challenge_deadline_follows_london_midnight(api_client, body, settings):
    settings.SANDBOX = True

    # 00:00 on 18 October in London is 23:00 on the 17th in UTC: today + 14 days is 1 November.
    assert api_client.post(URL, body, headers={SERVER_DATE: "2024-10-17T23:00:00Z"}).status_code == 200

    assert Partnership.objects.get().challenge_deadline == dt.datetime(2024, 11, 1, tzinfo=dt.UTC)


def test_post_one_second_earlier_keeps_the_academic_window(api_client, body, settings):
    settings.SANDBOX = True

    assert api_client.post(URL, body, headers={SERVER_DATE: "2024-10-17T22:59:59Z"}).status_code == 200

    assert Partnership.objects.get().challenge_deadline == dt.datetime(2024, 10, 31, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        pytest.param(
            {},
            [
                ("cohort", "Enter a '#/cohort'."),
                ("school_id", "Enter a '#/school_id'."),
                ("delivery_partner_id", "Enter a '#/delivery_partner_id'."),
            ],
            id="empty",
        ),
        pytest.param(
            {"cohort": "", "school_id": None, "delivery_partner_id": "not-a-uuid"},
            [
                ("cohort", "Enter a '#/cohort'."),
                ("school_id", "Enter a '#/school_id'."),
                ("delivery_partner_id", "The '#/delivery_partner_id' value is not valid: Must be a valid UUID."),
            ],
            id="blank-null-malformed",
        ),
    ],
)
def test_post_input_errors_are_422(api_client, attributes, expected):
    response = api_client.post(URL, create_body(**attributes))

    assert response.status_code == 422
    assert response.json_body == errors(*expected)
    assert written() == (0, 0, 0, 0)


@pytest.mark.parametrize("payload", [{}, {"data": None}, {"data": {"type": "ecf-partnership"}}, []], ids=str)
def test_post_without_the_envelope_is_400(api_client, payload):
    response = api_client.post(URL, payload)

    assert response.status_code == 400
    assert response.json_body["errors"][0]["title"] == "Bad request"


@PATHS
def test_post_needs_a_token(anonymous_client, body, url):
    response = anonymous_client.post(url, body)

    assert response.status_code == 401
    assert response.json_body == {"error": "HTTP Token: Access denied"}
    assert Partnership.objects.count() == 0


# --- PUT ------------------------------------------------------------------------------------------------------


@pytest.fixture
def partnership(lead_provider, school, cohort, delivery_partner):
    return PartnershipFactory.create(
        lead_provider=lead_provider,
        school=school,
        cohort=cohort,
        delivery_partner=delivery_partner,
        challenge_deadline=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
    )


@PATHS
def test_put_changes_the_delivery_partner(api_client, lead_provider, cohort, school, partnership, url, settings):
    settings.SANDBOX = True
    new_partner = related_partner(lead_provider, cohort, name="Southern Partners")

    response = api_client.put(
        f"{url}/{partnership.pk}", update_body(new_partner.pk), headers={SERVER_DATE: "2024-07-01T10:00:00Z"}
    )

    assert response.status_code == 200, response.json_body
    data = response.json_body["data"]
    attributes = data["attributes"]
    assert data["id"] == str(partnership.pk)
    assert attributes["delivery_partner_id"] == str(new_partner.pk)
    assert attributes["delivery_partner_name"] == "Southern Partners"
    assert (attributes["cohort"], attributes["school_id"], attributes["status"]) == ("2024", str(school.pk), "active")
    partnership.refresh_from_db()
    assert partnership.delivery_partner == new_partner
    assert partnership.challenge_deadline == dt.datetime(2024, 10, 31, tzinfo=dt.UTC)


def test_put_with_the_same_delivery_partner_changes_nothing(api_client, partnership, delivery_partner):
    before = (Partnership.objects.values().get(), Partnership.history.count())

    response = api_client.put(f"{URL}/{partnership.pk}", update_body(delivery_partner.pk))

    assert response.status_code == 200
    assert response.json_body["data"]["attributes"]["delivery_partner_id"] == str(delivery_partner.pk)
    assert (Partnership.objects.values().get(), Partnership.history.count()) == before


@PATHS
def test_put_on_a_challenged_partnership_is_422_titled_id(api_client, lead_provider, cohort, partnership, url):
    Partnership.objects.filter(pk=partnership.pk).update(
        status=PartnershipStatus.CHALLENGED,
        challenge_reason=ChallengeReason.ANOTHER_PROVIDER,
        challenged_at=dt.datetime(2024, 9, 10, tzinfo=dt.UTC),
    )
    before = (Partnership.objects.values().get(), Partnership.history.count())

    response = api_client.put(f"{url}/{partnership.pk}", update_body(related_partner(lead_provider, cohort).pk))

    assert response.status_code == 422
    assert response.json_body == errors(("id", PARTNERSHIP_CHALLENGED))
    assert (Partnership.objects.values().get(), Partnership.history.count()) == before


@pytest.mark.parametrize(
    ("delivery_partner_id", "expected"),
    [
        pytest.param(lambda: uuid.uuid4(), DELIVERY_PARTNER_INVALID, id="unknown"),
        pytest.param(lambda: DeliveryPartnerFactory.create().pk, DELIVERY_PARTNER_NOT_RELATED, id="no-relationship"),
    ],
)
def test_put_delivery_partner_errors(api_client, partnership, delivery_partner_id, expected):
    before = (Partnership.objects.values().get(), Partnership.history.count())

    response = api_client.put(f"{URL}/{partnership.pk}", update_body(delivery_partner_id()))

    assert response.status_code == 422
    assert response.json_body == errors(("delivery_partner_id", expected))
    assert (Partnership.objects.values().get(), Partnership.history.count()) == before


def test_put_input_errors(api_client, partnership):
    missing = api_client.put(f"{URL}/{partnership.pk}", {"data": {"attributes": {}}})
    malformed = api_client.put(f"{URL}/{partnership.pk}", {"data": {"attributes": {"delivery_partner_id": "x"}}})
    no_envelope = api_client.put(f"{URL}/{partnership.pk}", {"delivery_partner_id": "x"})

    assert (missing.status_code, malformed.status_code, no_envelope.status_code) == (422, 422, 400)
    assert missing.json_body == errors(("delivery_partner_id", "Enter a '#/delivery_partner_id'."))
    assert malformed.json_body["errors"][0]["title"] == "delivery_partner_id"


@PATHS
def test_put_on_another_providers_partnership_is_404(api_client, other_lead_provider, cohort, url):
    theirs = PartnershipFactory.create(lead_provider=other_lead_provider, cohort=cohort)
    before = (Partnership.objects.values().get(), Partnership.history.count())

    response = api_client.put(f"{url}/{theirs.pk}", update_body(theirs.delivery_partner_id))

    assert response.status_code == 404
    assert response.json_body["errors"][0]["title"] == "Resource not found"
    assert (Partnership.objects.values().get(), Partnership.history.count()) == before


def test_put_on_an_unknown_id_is_404(api_client, delivery_partner):
    assert api_client.put(f"{URL}/{uuid.uuid4()}", update_body(delivery_partner.pk)).status_code == 404


@PATHS
def test_put_needs_a_token(anonymous_client, partnership, delivery_partner, url):
    assert anonymous_client.put(f"{url}/{partnership.pk}", update_body(delivery_partner.pk)).status_code == 401


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_patch_and_delete_are_not_offered(api_client, partnership, method):
    response = getattr(api_client.client, method)(
        f"{URL}/{partnership.pk}",
        update_body(partnership.delivery_partner_id),
        content_type=JSON_API,
        headers={"Authorization": f"Bearer {api_client.token}"},
    )

    assert response.status_code == 405
    assert Partnership.objects.filter(pk=partnership.pk).exists()


# --- concurrency (PostgreSQL) -----------------------------------------------------------------------------------


def _race(requests: list[tuple[str, dict[str, Any], str]]) -> list[int]:
    """Sends the requests at once, each on its own connection; returns their status codes."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def send(index: int, path: str, payload: dict[str, Any], token: str) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(path, payload, content_type=JSON_API, headers={"Authorization": f"Bearer {token}"})
            statuses[index] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_reports_of_one_provider_make_one_partnership():
    cohort = CohortFactory.create(start_year=2024)
    school = SchoolFactory.create()
    lead_provider = LeadProviderFactory.create()
    _, token = api_token_create(lead_provider=lead_provider)
    partners = [related_partner(lead_provider, cohort) for _ in range(4)]
    requests = [
        (URL, create_body(cohort="2024", school_id=str(school.pk), delivery_partner_id=str(partner.pk)), token)
        for partner in partners
    ]

    statuses = _race(requests)

    assert sorted(statuses) == [200, 422, 422, 422]
    assert Partnership.objects.count() == 1
    assert SchoolCohort.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_reports_of_several_providers_make_one_school_cohort():
    cohort = CohortFactory.create(start_year=2024)
    school = SchoolFactory.create()
    requests = []
    for _ in range(4):
        lead_provider = LeadProviderFactory.create()
        _, token = api_token_create(lead_provider=lead_provider)
        partner = related_partner(lead_provider, cohort)
        body = create_body(cohort="2024", school_id=str(school.pk), delivery_partner_id=str(partner.pk))
        requests.append((URL, body, token))

    statuses = _race(requests)

    assert statuses == [200, 200, 200, 200]
    assert Partnership.objects.count() == 4
    assert SchoolCohort.objects.get().induction_programme_choice == InductionProgrammeChoice.PROVIDER_LED
