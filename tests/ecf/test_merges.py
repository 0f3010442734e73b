"""Support merges a duplicate participant into the one kept (ecf.services.merges)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ecf.choices import ParticipantType
from ecf.models import Declaration, Participant, ParticipantIdChange, TrainingRecord
from ecf.services.merges import REASON_NEEDED, SAME_PARTICIPANT, SAME_ROLE, participant_merge
from tests.api.conftest import api_client, lead_provider  # noqa: F401 (fixtures)
from tests.ecf.factories import DeclarationFactory, ParticipantFactory, ParticipantIdChangeFactory
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period

pytestmark = pytest.mark.django_db

REASON_PREFIX = "merged {} by support@example.com: same person"


def merge(keep, duplicate, reason="same person"):
    return participant_merge(keep=keep, duplicate=duplicate, reason=reason, merged_by="support@example.com")


def test_the_duplicates_records_declarations_and_id_changes_move_to_the_kept_participant():
    keep = ect().participant
    duplicate_mentor = mentor()
    duplicate = duplicate_mentor.participant
    declaration = DeclarationFactory.create(training_record=duplicate_mentor)
    earlier = ParticipantIdChangeFactory.create(participant=duplicate)
    duplicate_id = duplicate.pk

    kept = merge(keep, duplicate)

    assert kept.pk == keep.pk
    assert not Participant.objects.filter(pk=duplicate_id).exists()
    assert set(keep.training_records.values_list("participant_type", flat=True)) == {"ect", "mentor"}
    declaration.refresh_from_db()
    assert declaration.participant_id == keep.pk
    earlier.refresh_from_db()
    assert earlier.participant_id == keep.pk
    assert list(keep.id_changes.values_list("from_participant_id", "to_participant_id").order_by("created_at")) == [
        (earlier.from_participant_id, earlier.to_participant_id),
        (duplicate_id, keep.pk),
    ]


def test_declarations_naming_the_duplicate_as_mentor_name_the_kept_participant():
    keep = ParticipantFactory.create()
    duplicate_mentor = mentor()
    mentee = ect()
    assign_mentor(mentee, duplicate_mentor)
    declaration = DeclarationFactory.create(training_record=mentee)
    Declaration.objects.filter(pk=declaration.pk).update(mentor=duplicate_mentor.participant)  # `mentor` is a trait

    merge(keep, duplicate_mentor.participant)

    declaration.refresh_from_db()
    assert declaration.mentor_id == keep.pk
    assert mentee.mentor_assignments.get().mentor.participant_id == keep.pk


@pytest.mark.parametrize(
    ("keep_trn", "duplicate_trn", "expected_trn", "expected_validated"),
    [("", "1234567", "1234567", True), ("7654321", "1234567", "7654321", True), ("", "", "", False)],
)
def test_the_kept_participant_takes_the_duplicates_trn_only_when_it_has_none(
    keep_trn, duplicate_trn, expected_trn, expected_validated
):
    keep = ParticipantFactory.create(trn=keep_trn, trn_validated=bool(keep_trn))
    duplicate = ParticipantFactory.create(trn=duplicate_trn, trn_validated=bool(duplicate_trn))

    merge(keep, duplicate)

    keep.refresh_from_db()
    assert (keep.trn, keep.trn_validated) == (expected_trn, expected_validated)


def test_every_changed_row_records_the_reason_in_its_history():
    keep = ParticipantFactory.create()
    record = mentor()
    duplicate = record.participant
    declaration = DeclarationFactory.create(training_record=record)
    duplicate_id = duplicate.pk

    merge(keep, duplicate)

    expected = REASON_PREFIX.format(duplicate_id)
    assert keep.history.latest().history_change_reason == expected
    assert record.history.latest().history_change_reason == expected
    assert declaration.history.latest().history_change_reason == expected
    assert ParticipantIdChange.objects.get(from_participant_id=duplicate_id).history.latest().history_change_reason == (
        expected
    )
    deletion = Participant.history.filter(id=duplicate_id).latest()
    assert (deletion.history_type, deletion.history_change_reason) == ("-", expected)


def test_the_kept_participant_is_saved_and_its_api_updated_at_moves():
    keep = ParticipantFactory.create()
    Participant.objects.filter(pk=keep.pk).update(api_updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    merge(keep, ParticipantFactory.create())

    keep.refresh_from_db()
    assert keep.api_updated_at > dt.datetime(2020, 1, 2, tzinfo=dt.UTC)


def _same(participant):
    return participant, participant


def _both_ects():
    return ect().participant, ect().participant


def _both_mentors():
    return mentor().participant, mentor().participant


def _blank_reason():
    return ParticipantFactory.create(), ParticipantFactory.create()


@pytest.mark.parametrize(
    ("pair", "reason", "message"),
    [
        (lambda: _same(ect().participant), "same person", SAME_PARTICIPANT),
        (_both_ects, "same person", SAME_ROLE[ParticipantType.ECT]),
        (_both_mentors, "same person", SAME_ROLE[ParticipantType.MENTOR]),
        (_blank_reason, "  ", REASON_NEEDED),
    ],
    ids=["itself", "both-ects", "both-mentors", "no-reason"],
)
def test_refusals_write_nothing(pair, reason, message):
    keep, duplicate = pair()
    DeclarationFactory.create(training_record=TrainingRecord.objects.filter(participant=duplicate).first() or ect())
    before = (
        Participant.objects.count(),
        list(TrainingRecord.objects.values_list("pk", "participant_id").order_by("pk")),
        list(Declaration.objects.values_list("pk", "participant_id").order_by("pk")),
        ParticipantIdChange.objects.count(),
        Participant.history.count(),
    )

    with pytest.raises(ValidationError) as error:
        merge(keep, duplicate, reason=reason)

    assert error.value.messages == [message]
    assert before == (
        Participant.objects.count(),
        list(TrainingRecord.objects.values_list("pk", "participant_id").order_by("pk")),
        list(Declaration.objects.values_list("pk", "participant_id").order_by("pk")),
        ParticipantIdChange.objects.count(),
        Participant.history.count(),
    )


def test_a_refusal_after_partial_checks_rolls_back_everything():
    """Both roles clash only on the ECT record: the mentor record must not have moved."""
    keep = ect().participant
    duplicate = ect().participant
    mentor(duplicate)

    with pytest.raises(ValidationError):
        merge(keep, duplicate)

    assert TrainingRecord.objects.filter(participant=duplicate).count() == 2


def test_the_api_finds_the_kept_participant_by_the_retired_id(api_client, lead_provider):  # noqa: F811
    record = ect()
    period(record, lead_provider)
    keep = record.participant
    duplicate_record = mentor()
    period(duplicate_record, lead_provider)
    duplicate_id = duplicate_record.participant.pk

    merge(keep, duplicate_record.participant)

    response = api_client.get("/api/v3/participants/ecf", {"filter[from_participant_id]": str(duplicate_id)})
    assert response.status_code == 200
    [row] = response.json_body["data"]
    assert row["id"] == str(keep.pk)
    assert {"from_participant_id": str(duplicate_id), "to_participant_id": str(keep.pk)} in [
        {key: change[key] for key in ("from_participant_id", "to_participant_id")}
        for change in row["attributes"]["participant_id_changes"]
    ]
    assert {enrolment["training_record_id"] for enrolment in row["attributes"]["ecf_enrolments"]} == {
        str(record.pk),
        str(duplicate_record.pk),
    }
