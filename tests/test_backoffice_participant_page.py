"""A participant's page in the back office answers a support question at a glance: their training records,
periods, status changes, mentors, declarations and id changes, for Admin and Finance staff alike, in a number
of queries that does not grow with the rows shown."""

import datetime as dt
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecf.choices import DeclarationType
from ecf.models import Declaration, Participant, TrainingPeriod
from tests.backoffice import sign_in
from tests.ecf.factories import (
    DeclarationFactory,
    LeadProviderFactory,
    ParticipantFactory,
    ParticipantIdChangeFactory,
    TrainingStatusChangeFactory,
)
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period

pytestmark = pytest.mark.django_db


def page_url(participant: Participant) -> str:
    return reverse("admin:ecf_participant_change", args=[participant.pk])


@pytest.fixture
def story() -> dict[str, object]:
    """An ECT who moved school and provider, deferred, has a mentor, a paid and a clawed-back declaration, and
    was merged with a duplicate."""
    first_provider = LeadProviderFactory.create(name="Ambition Institute")
    second_provider = LeadProviderFactory.create(name="Best Practice Network")
    record = ect(ParticipantFactory.create(full_name="Ada Lovelace"))
    left = period(record, first_provider, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31), leaving=True)
    joined = period(
        record, second_provider, start=dt.date(2025, 1, 1), school_transfer=True, training_status="deferred"
    )
    TrainingStatusChangeFactory.create(training_record=record, lead_provider=second_provider, deferred=True)
    mentor_record = mentor(ParticipantFactory.create(full_name="Grace Hopper"))
    assign_mentor(record, mentor_record)
    paid = DeclarationFactory.create(training_record=record, lead_provider=first_provider, paid=True)
    clawed = DeclarationFactory.create(
        training_record=record,
        lead_provider=first_provider,
        declaration_type=DeclarationType.RETAINED_1,
        awaiting_clawback=True,
    )
    id_change = ParticipantIdChangeFactory.create(participant=record.participant)
    return {
        "participant": record.participant,
        "record": record,
        "periods": [left, joined],
        "declarations": [paid, clawed],
        "id_change": id_change,
    }


def test_admin_staff_see_the_whole_story_on_the_participant_page(client, story):
    sign_in(client, "admin")
    participant = story["participant"]

    response = client.get(page_url(participant))

    assert response.status_code == 200
    page = response.content.decode()
    record = story["record"]
    assert reverse("admin:ecf_trainingrecord_change", args=[record.pk]) in page
    assert escape(record.email) in page
    for training_period in story["periods"]:
        assert escape(str(training_period.school)) in page
        assert escape(training_period.partnership.delivery_partner.name) in page
    assert "Ambition Institute" in page
    assert "Best Practice Network" in page
    assert "Parental leave" in page
    assert "Grace Hopper" in page
    for declaration in story["declarations"]:
        assert reverse("admin:ecf_declaration_change", args=[declaration.pk]) in page
        assert declaration.payment_statement.name in page
    assert "Awaiting clawback" in page
    assert str(story["id_change"].from_participant_id) in page
    assert reverse("admin:ecf_participant_history", args=[participant.pk]) in page
    # Admin staff may not open statements: their names are shown, not linked.
    assert reverse("admin:finance_statement_change", args=[story["declarations"][0].payment_statement_id]) not in page


def test_finance_staff_open_the_participant_page_and_follow_links_to_statements(client, story):
    sign_in(client, "finance")
    paid, clawed = story["declarations"]

    response = client.get(page_url(story["participant"]))

    assert response.status_code == 200
    page = response.content.decode()
    for statement_id in (paid.payment_statement_id, clawed.clawback_statement_id):
        assert reverse("admin:finance_statement_change", args=[statement_id]) in page
    assert client.get(reverse("admin:ecf_declaration_change", args=[paid.pk])).status_code == 200


def test_the_add_page_shows_no_summary(client):
    sign_in(client, "admin")

    response = client.get(reverse("admin:ecf_participant_add"))

    assert response.status_code == 200
    assert "support_summary" not in response.context


def busy_participant(rows: int) -> Participant:
    """An ECT and a mentor record of one person, with `rows` periods, status changes, declarations, mentees
    and id changes."""
    provider = LeadProviderFactory.create()
    ect_record = ect()
    mentor_record = mentor(ect_record.participant)
    for record in (ect_record, mentor_record):
        for index in range(rows):
            end = None if index == rows - 1 else dt.date(2024, 9, 2 + index)
            period(record, provider, start=dt.date(2024, 9, 1 + index), end=end)
            TrainingStatusChangeFactory.create(training_record=record, lead_provider=provider)
            DeclarationFactory.create(
                training_record=record, lead_provider=provider, declaration_type=f"retained-{index + 1}", paid=True
            )
    for _ in range(rows):
        assign_mentor(ect(), mentor_record)
        ParticipantIdChangeFactory.create(participant=ect_record.participant)
    return ect_record.participant


def test_the_page_reads_no_more_queries_for_more_rows(client, django_assert_max_num_queries):
    sign_in(client, "finance")
    few, many = busy_participant(rows=1), busy_participant(rows=5)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(page_url(few)).status_code == 200

    with django_assert_max_num_queries(len(baseline)):
        response = client.get(page_url(many))

    assert response.content.decode().count('class="declaration"') == 10
    assert Declaration.objects.filter(participant=many).count() == 10
    assert TrainingPeriod.objects.filter(training_record__participant=many).count() == 10
