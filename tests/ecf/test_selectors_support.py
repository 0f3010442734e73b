"""What the back office reads about one participant (ecf.selectors.support)."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string

from ecf.choices import TrainingStatus
from ecf.models import Participant, TrainingPeriod, TrainingRecord, TrainingStatusChange
from ecf.selectors.support import (
    participant_support_summary,
    training_records_with_current_period,
)
from tests.ecf.factories import (
    DeclarationFactory,
    LeadProviderFactory,
    ParticipantFactory,
    ParticipantIdChangeFactory,
    TrainingStatusChangeFactory,
)
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period

pytestmark = pytest.mark.django_db


def current_period(record: TrainingRecord) -> TrainingPeriod | None:
    [(_, current)] = training_records_with_current_period(TrainingRecord.objects.filter(pk=record.pk))
    return current


def test_the_current_period_is_the_open_one_even_if_an_ended_one_started_later():
    record = ect()
    open_with, ended_with = LeadProviderFactory.create(), LeadProviderFactory.create()
    period(record, open_with, start=dt.date(2024, 9, 1))
    period(record, ended_with, start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 1))

    current = current_period(record)

    assert current is not None
    assert (current.lead_provider, current.end_date) == (open_with, None)


def test_the_current_period_of_school_led_training_has_no_provider():
    record = ect()
    period(record, LeadProviderFactory.create(), start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 31))
    period(record, None, start=dt.date(2025, 1, 1))

    current = current_period(record)

    assert current is not None
    assert current.lead_provider is None


def test_a_record_without_periods_has_no_current_period():
    assert current_period(ect()) is None


def test_current_periods_take_two_queries_however_many_records(django_assert_num_queries):
    records = [ect() for _ in range(3)]
    for record in records:
        period(record, LeadProviderFactory.create(), start=dt.date(2024, 9, 1))

    with django_assert_num_queries(2):
        rows = training_records_with_current_period(TrainingRecord.objects.filter(pk__in=[r.pk for r in records]))
        providers = {current.lead_provider for _, current in rows if current is not None}

    assert len(providers) == 3


def busy_participant(rows: int) -> Participant:
    """A participant with an ECT and a mentor record, each with `rows` of everything the summary lists."""
    provider = LeadProviderFactory.create()
    ect_record = ect()
    participant = ect_record.participant
    mentor_record = mentor(participant)
    for record in (ect_record, mentor_record):
        for index in range(rows):
            end = None if index == rows - 1 else dt.date(2024, 9, 2 + index)
            period(record, provider, start=dt.date(2024, 9, 1 + index), end=end, school_transfer=index > 0)
            TrainingStatusChangeFactory.create(training_record=record, lead_provider=provider, deferred=True)
            DeclarationFactory.create(
                training_record=record, lead_provider=provider, declaration_type=f"retained-{index + 1}", paid=True
            )
    for _ in range(rows):
        assign_mentor(ect(), mentor_record)
        ParticipantIdChangeFactory.create(participant=participant)
    assign_mentor(ect_record, mentor())
    return participant


def test_the_summary_lists_every_part_of_the_participants_training():
    participant = busy_participant(rows=2)

    summary = participant_support_summary(participant=participant)

    assert summary.participant == participant
    ect_summary, mentor_summary = summary.records
    assert [item.record.participant_type for item in summary.records] == ["ect", "mentor"]
    assert [p.start_date for p in ect_summary.periods] == [dt.date(2024, 9, 1), dt.date(2024, 9, 2)]
    assert [p.school_transfer for p in ect_summary.periods] == [False, True]
    assert len(ect_summary.status_changes) == 2
    assert [d.declaration_type for d in mentor_summary.declarations] == ["retained-1", "retained-2"]
    assert len(ect_summary.mentors) == 1
    assert ect_summary.mentees == []
    assert len(mentor_summary.mentees) == 2
    assert mentor_summary.mentors == []
    assert len(summary.id_changes) == 2


def test_the_summary_names_the_staff_member_behind_a_status_change():
    record = ect()
    provider = LeadProviderFactory.create()
    staff = User.objects.create_user("support@example.com")
    from_api = TrainingStatusChangeFactory.create(
        training_record=record, lead_provider=provider, deferred=True, changed_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    from_staff = TrainingStatusChange(
        training_record=record,
        lead_provider=provider,
        training_status=TrainingStatus.ACTIVE,
        changed_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
    )
    from_staff._history_user = staff  # type: ignore[attr-defined]  # as the back office request middleware sets it
    from_staff.save()

    (summary,) = participant_support_summary(participant=record.participant).records

    assert [(row.change, row.staff) for row in summary.status_changes] == [
        (from_api, ""),
        (from_staff, "support@example.com"),
    ]


@pytest.mark.parametrize("rows", [1, 4])
def test_the_summary_reads_the_same_few_queries_however_many_rows(django_assert_max_num_queries, rows):
    participant = busy_participant(rows)

    with django_assert_max_num_queries(8):
        summary = participant_support_summary(participant=participant)
        # The back office page shows it all without reading anything more.
        page = render_to_string("admin/ecf/participant_summary.html", {"summary": summary, "can_view_statements": True})

    assert sum(len(item.declarations) for item in summary.records) == 2 * rows
    assert page.count('class="declaration"') == 2 * rows


def test_a_participant_without_training_records_has_an_empty_summary():
    participant = ParticipantFactory.create()

    summary = participant_support_summary(participant=participant)

    assert (summary.records, summary.id_changes) == ([], [])


def test_another_participants_training_is_not_listed():
    record = ect()
    DeclarationFactory.create(training_record=ect())

    (summary,) = participant_support_summary(participant=record.participant).records

    assert summary.declarations == []
    assert isinstance(summary.record, TrainingRecord)
