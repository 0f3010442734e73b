"""PUT /api/v3/participants/ecf/{id}/withdraw, /defer, /resume and /change-schedule (and the aliases without
`/ecf`): contract §3 and §4.5, domain rules §2.1 and §5, decisions D12 and D15. The rules themselves are
tested on the service (tests/ecf/test_services_participants.py); here: the HTTP side of each of them."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from api.tokens import api_token_create
from ecf.choices import SCHEDULE_IDENTIFIERS, DeclarationType, DeferReason, TrainingStatus, WithdrawReason
from ecf.models import Cohort, Participant, TrainingPeriod, TrainingRecord, TrainingStatusChange
from ecf.services import participants as actions
from ecf.services.participants import (
    ALREADY_ACTIVE,
    ALREADY_DEFERRED,
    ALREADY_WITHDRAWN,
    BEFORE_PREVIOUS_ACTION,
    CHANGE_SCHEDULE_WITHDRAWN,
    COHORT_FROZEN_COMPLETED,
    COHORT_FROZEN_DESTINATION,
    COHORT_FROZEN_TARGET,
    COHORT_HAS_DECLARATIONS,
    COHORT_NO_PARTNERSHIP,
    COHORT_UNKNOWN,
    COURSE_NOT_RECOGNISED,
    DEFER_WITHDRAWN,
    SCHEDULE_INVALIDATES_DECLARATIONS,
    SCHEDULE_MENTORS_ONLY,
    SCHEDULE_NOT_FOR_MENTORS,
    SCHEDULE_UNCHANGED,
    SCHEDULE_UNKNOWN,
    WITHDRAW_REASON_MENTORS_ONLY,
)
from tests.api.conftest import JSON_API, ApiClient
from tests.api.openapi import document
from tests.ecf.factories import (
    CohortFactory,
    DeclarationFactory,
    LeadProviderFactory,
    MilestoneFactory,
    ScheduleFactory,
    SchoolFactory,
    TrainingStatusChangeFactory,
)
from tests.ecf.participant_builders import ect, enrolled, mentor, partnership, period
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v3/participants/ecf"
ALIAS = "/api/v3/participants"
BASES = [URL, ALIAS]
ACTIVE, DEFERRED, WITHDRAWN = TrainingStatus.ACTIVE, TrainingStatus.DEFERRED, TrainingStatus.WITHDRAWN
SERVER_DATE = "2025-01-10T10:20:30Z"

# A valid body of each action for an ECT.
ATTRIBUTES = {
    "withdraw": {"reason": "moved-school", "course_identifier": "ecf-induction"},
    "defer": {"reason": "career-break", "course_identifier": "ecf-induction"},
    "resume": {"course_identifier": "ecf-induction"},
    "change-schedule": {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-induction"},
}


def body(action: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": f"participant-{action}", "attributes": attributes}}


def put(client: ApiClient, participant_id: Any, action: str, base: str = URL, headers: Any = None, **attributes: Any):
    attributes = {**ATTRIBUTES[action], **attributes}
    return client.put(f"{base}/{participant_id}/{action}", body(action, **attributes), headers=headers)


def errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.json_body
    return [(error["title"], error["detail"]) for error in response.json_body["errors"]]


def enrolment(response, record) -> dict[str, Any]:
    assert response.status_code == 200, response.json_body
    (found,) = [
        item
        for item in response.json_body["data"]["attributes"]["ecf_enrolments"]
        if item["training_record_id"] == str(record.pk)
    ]
    return found


def snapshot():
    """Everything an action may write (and the history of it), to show a refused one writes nothing."""
    return (
        TrainingStatusChange.objects.count(),
        TrainingStatusChange.history.count(),
        TrainingPeriod.history.count(),
        TrainingRecord.history.count(),
        sorted(TrainingPeriod.objects.values_list("id", "training_status", "partnership_id")),
        sorted(
            TrainingRecord.objects.values_list("id", "cohort_id", "schedule_id", "cohort_changed_after_payments_frozen")
        ),
        sorted(Participant.objects.values_list("id", "api_updated_at")),
    )


@pytest.fixture
def sandbox(settings):
    settings.SANDBOX = True


@pytest.fixture(autouse=True)
def extended_schedule():
    """The schedule the default change-schedule body asks for."""
    return ScheduleFactory.create(identifier="ecf-extended-september", cohort=CohortFactory.create(start_year=2024))


# --- the state machine (§2.1 with D12) --------------------------------------------------------------

TRANSITIONS = [
    (ACTIVE, "withdraw", WITHDRAWN),
    (DEFERRED, "withdraw", WITHDRAWN),
    (WITHDRAWN, "withdraw", ALREADY_WITHDRAWN),
    (ACTIVE, "defer", DEFERRED),
    (DEFERRED, "defer", ALREADY_DEFERRED),
    (WITHDRAWN, "defer", DEFER_WITHDRAWN),
    (DEFERRED, "resume", ACTIVE),
    (WITHDRAWN, "resume", ACTIVE),
    (ACTIVE, "resume", ALREADY_ACTIVE),
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize(("current", "action", "outcome"), TRANSITIONS)
def test_transitions(api_client, lead_provider, base, current, action, outcome):
    record = enrolled(lead_provider, status=current)
    before = snapshot()

    response = put(api_client, record.participant_id, action, base)

    if outcome in TrainingStatus.values:
        assert enrolment(response, record)["training_status"] == outcome
        assert TrainingStatusChange.objects.filter(training_record=record, training_status=outcome).count() == 1
    else:
        assert errors(response) == [("participant_id", outcome)]
        assert snapshot() == before


@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
def test_the_response_is_what_a_get_then_shows(api_client, lead_provider, action):
    record = enrolled(lead_provider, status=DEFERRED if action == "resume" else ACTIVE)

    response = put(api_client, record.participant_id, action)

    assert response.status_code == 200, response.json_body
    assert response.json_body == api_client.get(f"{URL}/{record.participant_id}").json_body


def test_withdraw_shows_the_withdrawal(api_client, lead_provider, sandbox):
    record = enrolled(lead_provider, status=DEFERRED)
    TrainingStatusChangeFactory.create(
        training_record=record,
        lead_provider=lead_provider,
        deferred=True,
        changed_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    )

    response = put(api_client, record.participant_id, "withdraw", headers={"X-With-Server-Date": SERVER_DATE})

    shown = enrolment(response, record)
    assert (shown["training_status"], shown["participant_status"]) == ("withdrawn", "active")
    assert shown["withdrawal"] == {"reason": "moved-school", "date": SERVER_DATE}
    assert shown["deferral"] is None
    change = TrainingStatusChange.objects.get(training_record=record, training_status=WITHDRAWN)
    assert (change.lead_provider, change.reason, change.changed_at) == (
        lead_provider,
        "moved-school",
        dt.datetime(2025, 1, 10, 10, 20, 30, tzinfo=dt.UTC),
    )
    assert change.history.get().history_change_reason == f"API: withdrawn by {lead_provider.name}"
    assert TrainingPeriod.objects.get(training_record=record).history.first().history_change_reason == (
        f"API: withdrawn by {lead_provider.name}"
    )


def test_defer_shows_the_deferral_and_resume_clears_it(api_client, lead_provider, sandbox):
    record = enrolled(lead_provider)

    deferred = put(api_client, record.participant_id, "defer", headers={"X-With-Server-Date": SERVER_DATE})
    resumed = put(api_client, record.participant_id, "resume", headers={"X-With-Server-Date": "2025-02-01T09:00:00Z"})

    shown = enrolment(deferred, record)
    assert (shown["training_status"], shown["withdrawal"], shown["deferral"]) == (
        "deferred",
        None,
        {"reason": "career-break", "date": SERVER_DATE},
    )
    shown = enrolment(resumed, record)
    assert (shown["training_status"], shown["withdrawal"], shown["deferral"]) == ("active", None, None)
    assert list(TrainingStatusChange.objects.order_by("changed_at").values_list("training_status", "reason")) == [
        ("deferred", "career-break"),
        ("active", ""),
    ]


def test_a_withdrawn_participant_is_resumed_and_filtered_as_active(api_client, lead_provider):
    """D12, and the list's training status filter reads what the action wrote."""
    record = enrolled(lead_provider, status=WITHDRAWN)

    put(api_client, record.participant_id, "resume")

    listed = api_client.get(URL, {"filter[training_status]": "active"}).json_body["data"]
    assert [row["id"] for row in listed] == [str(record.participant_id)]


def test_an_action_cannot_be_dated_before_the_previous_one(api_client, lead_provider, sandbox):
    record = enrolled(lead_provider)
    put(api_client, record.participant_id, "defer", headers={"X-With-Server-Date": SERVER_DATE})

    response = put(api_client, record.participant_id, "resume", headers={"X-With-Server-Date": "2025-01-10T10:20:29Z"})

    assert errors(response) == [("participant_id", BEFORE_PREVIOUS_ACTION)]


# --- the request body: shape errors (plumbing) and rule errors (service) ----------------------------------


@pytest.mark.parametrize(
    ("action", "attributes", "expected"),
    [
        ("withdraw", {"reason": None}, [("reason", "Enter a '#/reason'.")]),
        ("withdraw", {"reason": ""}, [("reason", "Enter a '#/reason'.")]),
        (
            "withdraw",
            {"reason": "bereavement"},
            [
                (
                    "reason",
                    f"The '#/reason' value is not one of the accepted values: {', '.join(WithdrawReason.values)}.",
                )
            ],
        ),
        (
            "defer",
            {"reason": "moved-school", "course_identifier": None},
            [
                ("reason", f"The '#/reason' value is not one of the accepted values: {', '.join(DeferReason.values)}."),
                ("course_identifier", "Enter a '#/course_identifier'."),
            ],
        ),
        (
            "resume",
            {"course_identifier": "npq-leadership"},
            [
                (
                    "course_identifier",
                    "The '#/course_identifier' value is not one of the accepted values: ecf-induction, ecf-mentor.",
                )
            ],
        ),
        (
            "change-schedule",
            {"schedule_identifier": None},
            [("schedule_identifier", "Enter a '#/schedule_identifier'.")],
        ),
        (
            "change-schedule",
            {"schedule_identifier": "ecf-standard-june"},
            [
                (
                    "schedule_identifier",
                    "The '#/schedule_identifier' value is not one of the accepted values: "
                    + ", ".join(SCHEDULE_IDENTIFIERS)
                    + ".",
                )
            ],
        ),
        (
            "change-schedule",
            {"cohort": "24"},
            [("cohort", "The '#/cohort' value is not valid: This value does not match the required pattern.")],
        ),
    ],
)
def test_input_errors(api_client, lead_provider, action, attributes, expected):
    record = enrolled(lead_provider, status=DEFERRED)
    before = snapshot()
    sent = {**ATTRIBUTES[action], **attributes}
    sent = {key: value for key, value in sent.items() if value is not None}

    response = api_client.put(f"{URL}/{record.participant_id}/{action}", body(action, **sent))

    assert errors(response) == expected
    assert snapshot() == before


@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
@pytest.mark.parametrize("sent", [{}, {"data": {}}, {"data": {"type": "x"}}, {"attributes": {}}, []])
def test_a_body_without_attributes_is_a_400(api_client, lead_provider, action, sent):
    record = enrolled(lead_provider)

    response = api_client.put(f"{URL}/{record.participant_id}/{action}", sent)

    assert response.status_code == 400
    assert response.json_body["errors"][0]["title"] == "Bad request"


def test_data_type_is_not_checked_and_extra_attributes_are_ignored(api_client, lead_provider):
    record = enrolled(lead_provider)
    sent = {"data": {"type": "anything", "attributes": {**ATTRIBUTES["defer"], "unknown": 1}}}

    response = api_client.put(f"{URL}/{record.participant_id}/defer", sent)

    assert enrolment(response, record)["training_status"] == "deferred"


def test_an_ect_cannot_be_withdrawn_as_no_longer_being_a_mentor(api_client, lead_provider):
    """D15."""
    as_ect = enrolled(lead_provider)
    as_mentor = enrolled(lead_provider, as_mentor=True, participant=as_ect.participant)

    refused = put(api_client, as_ect.participant_id, "withdraw", reason="mentor-no-longer-being-mentor")
    accepted = put(
        api_client,
        as_ect.participant_id,
        "withdraw",
        reason="mentor-no-longer-being-mentor",
        course_identifier="ecf-mentor",
    )

    assert errors(refused) == [("reason", WITHDRAW_REASON_MENTORS_ONLY)]
    assert enrolment(accepted, as_mentor)["withdrawal"]["reason"] == "mentor-no-longer-being-mentor"
    assert enrolment(accepted, as_ect)["training_status"] == "active"


@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
def test_a_course_the_provider_does_not_train_is_refused(api_client, lead_provider, other_lead_provider, action):
    record = enrolled(lead_provider, status=DEFERRED)
    period(mentor(record.participant), other_lead_provider)
    before = snapshot()

    response = put(api_client, record.participant_id, action, course_identifier="ecf-mentor")

    assert errors(response) == [("course_identifier", COURSE_NOT_RECOGNISED)]
    assert snapshot() == before


# --- visibility, isolation, authentication ---------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda me, other: period(ect(), other).training_record.participant_id, id="another provider's"),
        pytest.param(
            lambda me, other: period(ect(), me, challenged=True).training_record.participant_id,
            id="only in a challenged partnership",
        ),
        pytest.param(lambda me, other: "6c1e5f0e-32c4-4d76-9c0b-8d7a2e3b4f51", id="unknown id"),
    ],
)
def test_a_participant_the_provider_cannot_see_is_not_found(
    api_client, lead_provider, other_lead_provider, base, action, make
):
    participant_id = make(lead_provider, other_lead_provider)
    before = snapshot()

    response = put(api_client, participant_id, action, base)
    with_a_bad_body = api_client.put(f"{base}/{participant_id}/{action}", {})

    assert response.status_code == with_a_bad_body.status_code == 404
    assert snapshot() == before


def test_an_id_that_is_not_a_uuid_is_not_found(api_client):
    assert api_client.put(f"{URL}/12345/withdraw", body("withdraw", **ATTRIBUTES["withdraw"])).status_code == 404


@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
def test_a_token_is_required(anonymous_client, lead_provider, action):
    record = enrolled(lead_provider)

    response = put(anonymous_client, record.participant_id, action)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_each_provider_sees_only_its_own_action(api_client, other_api_client, lead_provider, other_lead_provider):
    record = ect()
    period(record, other_lead_provider, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31), leaving=True)
    period(record, lead_provider, start=dt.date(2025, 1, 1))

    mine = put(api_client, record.participant_id, "withdraw")
    theirs = other_api_client.get(f"{URL}/{record.participant_id}")

    assert (enrolment(mine, record)["training_status"], enrolment(mine, record)["withdrawal"]["reason"]) == (
        "withdrawn",
        "moved-school",
    )
    assert (enrolment(theirs, record)["training_status"], enrolment(theirs, record)["withdrawal"]) == ("active", None)
    # The participant left the other provider: it no longer acts on their training (D22).
    assert errors(put(other_api_client, record.participant_id, "defer"))[0][0] == "participant_id"


# --- change schedule --------------------------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
def test_change_schedule_within_the_cohort(api_client, lead_provider, base):
    record = enrolled(lead_provider, status=DEFERRED)

    response = put(api_client, record.participant_id, "change-schedule", base)

    shown = enrolment(response, record)
    assert (shown["schedule_identifier"], shown["cohort"], shown["training_status"]) == (
        "ecf-extended-september",
        "2024",
        "deferred",
    )
    assert TrainingRecord.objects.get(pk=record.pk).history.first().history_change_reason == (
        f"API: schedule changed by {lead_provider.name}"
    )


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("cohort", ["2025", 2025])
def test_change_schedule_and_cohort(api_client, lead_provider, base, cohort):
    school = SchoolFactory.create()
    record = enrolled(lead_provider, school=school)
    target = ScheduleFactory.create(identifier="ecf-standard-january", cohort=CohortFactory.create(start_year=2025))
    new_partnership = PartnershipFactory.create(lead_provider=lead_provider, school=school, cohort=target.cohort)

    response = put(
        api_client,
        record.participant_id,
        "change-schedule",
        base,
        schedule_identifier="ecf-standard-january",
        cohort=cohort,
    )

    shown = enrolment(response, record)
    assert (shown["schedule_identifier"], shown["cohort"], shown["delivery_partner_id"]) == (
        "ecf-standard-january",
        "2025",
        str(new_partnership.delivery_partner_id),
    )
    assert response.json_body == api_client.get(f"{URL}/{record.participant_id}").json_body


@pytest.mark.parametrize("cohort", [None, ""])
def test_no_cohort_keeps_the_participants_cohort(api_client, lead_provider, cohort):
    record = enrolled(lead_provider)

    response = put(api_client, record.participant_id, "change-schedule", cohort=cohort)

    assert enrolment(response, record)["cohort"] == "2024"


def _frozen(year):
    cohort = CohortFactory.create(start_year=year)
    Cohort.objects.filter(pk=cohort.pk).update(payments_frozen_at=dt.datetime(2024, 6, 18, tzinfo=dt.UTC))
    return cohort


def _frozen_2022_ect(me, **fields):
    """An ECT in frozen 2022 with a paid started declaration there, partnered in 2022, 2024 and 2025."""
    school = SchoolFactory.create()
    cohort = _frozen(2022)
    record = enrolled(me, year=2022, school=school, **fields)
    for year in (2024, 2025):
        partnership(me, school, CohortFactory.create(start_year=year))
    ScheduleFactory.create(identifier="ecf-standard-september", cohort=CohortFactory.create(start_year=2025))
    DeclarationFactory.create(training_record=record, lead_provider=me, cohort=cohort, paid=True)
    return record


def _back_to_2022(me, flag=True):
    """An ECT that left frozen 2022 for 2024, with a paid declaration left in 2022."""
    school = SchoolFactory.create()
    frozen_cohort = _frozen(2022)
    ScheduleFactory.create(identifier="ecf-extended-september", cohort=frozen_cohort)
    record = ect(
        year=2024,
        schedule=ScheduleFactory.create(
            identifier="ecf-standard-january", cohort=CohortFactory.create(start_year=2024)
        ),
        cohort_changed_after_payments_frozen=flag,
    )
    period(record, me, school=school)
    partnership(me, school, frozen_cohort)
    DeclarationFactory.create(training_record=record, lead_provider=me, cohort=frozen_cohort, paid=True)
    return record


def _with_milestone(me):
    record = enrolled(me)
    DeclarationFactory.create(training_record=record, declaration_date=dt.datetime(2024, 10, 1, tzinfo=dt.UTC))
    extended = ScheduleFactory.create(identifier="ecf-extended-september", cohort=record.cohort)
    MilestoneFactory.create(
        schedule=extended,
        declaration_type=DeclarationType.STARTED,
        start_date=dt.date(2024, 11, 1),
        milestone_date=None,
    )
    return record


def _declared_2024(me):
    """A 2024 ECT partnered with `me` in 2024 and 2025, with a submitted declaration."""
    school = SchoolFactory.create()
    record = enrolled(me, school=school)
    partnership(me, school, CohortFactory.create(start_year=2025))
    DeclarationFactory.create(training_record=record, lead_provider=me)
    return record


# (case, how the participant is made, extra attributes, expected errors): every change-schedule rule over HTTP.
CHANGE_SCHEDULE_REFUSALS = [
    (
        "withdrawn",
        lambda me: enrolled(me, status=WITHDRAWN),
        {},
        [("participant_id", CHANGE_SCHEDULE_WITHDRAWN)],
    ),
    ("unknown cohort", lambda me: enrolled(me), {"cohort": "2031"}, [("cohort", COHORT_UNKNOWN)]),
    (
        "schedule not in the cohort",
        lambda me: enrolled(me),
        {"schedule_identifier": "ecf-reduced-april"},
        [("schedule_identifier", SCHEDULE_UNKNOWN.format(cohort=2024))],
    ),
    (
        "same schedule",
        lambda me: enrolled(me),
        {"schedule_identifier": "ecf-standard-september", "cohort": "2024"},
        [("schedule_identifier", SCHEDULE_UNCHANGED)],
    ),
    (
        "replacement for an ECT",
        lambda me: enrolled(me),
        {"schedule_identifier": "ecf-replacement-september"},
        [("schedule_identifier", SCHEDULE_MENTORS_ONLY)],
    ),
    (
        "reduced for a mentor",
        lambda me: enrolled(me, as_mentor=True),
        {"schedule_identifier": "ecf-reduced-september"},
        [("schedule_identifier", SCHEDULE_NOT_FOR_MENTORS)],
    ),
    (
        "declarations outside the new milestones",
        _with_milestone,
        {},
        [("schedule_identifier", SCHEDULE_INVALIDATES_DECLARATIONS)],
    ),
    (
        "no partnership in the cohort",
        lambda me: enrolled(me),
        {"schedule_identifier": "ecf-standard-september", "cohort": "2025"},
        [("cohort", COHORT_NO_PARTNERSHIP)],
    ),
    (
        "declarations in the cohort",
        _declared_2024,
        {"schedule_identifier": "ecf-standard-september", "cohort": "2025"},
        [("cohort", COHORT_HAS_DECLARATIONS)],
    ),
    (
        "frozen cohort to anything but 2024",
        _frozen_2022_ect,
        {"schedule_identifier": "ecf-standard-september", "cohort": "2025"},
        [("cohort", COHORT_FROZEN_DESTINATION)],
    ),
    (
        "frozen cohort after completing",
        lambda me: _frozen_2022_ect(me, induction_end_date=dt.date(2024, 7, 1)),
        {"cohort": "2024"},
        [("cohort", COHORT_FROZEN_COMPLETED)],
    ),
    (
        "into a frozen cohort never left",
        lambda me: _back_to_2022(me, flag=False),
        {"cohort": "2022"},
        [("cohort", COHORT_FROZEN_TARGET)],
    ),
]


@pytest.mark.parametrize(
    ("make", "attributes", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in CHANGE_SCHEDULE_REFUSALS],
)
def test_change_schedule_refusals(api_client, lead_provider, make, attributes, expected):
    for identifier in ("ecf-replacement-september", "ecf-reduced-september"):
        ScheduleFactory.create(identifier=identifier, cohort=CohortFactory.create(start_year=2024))
    ScheduleFactory.create(identifier="ecf-standard-september", cohort=CohortFactory.create(start_year=2025))
    record = make(lead_provider)
    before = snapshot()

    response = put(
        api_client,
        record.participant_id,
        "change-schedule",
        course_identifier=("ecf-induction" if record.is_ect else "ecf-mentor"),
        **attributes,
    )

    assert errors(response) == expected
    assert snapshot() == before


def test_an_ect_leaves_a_frozen_cohort_and_comes_back(api_client, lead_provider):
    record = _frozen_2022_ect(lead_provider)
    ScheduleFactory.create(identifier="ecf-extended-september", cohort=CohortFactory.create(start_year=2024))

    out = put(api_client, record.participant_id, "change-schedule", cohort="2024")
    back = put(
        api_client,
        record.participant_id,
        "change-schedule",
        schedule_identifier="ecf-standard-september",
        cohort="2022",
    )

    assert (enrolment(out, record)["cohort"], enrolment(out, record)["cohort_changed_after_payments_frozen"]) == (
        "2024",
        True,
    )
    assert (enrolment(back, record)["cohort"], enrolment(back, record)["cohort_changed_after_payments_frozen"]) == (
        "2022",
        False,
    )


# --- the document ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "component"),
    [
        ("withdraw", "ECFParticipantWithdrawRequest"),
        ("defer", "ECFParticipantDeferRequest"),
        ("resume", "ECFParticipantResumeRequest"),
        ("change-schedule", "ECFParticipantChangeScheduleRequest"),
    ],
)
def test_the_document_describes_each_action(action, component):
    operation = document()["paths"][f"{URL}/{{id}}/{action}"]["put"]

    assert operation["requestBody"]["content"][JSON_API]["schema"] == {"$ref": f"#/components/schemas/{component}"}
    assert set(operation["responses"]) == {"200", "400", "401", "404", "422", "429", "503"}
    assert f"{ALIAS}/{{id}}/{action}" not in document()["paths"]


# --- concurrency (PostgreSQL) ------------------------------------------------------------------------------


def _race(token: str, path: str, sent: dict[str, Any], count: int = 2) -> list[tuple[int, Any]]:
    """Sends the same request `count` times at once, each on its own connection."""
    barrier = threading.Barrier(count)
    results: list[tuple[int, Any]] = [(0, None)] * count

    def send(index: int) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.put(path, sent, content_type=JSON_API, headers={"Authorization": f"Bearer {token}"})
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def slow_reads(monkeypatch):
    """Widen the window between reading the record's state and writing the change, so that without the row
    lock both requests would read the same state."""
    original = actions._locked_record

    def slow(**kwargs: Any):
        found = original(**kwargs)
        threading.Event().wait(0.3)
        return found

    monkeypatch.setattr(actions, "_locked_record", slow)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("slow_reads")
def test_racing_withdrawals_make_one_withdrawal():
    lead_provider = LeadProviderFactory.create()
    _, token = api_token_create(lead_provider=lead_provider)
    record = enrolled(lead_provider)

    results = _race(token, f"{URL}/{record.participant_id}/withdraw", body("withdraw", **ATTRIBUTES["withdraw"]), 3)

    assert sorted(status for status, _ in results) == [200, 422, 422]
    assert [body["errors"] for status, body in results if status == 422] == [
        [{"title": "participant_id", "detail": ALREADY_WITHDRAWN}]
    ] * 2
    assert TrainingStatusChange.objects.filter(training_record=record).count() == 1
    assert TrainingPeriod.objects.get(training_record=record).training_status == WITHDRAWN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("slow_reads")
def test_racing_schedule_changes_make_one_change():
    lead_provider = LeadProviderFactory.create()
    _, token = api_token_create(lead_provider=lead_provider)
    record = enrolled(lead_provider)
    ScheduleFactory.create(identifier="ecf-extended-september", cohort=record.cohort)
    sent = body("change-schedule", **ATTRIBUTES["change-schedule"])

    results = _race(token, f"{URL}/{record.participant_id}/change-schedule", sent)

    assert sorted(status for status, _ in results) == [200, 422]
    assert [body["errors"] for status, body in results if status == 422] == [
        [{"title": "schedule_identifier", "detail": SCHEDULE_UNCHANGED}]
    ]
    assert TrainingRecord.history.filter(id=record.pk, history_type="~").count() == 1
