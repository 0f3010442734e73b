"""Provider isolation, for every v3 operation (issue 8).

The operations are read from the URL configuration (every route under `api/v3/`, each HTTP method its
view answers), so a new endpoint is covered without editing this module. Provider B calls each of them
on provider A's data: detail routes with every one of A's ids, writes with bodies naming A's objects,
lists plainly. B must get 404 or 422 (lists: 200 without A's rows), never a 2xx on A's data nor a 500,
and no id, name or e-mail of A's data may appear anywhere in B's response body.

Schools are the one shared resource (the list is the same for every provider): B sees A's school, but
not what is A's about it (A's expression of interest, the induction tutor shown only to A)."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from ecf.choices import DeclarationState, DeclarationType
from tests.ecf.factories import DeliveryPartnerFactory, SchoolCohortFactory
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period
from tests.finance.test_services_declarations import existing, next_statement, trained
from tests.partnerships.factories import ProviderRelationshipFactory

pytestmark = pytest.mark.django_db

PREFIX = "api/v3/"
METHODS = ("get", "post", "put", "patch", "delete")
PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
SCHOOL_PARAMS = {"filter[cohort]": "2024"}


@dataclass(frozen=True)
class Operation:
    route: str  # e.g. "api/v3/participants/ecf/<uuid:pk>/withdraw"
    method: str  # lower case
    name: str  # URL name, e.g. "participant-alias-withdraw"
    action: str  # the viewset action, e.g. "withdraw"

    @property
    def detail(self) -> bool:
        return bool(PARAMETER.search(self.route))

    @property
    def resource(self) -> str:
        """The URL name without the alias marker and the route suffix: `participant-withdraw`."""
        return self.name.replace("-alias", "")

    def path(self, pk: object = None) -> str:
        return "/" + PARAMETER.sub(str(pk), self.route)

    def __str__(self) -> str:
        return f"{self.method.upper()} /{self.route}"


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def api_operations() -> list[Operation]:
    """Every (route, method) of the v3 API except the published documentation."""
    operations = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(PREFIX) or "schema" in route or "docs" in route:
            continue
        callback = pattern.callback
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        allowed = [name for name in getattr(view_class, "http_method_names", METHODS) if name in METHODS]
        actions = getattr(callback, "actions", None)
        if actions is None:  # a plain APIView: the methods it defines
            actions = {method: method for method in METHODS if hasattr(view_class, method)}
        for method, action in actions.items():
            if method in allowed:
                operations.append(Operation(route, method, pattern.name or "", action))
    return operations


OPERATIONS = api_operations()

# What exists today: the walk must find at least these (a broken walk must not pass with nothing to check).
KNOWN = {
    ("get", "api/v3/participants/ecf"),
    ("get", "api/v3/participants/ecf/<uuid:pk>"),
    ("put", "api/v3/participants/ecf/<uuid:pk>/withdraw"),
    ("put", "api/v3/participants/ecf/<uuid:pk>/defer"),
    ("put", "api/v3/participants/ecf/<uuid:pk>/resume"),
    ("put", "api/v3/participants/ecf/<uuid:pk>/change-schedule"),
    ("get", "api/v3/participants/ecf/transfers"),
    ("get", "api/v3/participants/ecf/<uuid:pk>/transfers"),
    ("get", "api/v3/participants"),
    ("get", "api/v3/participants/<uuid:pk>"),
    ("put", "api/v3/participants/<uuid:pk>/withdraw"),
    ("put", "api/v3/participants/<uuid:pk>/defer"),
    ("put", "api/v3/participants/<uuid:pk>/resume"),
    ("put", "api/v3/participants/<uuid:pk>/change-schedule"),
    ("get", "api/v3/participants/transfers"),
    ("get", "api/v3/participants/<uuid:pk>/transfers"),
    ("get", "api/v3/unfunded-mentors/ecf"),
    ("get", "api/v3/unfunded-mentors/ecf/<uuid:pk>"),
    ("get", "api/v3/unfunded-mentors"),
    ("get", "api/v3/unfunded-mentors/<uuid:pk>"),
    ("get", "api/v3/statements"),
    ("get", "api/v3/statements/<uuid:pk>"),
    ("get", "api/v3/statements/<uuid:pk>/breakdown"),
    ("get", "api/v3/participant-declarations"),
    ("post", "api/v3/participant-declarations"),
    ("get", "api/v3/participant-declarations/<uuid:pk>"),
    ("put", "api/v3/participant-declarations/<uuid:pk>/void"),
    ("get", "api/v3/partnerships/ecf"),
    ("post", "api/v3/partnerships/ecf"),
    ("get", "api/v3/partnerships/ecf/<uuid:pk>"),
    ("put", "api/v3/partnerships/ecf/<uuid:pk>"),
    ("get", "api/v3/partnerships"),
    ("post", "api/v3/partnerships"),
    ("get", "api/v3/partnerships/<uuid:pk>"),
    ("put", "api/v3/partnerships/<uuid:pk>"),
    ("get", "api/v3/schools/ecf"),
    ("get", "api/v3/schools/ecf/<uuid:pk>"),
    ("get", "api/v3/schools"),
    ("get", "api/v3/schools/<uuid:pk>"),
    ("get", "api/v3/delivery-partners"),
    ("get", "api/v3/delivery-partners/<uuid:pk>"),
}


def test_the_walk_finds_every_known_operation():
    found = {(operation.method, operation.route) for operation in OPERATIONS}

    assert sorted(KNOWN - found) == []
    assert len(OPERATIONS) >= len(KNOWN)


@dataclass
class ProviderAData:
    secrets: set[str]  # ids, names and e-mails B must never see
    ids: list[str]  # every id of A's objects, tried on every detail route
    school_id: str
    participant_id: str
    partnership_id: str
    only_a_partner_id: str


@pytest.fixture
def a_data(lead_provider) -> ProviderAData:
    """Provider A's world: a participant who is both an ECT and a mentor in A's partnership, declarations in
    several states on A's statements, a delivery partner related only to A, an unfunded mentor, a leaver."""
    ect_record = trained(lead_provider, email="a-only-ect@provider-a.example")
    participant = ect_record.participant
    participant.full_name = "Alexandra Onlya-Secret"
    participant.save()
    ect_period = ect_record.training_periods.get()
    school = ect_period.school
    partnership = ect_period.partnership
    assert partnership is not None
    SchoolCohortFactory.create(
        school=school,
        cohort=ect_record.cohort,
        induction_tutor_name="Tutor Onlya-Secret",
        induction_tutor_email="tutor@provider-a.example",
    )
    mentor_record = mentor(participant, email="a-only-mentor@provider-a.example")
    period(mentor_record, lead_provider, school=school)
    statement = next_statement(lead_provider, ect_record)
    declarations = [
        existing(lead_provider, ect_record, DeclarationState.PAID),
        existing(lead_provider, ect_record, DeclarationState.VOIDED),
        existing(lead_provider, ect_record, DeclarationState.SUBMITTED, declaration_type=DeclarationType.RETAINED_1),
        existing(lead_provider, mentor_record, DeclarationState.ELIGIBLE),
    ]
    only_a_partner = DeliveryPartnerFactory.create(name="Onlya Secret Partners")
    ProviderRelationshipFactory.create(
        lead_provider=lead_provider, delivery_partner=only_a_partner, cohort=ect_record.cohort
    )
    # An ECT of A mentored by somebody no provider trains: an unfunded mentor for A.
    mentored = ect(email="a-mentored-ect@provider-a.example")
    period(mentored, lead_provider, school=school)
    unfunded = mentor(email="a-unfunded@provider-a.example")
    assign_mentor(mentored, unfunded)
    # A participant A trained until they left their school: a transfer for A.
    leaver = ect(email="a-leaver@provider-a.example")
    period(leaver, lead_provider, end=dt.date(2025, 1, 31), leaving=True, school_transfer=True)

    ids = [
        participant.pk,
        mentored.participant_id,
        unfunded.participant_id,
        leaver.participant_id,
        statement.pk,
        partnership.pk,
        partnership.delivery_partner_id,
        only_a_partner.pk,
        *(declaration.pk for declaration in declarations),
        *(declaration.payment_statement_id for declaration in declarations if declaration.payment_statement_id),
    ]
    records = [ect_record, mentor_record, mentored, unfunded, leaver]
    secrets = {str(pk) for pk in ids} | {
        participant.full_name,
        partnership.delivery_partner.name,
        only_a_partner.name,
        "Tutor Onlya-Secret",
        "tutor@provider-a.example",
        *(record.email for record in records),
        *(record.participant.full_name for record in records),
        *(record.participant.trn for record in records),
    }
    return ProviderAData(
        secrets=secrets,
        ids=[str(pk) for pk in dict.fromkeys(ids)],
        school_id=str(school.pk),
        participant_id=str(participant.pk),
        partnership_id=str(partnership.pk),
        only_a_partner_id=str(only_a_partner.pk),
    )


@pytest.fixture
def b_data(other_lead_provider):
    """B has data of its own, so that its lists are not trivially empty."""
    record = trained(other_lead_provider)
    existing(other_lead_provider, record, DeclarationState.SUBMITTED)
    return record


ACTION_ATTRIBUTES = {
    "withdraw": {"reason": "moved-school", "course_identifier": "ecf-induction"},
    "defer": {"reason": "career-break", "course_identifier": "ecf-induction"},
    "resume": {"course_identifier": "ecf-induction"},
    "change_schedule": {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-induction"},
}


def body_naming_a(operation: Operation, a: ProviderAData) -> Any:
    """A valid-looking body for the write, naming A's objects where the write names any."""
    if operation.resource == "participant-declaration-list":
        attributes = {
            "participant_id": a.participant_id,
            "declaration_type": "started",
            "declaration_date": "2024-10-01T10:00:00Z",
            "course_identifier": "ecf-induction",
        }
        return {"data": {"type": "participant-declaration", "attributes": attributes}}
    if operation.resource == "partnership-list":
        attributes = {"cohort": "2024", "school_id": a.school_id, "delivery_partner_id": a.only_a_partner_id}
        return {"data": {"type": "ecf-partnership", "attributes": attributes}}
    if operation.resource == "partnership-detail":
        attributes = {"delivery_partner_id": a.only_a_partner_id}
        return {"data": {"type": "ecf-partnership-update", "attributes": attributes}}
    if operation.resource == "sandbox-participants":
        attributes = {"cohort": "2024", "school_id": a.school_id}
        return {"data": {"type": "sandbox-participants", "attributes": attributes}}
    if operation.action in ACTION_ATTRIBUTES:
        name = operation.action.replace("_", "-")
        return {"data": {"type": f"participant-{name}", "attributes": ACTION_ATTRIBUTES[operation.action]}}
    return {}


def call(client: Any, operation: Operation, path: str, a: ProviderAData) -> Any:
    if operation.method == "get":
        return client.get(path, SCHOOL_PARAMS if operation.resource.startswith("school-") else {})
    return getattr(client, operation.method)(path, body_naming_a(operation, a))


def leaks(response: Any, a: ProviderAData) -> list[str]:
    text = response.content.decode()
    return sorted(secret for secret in a.secrets if secret and secret in text)


def listed_ids(response: Any) -> set[str]:
    data = response.json_body["data"]
    return {row["id"] for row in data} if isinstance(data, list) else set()


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op.detail], ids=str)
def test_b_gets_not_found_on_every_id_of_a(other_api_client, a_data, b_data, operation):
    answers = {}
    for pk in [*a_data.ids, a_data.school_id]:
        response = call(other_api_client, operation, operation.path(pk), a_data)
        answers[pk] = response.status_code
        assert leaks(response, a_data) == [], (str(operation), pk)
        if operation.resource.startswith("school-") and pk == a_data.school_id:
            attributes = response.json_body["data"]["attributes"]
            assert (response.status_code, attributes["expression_of_interest"]) == (200, False)
            assert (attributes["induction_tutor_name"], attributes["induction_tutor_email"]) == (None, None)
            answers.pop(pk)

    assert {status for status in answers.values() if status not in (404, 422)} == set(), answers


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if not op.detail], ids=str)
def test_b_lists_and_writes_show_nothing_of_a(other_api_client, a_data, b_data, operation):
    response = call(other_api_client, operation, operation.path(), a_data)

    assert leaks(response, a_data) == []
    if operation.method == "get":
        assert response.status_code == 200
        assert listed_ids(response) & set(a_data.ids) == set()
    else:
        assert response.status_code in (404, 422), response.json_body


def test_b_sees_its_own_rows_so_the_lists_are_not_trivially_empty(other_api_client, a_data, b_data):
    response = other_api_client.get("/api/v3/participants/ecf")

    assert listed_ids(response) == {str(b_data.participant_id)}


def test_a_sees_the_data_b_must_not(api_client, a_data):
    """The fixture is A's indeed: A's own lists show each kind of object the matrix hides from B."""
    seen = set()
    for operation in OPERATIONS:
        if operation.method == "get" and not operation.detail:
            response = call(api_client, operation, operation.path(), a_data)
            seen |= listed_ids(response)

    assert set(a_data.ids) - seen == set()
