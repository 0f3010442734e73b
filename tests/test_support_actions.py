"""Back office support actions end to end: merging duplicate participants (ecf admin) and recording
funding eligibility (finance's training record admin)."""

import datetime as dt

import pytest
from django.urls import reverse

from ecf import clock
from ecf.choices import DeclarationState, FundingEligibility
from ecf.models import Participant, ParticipantIdChange
from tests.backoffice import messages_of, sign_in
from tests.ecf.factories import DeclarationFactory, ParticipantFactory
from tests.ecf.participant_builders import ect, mentor
from tests.finance.factories import StatementFactory

pytestmark = pytest.mark.django_db

PARTICIPANTS = reverse("admin:ecf_participant_changelist")
RECORDS = reverse("admin:ecf_trainingrecord_changelist")


def test_merge_asks_which_participant_to_keep_and_why(admin_client):
    first, second = ect().participant, mentor().participant

    response = admin_client.post(
        PARTICIPANTS, {"action": "merge_duplicates", "_selected_action": [first.pk, second.pk]}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "admin/ecf/participant_merge.html"
    page = response.content.decode()
    assert str(first.pk) in page
    assert str(second.pk) in page
    assert Participant.objects.count() == 2


def _confirm_merge(client, keep, duplicate):
    """Confirm "Merge duplicates" for the pair, keeping `keep`, with a reason."""
    return client.post(
        PARTICIPANTS,
        {
            "action": "merge_duplicates",
            "_selected_action": [keep.pk, duplicate.pk],
            "keep": keep.pk,
            "reason": "same TRN",
            "confirm": "Merge",
        },
        follow=True,
    )


def test_merge_confirmed_merges_and_says_so(admin_client):
    keep, duplicate = ect().participant, mentor().participant

    response = _confirm_merge(admin_client, keep, duplicate)

    assert messages_of(response) == [f"{duplicate.pk} merged into {keep} ({keep.pk})."]
    assert list(Participant.objects.all()) == [keep]
    change = ParticipantIdChange.objects.get()
    assert (change.from_participant_id, change.to_participant_id) == (duplicate.pk, keep.pk)
    assert keep.history.latest().history_change_reason == f"merged {duplicate.pk} by admin: same TRN"
    assert keep.history.latest().history_user.username == "admin"


def test_merge_refused_shows_the_reason_and_changes_nothing(admin_client):
    keep, duplicate = ect().participant, ect().participant

    response = _confirm_merge(admin_client, keep, duplicate)

    assert messages_of(response) == [
        "Both participants have an ECT training record: decide which is right before merging."
    ]
    assert Participant.objects.count() == 2
    assert not ParticipantIdChange.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_merge_needs_exactly_two_participants(admin_client, count):
    chosen = [ParticipantFactory.create().pk for _ in range(count)]

    response = admin_client.post(PARTICIPANTS, {"action": "merge_duplicates", "_selected_action": chosen}, follow=True)

    assert messages_of(response) == ["Choose exactly two participants to merge."]
    assert Participant.objects.count() == count


def test_merge_without_a_reason_shows_the_form_again(admin_client):
    keep, duplicate = ect().participant, mentor().participant

    response = admin_client.post(
        PARTICIPANTS,
        {"action": "merge_duplicates", "_selected_action": [keep.pk, duplicate.pk], "keep": keep.pk, "confirm": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert Participant.objects.count() == 2


def _waiting_declaration():
    record = ect(year=2024)
    declaration = DeclarationFactory.create(training_record=record)
    return record, declaration


def test_record_eligibility_asks_for_the_eligibility_and_a_reason(admin_client):
    record, _ = _waiting_declaration()

    response = admin_client.post(RECORDS, {"action": "record_funding_eligibility", "_selected_action": [record.pk]})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/finance/record_eligibility.html"
    record.refresh_from_db()
    assert record.funding_eligibility == FundingEligibility.NOT_YET_KNOWN


def _confirm(admin_client, record, eligibility="eligible", reason="DQT check passed"):
    return admin_client.post(
        RECORDS,
        {
            "action": "record_funding_eligibility",
            "_selected_action": [record.pk],
            "eligibility": eligibility,
            "reason": reason,
            "confirm": "Record",
        },
        follow=True,
    )


def test_record_eligibility_confirmed_pays_the_waiting_declarations(admin_client):
    record, declaration = _waiting_declaration()
    statement = StatementFactory.create(
        lead_provider=declaration.lead_provider, cohort=record.cohort, cut_off=clock.today() + dt.timedelta(days=10)
    )

    response = _confirm(admin_client, record)

    assert messages_of(response) == [f"{record}: 1 declaration(s) now eligible on a statement."]
    declaration.refresh_from_db()
    assert (declaration.state, declaration.payment_statement) == (DeclarationState.ELIGIBLE, statement)
    assert declaration.history.latest().history_change_reason == (
        f"eligible on {statement.name} by admin: DQT check passed"
    )


def test_record_eligibility_reports_declarations_left_without_a_statement(admin_client):
    record, declaration = _waiting_declaration()

    response = _confirm(admin_client, record)

    assert messages_of(response) == [
        f"{record}: 0 declaration(s) now eligible on a statement.",
        f"{record}: 1 declaration(s) stay submitted: no open output statement.",
    ]
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.SUBMITTED


def test_record_eligibility_refused_shows_the_reason(admin_client):
    record, _ = _waiting_declaration()

    response = _confirm(admin_client, record, reason="   ")

    assert messages_of(response) == [
        f"{record}: Say why the eligibility changes: the reason is kept in the record's history."
    ]
    record.refresh_from_db()
    assert record.funding_eligibility == FundingEligibility.NOT_YET_KNOWN


def test_recording_eligibility_is_refused_to_admin_staff(client):
    """Recording eligibility puts declarations on statements: a money action for Finance, not Admin."""
    sign_in(client, "admin")
    record, declaration = _waiting_declaration()

    response = _confirm(client, record)

    assert "admin/finance/record_eligibility.html" not in [template.name for template in response.templates]
    record.refresh_from_db()
    declaration.refresh_from_db()
    assert record.funding_eligibility == FundingEligibility.NOT_YET_KNOWN
    assert declaration.state == DeclarationState.SUBMITTED


def merge_offered(client) -> bool:
    action_form = client.get(PARTICIPANTS).context["action_form"]  # None when no action is offered
    return action_form is not None and "merge_duplicates" in dict(action_form.fields["action"].choices)


def test_finance_staff_merge_duplicates(client):
    sign_in(client, "finance")
    keep, duplicate = ect().participant, mentor().participant

    assert merge_offered(client)
    response = _confirm_merge(client, keep, duplicate)

    assert messages_of(response) == [f"{duplicate.pk} merged into {keep} ({keep.pk})."]
    assert list(Participant.objects.all()) == [keep]


def test_admin_staff_are_not_offered_the_merge(client):
    sign_in(client, "admin")
    first, second = ect().participant, mentor().participant

    assert not merge_offered(client)
    client.post(PARTICIPANTS, {"action": "merge_duplicates", "_selected_action": [first.pk, second.pk], "confirm": "x"})
    assert Participant.objects.count() == 2
