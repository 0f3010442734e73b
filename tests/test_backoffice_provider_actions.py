"""Admin staff withdraw, defer, resume and change the schedule of a training record for its lead provider, from
the training record list, through the API's own services (ecf.services.participants); Finance is not offered
these actions."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ecf.admin import NO_PROVIDER, PARTNERSHIP_CHALLENGED
from ecf.choices import DeferReason, TrainingStatus, WithdrawReason
from ecf.models import LeadProvider, TrainingPeriod, TrainingRecord, TrainingStatusChange
from ecf.services.participants import (
    ALREADY_ACTIVE,
    ALREADY_WITHDRAWN,
    COHORT_NO_PARTNERSHIP,
    WITHDRAW_REASON_MENTORS_ONLY,
)
from tests.backoffice import messages_of, sign_in
from tests.ecf.factories import CohortFactory, LeadProviderFactory, ScheduleFactory
from tests.ecf.participant_builders import ect, enrolled, partnership, period

pytestmark = pytest.mark.django_db

RECORDS = reverse("admin:ecf_trainingrecord_changelist")
PROVIDER_ACTIONS = [
    "withdraw_for_provider",
    "defer_for_provider",
    "resume_for_provider",
    "change_schedule_for_provider",
]


@pytest.fixture
def staff(client: Client) -> User:
    return sign_in(client, "admin")


@pytest.fixture
def provider() -> LeadProvider:
    return LeadProviderFactory.create(name="Ambition Institute")


def confirm(client: Client, action: str, record: TrainingRecord, **fields: object):
    data = {"action": action, "_selected_action": [record.pk], "note": "Provider's email of 3 March", **fields}
    return client.post(RECORDS, {**data, "confirm": "yes"}, follow=True)


def training_status(record: TrainingRecord) -> str:
    return TrainingPeriod.objects.get(training_record=record).training_status


def writes() -> tuple[int, int, int]:
    """What an action writes, to show that a refused one writes nothing."""
    return (TrainingStatusChange.history.count(), TrainingPeriod.history.count(), TrainingRecord.history.count())


@pytest.mark.parametrize("action", PROVIDER_ACTIONS)
def test_each_action_first_shows_the_record_the_provider_and_the_questions(client, staff, provider, action):
    record = enrolled(provider)

    response = client.post(RECORDS, {"action": action, "_selected_action": [record.pk]})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/ecf/training_record_provider_action.html"
    page = response.content.decode()
    assert escape(record.participant.full_name) in page  # names such as O'Neill are escaped in HTML
    assert "Ambition Institute" in page
    assert 'name="note"' in page
    assert training_status(record) == TrainingStatus.ACTIVE


@pytest.mark.parametrize(
    ("action", "status_before", "fields", "status_after", "done"),
    [
        (
            "withdraw_for_provider",
            TrainingStatus.ACTIVE,
            {"reason": WithdrawReason.MOVED_SCHOOL},
            "withdrawn",
            "withdrawn",
        ),
        ("defer_for_provider", TrainingStatus.ACTIVE, {"reason": DeferReason.PARENTAL_LEAVE}, "deferred", "deferred"),
        ("resume_for_provider", TrainingStatus.DEFERRED, {}, "active", "resumed"),
    ],
)
def test_a_confirmed_status_action_is_the_providers_own_and_names_the_staff_member(
    client, staff, provider, action, status_before, fields, status_after, done
):
    record = enrolled(provider, status=status_before)

    response = confirm(client, action, record, **fields)

    assert messages_of(response) == [f"{record}: {done} for Ambition Institute."]
    assert training_status(record) == status_after
    change = TrainingStatusChange.objects.get(training_record=record)
    assert (change.lead_provider, change.training_status, change.reason) == (
        provider,
        status_after,
        fields.get("reason", ""),
    )
    expected_reason = "admin admin@example.com for Ambition Institute: Provider's email of 3 March"
    for history in (change.history.get(), TrainingPeriod.objects.get(training_record=record).history.first()):
        assert history.history_change_reason == expected_reason
        assert history.history_user == staff


def test_change_schedule_within_the_cohort(client, staff, provider):
    record = enrolled(provider)
    extended = ScheduleFactory.create(identifier="ecf-extended-january", cohort=record.cohort)

    response = confirm(client, "change_schedule_for_provider", record, schedule_identifier="ecf-extended-january")

    assert messages_of(response) == [f"{record}: schedule changed for Ambition Institute."]
    record.refresh_from_db()
    assert record.schedule == extended
    history = record.history.first()
    assert (
        history.history_change_reason == "admin admin@example.com for Ambition Institute: Provider's email of 3 March"
    )
    assert history.history_user == staff


def test_change_schedule_to_another_cohort(client, staff, provider):
    record = enrolled(provider)
    school = TrainingPeriod.objects.get(training_record=record).school
    cohort_2025 = CohortFactory.create(start_year=2025)
    target = ScheduleFactory.create(identifier="ecf-standard-september", cohort=cohort_2025)
    partnership(provider, school, cohort_2025)

    response = confirm(
        client, "change_schedule_for_provider", record, schedule_identifier="ecf-standard-september", cohort="2025"
    )

    assert messages_of(response) == [f"{record}: schedule changed for Ambition Institute."]
    record.refresh_from_db()
    assert (record.cohort, record.schedule) == (cohort_2025, target)


def test_a_cohort_move_the_rules_refuse_shows_the_services_message_and_changes_nothing(client, staff, provider):
    record = enrolled(provider)
    ScheduleFactory.create(identifier="ecf-standard-september", cohort=CohortFactory.create(start_year=2025))
    before = writes()

    response = confirm(
        client, "change_schedule_for_provider", record, schedule_identifier="ecf-standard-september", cohort="2025"
    )

    assert messages_of(response) == [f"{record}: {COHORT_NO_PARTNERSHIP}"]
    record.refresh_from_db()
    assert record.cohort.start_year == 2024
    assert writes() == before


def test_each_refusal_of_the_rules_is_its_own_message_and_nothing_changes(client, staff, provider):
    record = enrolled(provider, status=TrainingStatus.WITHDRAWN)
    before = writes()

    response = confirm(client, "withdraw_for_provider", record, reason=WithdrawReason.MENTOR_NO_LONGER_BEING_MENTOR)

    assert messages_of(response) == [f"{record}: {WITHDRAW_REASON_MENTORS_ONLY}", f"{record}: {ALREADY_WITHDRAWN}"]
    assert not TrainingStatusChange.objects.exists()
    assert writes() == before


def test_a_refusal_for_one_record_does_not_stop_the_others(client, staff, provider):
    active, deferred = enrolled(provider), enrolled(provider, status=TrainingStatus.DEFERRED)

    response = client.post(
        RECORDS,
        {
            "action": "resume_for_provider",
            "_selected_action": [active.pk, deferred.pk],
            "note": "Provider asked",
            "confirm": "yes",
        },
        follow=True,
    )

    assert sorted(messages_of(response)) == sorted(
        [f"{active}: {ALREADY_ACTIVE}", f"{deferred}: resumed for Ambition Institute."]
    )
    assert (training_status(active), training_status(deferred)) == ("active", "active")


def test_without_a_note_the_questions_are_asked_again(client, staff, provider):
    record = enrolled(provider)

    response = client.post(
        RECORDS,
        {"action": "withdraw_for_provider", "_selected_action": [record.pk], "reason": "other", "confirm": "yes"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"note": ["This field is required."]}
    assert training_status(record) == TrainingStatus.ACTIVE


def test_a_record_trained_by_nobody_now_is_refused(client, staff, provider):
    record = ect()
    period(record, None)

    response = confirm(client, "defer_for_provider", record, reason=DeferReason.CAREER_BREAK)

    assert messages_of(response) == [f"{record}: {NO_PROVIDER}"]
    assert not TrainingStatusChange.objects.exists()


def test_staff_act_for_the_provider_training_the_record_now_not_a_former_one(client, staff, provider):
    """D22 reserves these actions to the record's current provider, which is the one staff act for."""
    record = ect()
    former = period(record, LeadProviderFactory.create(), start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31))
    current = period(record, provider, start=dt.date(2025, 1, 1))

    response = confirm(client, "withdraw_for_provider", record, reason=WithdrawReason.MOVED_SCHOOL)

    assert messages_of(response) == [f"{record}: withdrawn for Ambition Institute."]
    former.refresh_from_db()
    current.refresh_from_db()
    assert (former.training_status, current.training_status) == (TrainingStatus.ACTIVE, TrainingStatus.WITHDRAWN)


def test_a_provider_whose_partnership_the_school_challenged_cannot_be_acted_for(client, staff, provider):
    record = ect()
    period(record, provider, challenged=True)

    response = confirm(client, "defer_for_provider", record, reason=DeferReason.CAREER_BREAK)

    assert messages_of(response) == [f"{record}: {PARTNERSHIP_CHALLENGED.format(provider=provider)}"]
    assert not TrainingStatusChange.objects.exists()


def offered_actions(client: Client) -> set[str]:
    response = client.get(RECORDS)
    assert response.status_code == 200
    action_form = response.context["action_form"]  # None when no action is offered
    return {value for value, _ in action_form.fields["action"].choices if value} if action_form else set()


def test_admin_staff_are_offered_the_provider_actions_but_not_finances_eligibility_action(client, staff):
    offered = offered_actions(client)

    assert offered >= set(PROVIDER_ACTIONS)
    assert "record_funding_eligibility" not in offered


def test_finance_staff_are_offered_the_eligibility_action_but_not_the_provider_actions(client):
    sign_in(client, "finance")
    offered = offered_actions(client)

    assert "record_funding_eligibility" in offered
    assert offered.isdisjoint(PROVIDER_ACTIONS)


@pytest.mark.parametrize("action", PROVIDER_ACTIONS)
def test_a_provider_action_posted_by_finance_staff_is_refused(client, provider, action):
    """Each POST would succeed for admin staff: the record is in a state the action accepts."""
    sign_in(client, "finance")
    status = TrainingStatus.DEFERRED if action == "resume_for_provider" else TrainingStatus.ACTIVE
    record = enrolled(provider, status=status)
    ScheduleFactory.create(identifier="ecf-extended-january", cohort=record.cohort)
    before = writes()

    # "other" is both a withdrawal and a deferral reason.
    response = confirm(client, action, record, reason="other", schedule_identifier="ecf-extended-january")

    assert "admin/ecf/training_record_provider_action.html" not in [template.name for template in response.templates]
    assert training_status(record) == status
    record.refresh_from_db()
    assert record.schedule.identifier == "ecf-standard-september"
    assert writes() == before
