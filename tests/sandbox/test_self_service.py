"""The self-service sandbox, used as a lead provider would: only through the API (`POST /api/v3/sandbox/...`).

The sandbox is seeded once for the module, inside a transaction rolled back when the module ends; each test runs in
a savepoint of its own on top of it.
"""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from api.tokens import api_token_create
from ecf.calendars import schedule_milestones
from ecf.models import Cohort, Declaration, LeadProvider, Participant, School
from finance.choices import StatementStatus
from finance.models import Statement
from finance.services.statements import statement_breakdown
from sandbox import names
from sandbox.history import days_landing_on
from sandbox.services import participants as sandbox_participants
from sandbox.services.reset import NOT_SEEDED
from tests.api.conftest import ApiClient
from tests.ecf.factories import LeadProviderFactory
from tests.ecf.participant_builders import ect, period

pytestmark = pytest.mark.django_db

PARTICIPANTS = "/api/v3/sandbox/participants"
RESET = "/api/v3/sandbox/reset"
# Every resource a provider can read. Schools are listed per cohort; breakdowns per statement (below).
LISTS = [
    "/api/v3/participants/ecf",
    "/api/v3/participants/ecf/transfers",
    "/api/v3/unfunded-mentors/ecf",
    "/api/v3/participant-declarations",
    "/api/v3/partnerships/ecf",
    "/api/v3/delivery-partners",
    "/api/v3/statements",
]


@pytest.fixture(autouse=True)
def in_the_sandbox(settings: Any) -> None:
    settings.SANDBOX = True


def _client(name: str) -> ApiClient:
    provider = LeadProvider.objects.get(name=name)
    _, token = api_token_create(lead_provider=provider)
    return ApiClient(provider, token)


@pytest.fixture
def provider(seeded: None) -> ApiClient:
    return _client(names.LEAD_PROVIDERS[0])


@pytest.fixture
def neighbour(seeded: None) -> ApiClient:
    """The next provider: it shares transferred participants and unfunded mentors with the first."""
    return _client(names.LEAD_PROVIDERS[1])


def _body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "sandbox-participants", "attributes": attributes}}


def _everything(client: ApiClient) -> dict[str, Any]:
    """Every resource the provider can read, each list keyed by id."""
    seen: dict[str, Any] = {}
    for path in LISTS:
        seen[path] = _all(client, path, {})
    for year in Cohort.objects.values_list("start_year", flat=True):
        seen[f"schools {year}"] = _all(client, "/api/v3/schools/ecf", {"filter[cohort]": str(year)})
    for statement_id in seen["/api/v3/statements"]:
        response = client.get(f"/api/v3/statements/{statement_id}/breakdown")
        assert response.status_code == 200
        seen[f"breakdown {statement_id}"] = response.json_body["data"]
    return seen


def _all(client: ApiClient, path: str, params: dict[str, str]) -> dict[str, Any]:
    response = client.get(path, {**params, "page[per_page]": "3000"})
    assert response.status_code == 200, response.json_body
    assert len(response.json_body["data"]) < 3000, "more than one page"
    return {item["id"]: item for item in response.json_body["data"]}


def _without(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [_without(item, key) for item in value]
    return value


def _schools_without_updated_at(seen: dict[str, Any]) -> dict[str, Any]:
    return {
        name: _without(items, "updated_at") if name.startswith("schools") else items for name, items in seen.items()
    }


def _declare_started(client: ApiClient, participant_id: str, year: int, course: str = "ecf-induction") -> Any:
    """Declare `started` now, or, when its window has not opened yet, on the day it opens (with the clock header)."""
    opens = schedule_milestones("ecf-standard-september", year)[0].start_date
    moment = max(timezone.now() - dt.timedelta(minutes=5), dt.datetime.combine(opens, dt.time(12), tzinfo=dt.UTC))
    headers = {"X-With-Server-Date": moment.isoformat()} if moment.date() > timezone.localdate() else {}
    attributes = {
        "participant_id": participant_id,
        "declaration_type": "started",
        "declaration_date": moment.isoformat(),
        "course_identifier": course,
        "evidence_held": "training-event-attended",
    }
    body = {"data": {"type": "participant-declaration", "attributes": attributes}}
    return client.post("/api/v3/participant-declarations", body, headers=headers)


def _history_cohort(client: ApiClient) -> int:
    """The newest cohort in which the provider has a paid output statement and still takes declarations (one with an
    open output statement): where paid history can be added."""
    statements = Statement.objects.filter(lead_provider=client.lead_provider, output_fee=True)
    years = {
        status: set(statements.filter(status=status).values_list("cohort__start_year", flat=True))
        for status in (StatementStatus.OPEN, StatementStatus.PAID)
    }
    return max(years[StatementStatus.OPEN] & years[StatementStatus.PAID])


def _newest_output_statement(client: ApiClient, year: int, status: str) -> Statement:
    return Statement.objects.filter(
        lead_provider=client.lead_provider, cohort__start_year=year, output_fee=True, status=status
    ).latest("deadline_date")


def _output_statements(client: ApiClient, year: int) -> list[Statement]:
    return list(
        Statement.objects.filter(lead_provider=client.lead_provider, cohort__start_year=year, output_fee=True).order_by(
            "deadline_date"
        )
    )


def _declaration_counts(client: ApiClient, statement: Statement) -> dict[str, int]:
    response = client.get(f"/api/v3/statements/{statement.pk}/breakdown")
    assert response.status_code == 200
    return response.json_body["data"]["attributes"]["declaration_counts"]


PAID_STARTED = {"declaration_type": "started", "state": "paid"}
PAYABLE_RETAINED_1 = {"declaration_type": "retained-1", "state": "payable"}


def _withdraw(client: ApiClient, participant_id: str, course: str = "ecf-induction") -> None:
    attributes = {"reason": "left-teaching-profession", "course_identifier": course}
    response = client.put(
        f"/api/v3/participants/ecf/{participant_id}/withdraw",
        {"data": {"type": "participant-withdraw", "attributes": attributes}},
    )
    assert response.status_code == 200, response.json_body


# The whole journey --------------------------------------------------------------------------------------------


def test_a_provider_tests_then_resets_and_finds_its_sandbox_as_seeded_and_no_one_elses_touched(provider, neighbour):
    """Ignored in the comparison: `updated_at`, everywhere for the provider (the reset writes rows back, so their
    `updated_at` moves and `filter[updated_since]` syncs see them) and on the neighbour's schools only (schools are
    shared: the provider's test participants and their removal change a school's arrangements for everyone)."""
    newest = Cohort.objects.latest("start_year").start_year
    seeded_view = _without(_everything(provider), "updated_at")
    neighbours_view = _schools_without_updated_at(_everything(neighbour))

    created = provider.post(PARTICIPANTS, _body(count=5, cohort=str(newest)))
    assert created.status_code == 200, created.json_body
    ids = [item["id"] for item in created.json_body["data"]]
    assert len(ids) == 5
    declarations = []
    for participant_id in ids:
        response = _declare_started(provider, participant_id, newest)
        assert response.status_code == 200, response.json_body
        assert response.json_body["data"]["attributes"]["state"] == "eligible"
        declarations.append(response.json_body["data"]["id"])
    voided = provider.put(f"/api/v3/participant-declarations/{declarations[0]}/void")
    assert voided.json_body["data"]["attributes"]["state"] == "voided"
    _withdraw(provider, ids[1])
    # Seeded data changed too: a ready participant declared and withdrawn, a seeded declaration voided.
    ready = Participant.objects.filter(
        full_name__startswith="Ready to declare: ",
        training_records__training_periods__lead_provider=provider.lead_provider,
        training_records__cohort__start_year=newest,
        training_records__participant_type="ect",
    )[0]
    assert _declare_started(provider, str(ready.pk), newest).status_code == 200
    _withdraw(provider, str(ready.pk))
    seeded_declaration = next(
        item
        for item in seeded_view["/api/v3/participant-declarations"].values()
        if item["attributes"]["state"] == "eligible"
    )
    assert provider.put(f"/api/v3/participant-declarations/{seeded_declaration['id']}/void").status_code == 200
    # History: declarations already paid and payable, on seeded paid and payable statements.
    history_year = _history_cohort(provider)
    paid = _newest_output_statement(provider, history_year, StatementStatus.PAID)
    with_history = provider.post(
        PARTICIPANTS, _body(count=2, cohort=str(history_year), declarations=[PAID_STARTED, PAYABLE_RETAINED_1])
    )
    assert with_history.status_code == 200, with_history.json_body
    changed = _without(_everything(provider), "updated_at")
    assert changed != seeded_view
    assert changed[f"breakdown {paid.pk}"] != seeded_view[f"breakdown {paid.pk}"], "the paid statement pays them"

    reset = provider.post(RESET)

    assert reset.status_code == 200, reset.json_body
    done = reset.json_body["data"]["attributes"]
    assert done["removed"]["participants"] == 7
    # Five of the first added participants', one of the ready one's, two of each participant with history.
    assert done["removed"]["declarations"] == 10
    assert done["restored"] == {"declarations": 1, "training periods": 1}  # the seeded declaration, the withdrawal
    assert _without(_everything(provider), "updated_at") == seeded_view
    assert _schools_without_updated_at(_everything(neighbour)) == neighbours_view
    again = provider.post(RESET)
    assert again.json_body["data"]["attributes"] == {"removed": {}, "restored": {}}


# Adding participants ------------------------------------------------------------------------------------------


def test_added_participants_have_the_type_schedule_funding_status_school_and_declarations_asked_for(provider):
    partnership = provider.get("/api/v3/partnerships/ecf", {"filter[cohort]": "2025"}).json_body["data"][0]
    school_id = partnership["attributes"]["school_id"]

    response = provider.post(
        PARTICIPANTS,
        _body(
            count=3,
            cohort="2025",
            participant_type="mentor",
            schedule_identifier="ecf-replacement-september",
            funding_eligibility="not_yet_known",
            school_id=school_id,
            training_status="deferred",
            declarations=["started"],
        ),
    )

    assert response.status_code == 200, response.json_body
    assert len(response.json_body["data"]) == 3
    for item in response.json_body["data"]:
        attributes = item["attributes"]
        assert attributes["full_name"].startswith("Added in the sandbox: ")
        (enrolment,) = attributes["ecf_enrolments"]
        assert enrolment["participant_type"] == "mentor"
        assert enrolment["schedule_identifier"] == "ecf-replacement-september"
        assert enrolment["cohort"] == "2025"
        assert enrolment["school_urn"] == partnership["attributes"]["urn"]
        assert enrolment["training_status"] == "deferred"
        declared = provider.get("/api/v3/participant-declarations", {"filter[participant_id]": item["id"]})
        (declaration,) = declared.json_body["data"]
        assert declaration["attributes"]["declaration_type"] == "started"
        assert declaration["attributes"]["state"] == "submitted", "funding not yet known: not on a statement"


def test_paid_and_payable_declarations_are_history_on_the_newest_statements_of_that_status(provider):
    """In the newest cohort with a paid statement, a paid `started` lands on the newest paid output statement, a
    payable `retained-1` on the payable one, and a plain `retained-2` is declared now, eligible on the open statement:
    each dated in order, inside the days that land on its statement. The statements pay them and the finance
    integrity check still passes."""
    year = _history_cohort(provider)
    paid = _newest_output_statement(provider, year, StatementStatus.PAID)
    payable = _newest_output_statement(provider, year, StatementStatus.PAYABLE)
    counts_before = {statement.pk: _declaration_counts(provider, statement) for statement in (paid, payable)}
    totals_before = {statement.pk: statement_breakdown(statement=statement).total for statement in (paid, payable)}

    response = provider.post(
        PARTICIPANTS,
        _body(count=2, cohort=str(year), declarations=[PAID_STARTED, PAYABLE_RETAINED_1, "retained-2"]),
    )

    assert response.status_code == 200, response.json_body
    statements = _output_statements(provider, year)
    for item in response.json_body["data"]:
        declared = provider.get("/api/v3/participant-declarations", {"filter[participant_id]": item["id"]})
        by_type = {d["attributes"]["declaration_type"]: d["attributes"] for d in declared.json_body["data"]}
        assert [by_type[t]["state"] for t in ("started", "retained-1", "retained-2")] == ["paid", "payable", "eligible"]
        assert by_type["started"]["statement_id"] == str(paid.pk)
        assert by_type["retained-1"]["statement_id"] == str(payable.pk)
        open_statement = Statement.objects.get(pk=by_type["retained-2"]["statement_id"])
        assert open_statement.status == StatementStatus.OPEN
        dates = [
            dt.datetime.fromisoformat(by_type[t]["declaration_date"]) for t in ("started", "retained-1", "retained-2")
        ]
        assert dates == sorted(dates), "made in the order listed"
        for statement, declared_at in ((paid, dates[0]), (payable, dates[1])):
            first, last = days_landing_on(statements, statement)
            assert first <= timezone.localdate(declared_at) <= last, f"lands on {statement}"
    on_paid = provider.get("/api/v3/participant-declarations", {"filter[statement_id]": str(paid.pk)})
    added = {item["id"] for item in response.json_body["data"]}
    assert len([d for d in on_paid.json_body["data"] if d["attributes"]["participant_id"] in added]) == 2
    for statement, state in ((paid, "paid"), (payable, "payable")):
        counts = _declaration_counts(provider, statement)
        assert counts[state] == counts_before[statement.pk].get(state, 0) + 2, "the breakdown counts them"
        assert statement_breakdown(statement=statement).total > totals_before[statement.pk], "and pays them"
    started = Declaration.objects.filter(participant_id__in=added, declaration_type="started")
    reasons = {record.history_change_reason for d in started for record in d.history.all()}
    assert f"sandbox: paid history added by {provider.lead_provider.name}" in reasons
    out = io.StringIO()
    call_command("check_finance_integrity", stdout=out)
    assert "no violations" in out.getvalue()


def test_history_the_real_service_could_not_have_made_is_refused_naming_where_it_can_be_added(provider):
    before = Participant.objects.count()
    year = _history_cohort(provider)
    paid = _newest_output_statement(provider, year, StatementStatus.PAID)
    where = f"the {year} cohort ({paid.name} statement)"
    partnered = Cohort.objects.filter(partnerships__lead_provider=provider.lead_provider).distinct()
    takes_declarations = set(
        Statement.objects.filter(
            lead_provider=provider.lead_provider, output_fee=True, status=StatementStatus.OPEN
        ).values_list("cohort__start_year", flat=True)
    )
    closed = min(set(partnered.values_list("start_year", flat=True)) - takes_declarations)
    cases = [
        (_body(cohort=str(closed), declarations=[PAID_STARTED]), ["takes no new declarations", where]),
        (_body(cohort=str(year), funding_eligibility="not_yet_known", declarations=[PAID_STARTED]), ["not funded"]),
        (
            _body(
                cohort=str(year),
                funding_eligibility="ineligible",
                declarations=[{"declaration_type": "started", "state": "eligible"}],
            ),
            ["not funded", "never eligible"],
        ),
        (_body(cohort=str(year), declarations=[{"declaration_type": "started", "state": "submitted"}]), ["never"]),
        (
            _body(cohort=str(year), declarations=["started", {"declaration_type": "retained-1", "state": "paid"}]),
            ["retained-1: it cannot be paid when started, listed before it, is declared now"],
        ),
        (
            _body(
                cohort=str(year), declarations=[PAYABLE_RETAINED_1, {"declaration_type": "retained-2", "state": "paid"}]
            ),
            ["paid ones first"],
        ),
    ]
    newest = Cohort.objects.latest("start_year").start_year
    if not Statement.objects.filter(
        lead_provider=provider.lead_provider, cohort__start_year=newest, output_fee=True, status=StatementStatus.PAID
    ).exists():  # from September, when a cohort begins, until its first output statement is paid
        cases.append(
            (
                _body(cohort=str(newest), declarations=[PAID_STARTED]),
                [f"you have no paid output statement in the {newest} cohort yet", where],
            )
        )
    for body, expected in cases:
        response = provider.post(PARTICIPANTS, body)
        assert response.status_code == 422, (body, response.json_body)
        (error,) = response.json_body["errors"]
        assert error["title"] == "declarations", response.json_body
        for text in expected:
            assert text in error["detail"], (body, error["detail"])
    assert Participant.objects.count() == before


def test_history_never_goes_on_or_before_a_statement_whose_paid_figures_were_kept(provider):
    """A statement authorised in the back office keeps the figures it was paid with; a declaration added to it, or
    to a statement paid before it (whose declarations its bands count), would make them untrue."""
    year = _history_cohort(provider)
    paid = _newest_output_statement(provider, year, StatementStatus.PAID)
    paid.paid_breakdown = statement_breakdown(statement=paid).as_json()
    paid.save()

    response = provider.post(PARTICIPANTS, _body(cohort=str(year), declarations=[PAID_STARTED]))

    assert response.status_code == 422, response.json_body
    assert "on or before one the department authorised" in response.json_body["errors"][0]["detail"]
    assert Statement.objects.get(pk=paid.pk).paid_breakdown == paid.paid_breakdown


def test_declarations_given_as_objects_must_name_a_milestone_and_a_state(provider):
    cases = [
        {"declaration_type": "started"},
        {"declaration_type": "started", "state": "done"},
        {"declaration_type": "begun", "state": "paid"},
        {"declaration_type": "started", "state": "paid", "declaration_date": "2025-10-01T10:00:00Z"},
        ["started"],
        "begun",
    ]
    for declaration in cases:
        response = provider.post(PARTICIPANTS, _body(declarations=[declaration]))
        assert response.status_code == 422, (declaration, response.json_body)
        assert [error["title"] for error in response.json_body["errors"]] == ["declarations.0"], response.json_body


def test_invalid_requests_are_422_titled_with_the_attribute_and_save_nothing(provider, neighbour):
    before = Participant.objects.count()

    def schools(client: ApiClient) -> set[str]:
        partnerships = client.get("/api/v3/partnerships/ecf", {"filter[cohort]": "2025"}).json_body["data"]
        return {item["attributes"]["school_id"] for item in partnerships}

    foreign = sorted(schools(neighbour) - schools(provider))[0]

    cases = [
        (_body(count=51), "count"),
        (_body(count=0), "count"),
        (_body(cohort="1999"), "cohort"),
        (_body(participant_type="npq"), "participant_type"),
        (_body(schedule_identifier="ecf-replacement-september"), "schedule_identifier"),
        (_body(cohort="2025", school_id=foreign), "school_id"),
        (_body(declarations=["started", "started"]), "declarations"),
    ]
    for body, title in cases:
        response = provider.post(PARTICIPANTS, body)
        assert response.status_code == 422, (body, response.json_body)
        assert [error["title"] for error in response.json_body["errors"]] == [title], response.json_body
    assert provider.post(PARTICIPANTS, {"count": 1}).status_code == 400
    assert Participant.objects.count() == before


def test_a_provider_holds_at_most_the_documented_number_of_added_participants(provider, neighbour, monkeypatch):
    monkeypatch.setattr(sandbox_participants, "MAX_PER_PROVIDER", 4)

    assert provider.post(PARTICIPANTS, _body(count=3)).status_code == 200
    refused = provider.post(PARTICIPANTS, _body(count=2))
    assert refused.status_code == 422
    assert refused.json_body["errors"][0]["title"] == "count"
    assert provider.post(PARTICIPANTS, _body(count=1)).status_code == 200
    assert neighbour.post(PARTICIPANTS, _body(count=4)).status_code == 200, "each provider has its own allowance"
    assert provider.post(RESET).status_code == 200
    assert provider.post(PARTICIPANTS, _body(count=4)).status_code == 200, "a reset gives the allowance back"


def test_a_provider_the_seed_did_not_make_cannot_reset(seeded):
    """Without a seed every row would count as added: the reset refuses and removes nothing."""
    provider = LeadProviderFactory.create()
    record = ect(year=2025)
    period(record, provider, school=School.objects.first())
    _, token = api_token_create(lead_provider=provider)

    response = ApiClient(provider, token).post(RESET)

    assert response.status_code == 422
    assert response.json_body["errors"][0]["detail"] == NOT_SEEDED
    assert Participant.objects.filter(pk=record.participant_id).exists()


# Outside the sandbox --------------------------------------------------------------------------------------------


def test_outside_the_sandbox_the_endpoints_are_404_and_the_clock_header_changes_nothing(provider, settings):
    settings.SANDBOX = False
    before = Participant.objects.count()
    tomorrow = {"X-With-Server-Date": (timezone.now() + dt.timedelta(days=400)).isoformat()}

    for path, body in ((PARTICIPANTS, _body(count=1)), (RESET, None)):
        response = provider.post(path, body, headers=tomorrow)
        assert response.status_code == 404, response.json_body
        assert response.json_body["errors"][0]["title"] == "Resource not found"
        assert ApiClient(None, None).post(path, body).status_code == 404, "whoever asks"
    assert Participant.objects.count() == before
    future = timezone.now() + dt.timedelta(days=1)
    attributes = {
        "participant_id": str(Participant.objects.filter(full_name__startswith="Ready to declare: ")[0].pk),
        "declaration_type": "started",
        "declaration_date": future.isoformat(),
        "course_identifier": "ecf-induction",
        "evidence_held": "training-event-attended",
    }
    response = provider.post(
        "/api/v3/participant-declarations",
        {"data": {"type": "participant-declaration", "attributes": attributes}},
        headers={"X-With-Server-Date": (future + dt.timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 422
    assert "declaration_date" in [error["title"] for error in response.json_body["errors"]]


# Commands -------------------------------------------------------------------------------------------------------


def test_the_commands_add_participants_and_reset_a_provider(provider):
    name = provider.lead_provider.name
    out = io.StringIO()
    call_command(
        "sandbox_add_participants", "--lead-provider", name, "--count", "2", "--declare", "started", stdout=out
    )
    added = Participant.objects.filter(full_name__startswith="Added in the sandbox: ")
    assert added.count() == 2
    assert all(participant.declarations.count() == 1 for participant in added)
    assert "Added 2 participants" in out.getvalue()

    out = io.StringIO()
    call_command("sandbox_reset", "--lead-provider", name, stdout=out)
    assert not added.all().exists()
    assert "removed" in out.getvalue()
    out = io.StringIO()
    call_command("sandbox_reset", "--lead-provider", name, stdout=out)
    assert "already as seeded" in out.getvalue()


def test_the_add_command_adds_paid_history_too(provider):
    name = provider.lead_provider.name
    year = _history_cohort(provider)
    paid = _newest_output_statement(provider, year, StatementStatus.PAID)
    out = io.StringIO()
    call_command(
        "sandbox_add_participants",
        *("--lead-provider", name, "--cohort", str(year), "--declare", "started:paid", "--declare", "retained-1"),
        stdout=out,
    )
    (participant,) = Participant.objects.filter(full_name__startswith="Added in the sandbox: ")
    states = dict(participant.declarations.values_list("declaration_type", "state"))
    assert states == {"started": "paid", "retained-1": "eligible"}
    assert participant.declarations.get(declaration_type="started").payment_statement_id == paid.pk
    call_command("check_finance_integrity", stdout=io.StringIO())

    with pytest.raises(CommandError, match="'done' is not a state"):
        call_command("sandbox_add_participants", "--lead-provider", name, "--declare", "started:done")
    with pytest.raises(CommandError, match="declarations: started: it cannot be paid in the"):
        call_command(
            "sandbox_add_participants", "--lead-provider", name, "--cohort", "2021", "--declare", "started:paid"
        )


def test_the_commands_refuse_outside_the_sandbox_and_for_unknown_providers(provider, settings):
    with pytest.raises(CommandError, match="Known providers"):
        call_command("sandbox_reset", "--lead-provider", "Nobody", stdout=io.StringIO())
    settings.SANDBOX = False
    for command in ("sandbox_reset", "sandbox_add_participants"):
        with pytest.raises(CommandError, match="SANDBOX"):
            call_command(command, "--lead-provider", provider.lead_provider.name, stdout=io.StringIO())
