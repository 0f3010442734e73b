"""Staff record a school's challenge of a partnership (back office): the service's rules, what the lead
provider's API then shows, and the admin action end to end."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from api.tokens import api_token_create
from ecf import clock
from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.services import (
    CHALLENGE_REASON_INVALID,
    PARTNERSHIP_ALREADY_CHALLENGED,
    partnership_challenge,
)
from tests.api.conftest import ApiClient
from tests.backoffice import messages_of
from tests.ecf.factories import LeadProviderFactory
from tests.ecf.participant_builders import ect, period
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

PARTNERSHIPS = reverse("admin:partnerships_partnership_changelist")


@pytest.fixture
def lead_provider():
    return LeadProviderFactory.create()


@pytest.fixture
def api_client(lead_provider):
    """As tests/api/conftest.py's fixture of that name (not visible from this package)."""
    _, token = api_token_create(lead_provider=lead_provider)
    return ApiClient(lead_provider, token)


def test_challenge_sets_status_reason_and_time():
    partnership = PartnershipFactory.create()
    when = dt.datetime(2024, 10, 1, 9, 30, tzinfo=dt.UTC)

    result = partnership_challenge(
        partnership=partnership, reason=ChallengeReason.NO_ECTS, challenged_at=when, recorded_by="admin"
    )

    partnership.refresh_from_db()
    assert (partnership.status, partnership.challenge_reason, partnership.challenged_at) == (
        PartnershipStatus.CHALLENGED,
        ChallengeReason.NO_ECTS,
        when,
    )
    assert result.pk == partnership.pk


def test_challenge_defaults_to_now_and_keeps_the_reason_in_history():
    partnership = PartnershipFactory.create()
    before = clock.now()

    partnership_challenge(partnership=partnership, reason="mistake", recorded_by="support@example.com")

    partnership.refresh_from_db()
    assert partnership.challenged_at is not None
    assert before <= partnership.challenged_at <= clock.now()
    assert partnership.history.latest().history_change_reason == (
        "challenged (mistake) recorded by support@example.com"
    )


@pytest.mark.parametrize("reason", ["", "bored", "Mistake"])
def test_unknown_reason_is_refused(reason):
    partnership = PartnershipFactory.create()

    with pytest.raises(ValidationError) as raised:
        partnership_challenge(partnership=partnership, reason=reason, recorded_by="admin")

    assert raised.value.message_dict == {
        "reason": [CHALLENGE_REASON_INVALID.format(choices=", ".join(ChallengeReason.values))]
    }
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACTIVE


def test_already_challenged_partnership_is_refused():
    partnership = PartnershipFactory.create(challenged=True)
    challenged_at = partnership.challenged_at

    with pytest.raises(ValidationError) as raised:
        partnership_challenge(partnership=partnership, reason="no_ects", recorded_by="admin")

    assert raised.value.message_dict == {"partnership": [PARTNERSHIP_ALREADY_CHALLENGED]}
    partnership.refresh_from_db()
    assert (partnership.challenge_reason, partnership.challenged_at) == (ChallengeReason.MISTAKE, challenged_at)


def test_api_shows_the_challenge_and_hides_the_participants(api_client, lead_provider):
    record = ect()
    training = period(record, lead_provider)
    partnership = training.partnership
    assert partnership is not None
    participants_before = api_client.get("/api/v3/participants/ecf").json_body["data"]
    assert [row["id"] for row in participants_before] == [str(record.participant.pk)]

    partnership_challenge(partnership=partnership, reason="another_provider", recorded_by="admin")

    attributes = api_client.get(f"/api/v3/partnerships/ecf/{partnership.pk}").json_body["data"]["attributes"]
    assert (attributes["status"], attributes["challenged_reason"]) == ("challenged", "another_provider")
    assert api_client.get("/api/v3/participants/ecf").json_body["data"] == []
    assert api_client.get(f"/api/v3/participants/ecf/{record.participant.pk}").status_code == 404


def test_admin_action_asks_for_the_reason(admin_client):
    partnership = PartnershipFactory.create()

    response = admin_client.post(PARTNERSHIPS, {"action": "record_challenge", "_selected_action": [partnership.pk]})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/partnerships/partnership_challenge.html"
    assert 'name="reason"' in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACTIVE


def _confirm(admin_client, partnerships, reason="do_not_recognise"):
    return admin_client.post(
        PARTNERSHIPS,
        {
            "action": "record_challenge",
            "_selected_action": [partnership.pk for partnership in partnerships],
            "reason": reason,
            "confirm": "Record the challenge",
        },
        follow=True,
    )


def test_admin_action_confirmed_challenges_and_says_so(admin_client):
    partnership = PartnershipFactory.create()

    response = _confirm(admin_client, [partnership])

    assert messages_of(response) == [f"{partnership}: challenged."]
    partnership.refresh_from_db()
    assert (partnership.status, partnership.challenge_reason) == (
        PartnershipStatus.CHALLENGED,
        ChallengeReason.DO_NOT_RECOGNISE,
    )
    assert partnership.history.latest().history_change_reason == "challenged (do_not_recognise) recorded by admin"


def test_admin_action_reports_each_refused_partnership(admin_client):
    fresh = PartnershipFactory.create()
    challenged = PartnershipFactory.create(challenged=True)

    response = _confirm(admin_client, [fresh, challenged])

    assert sorted(messages_of(response)) == sorted(
        [f"{fresh}: challenged.", f"{challenged}: {PARTNERSHIP_ALREADY_CHALLENGED}"]
    )
    challenged.refresh_from_db()
    assert challenged.challenge_reason == ChallengeReason.MISTAKE


def test_admin_action_without_a_reason_shows_the_form_again(admin_client):
    partnership = PartnershipFactory.create()

    response = _confirm(admin_client, [partnership], reason="")

    assert response.templates[0].name == "admin/partnerships/partnership_challenge.html"
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACTIVE
