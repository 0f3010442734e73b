"""Support staff find a participant in the back office by any of the identifiers a caller quotes."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.ecf.participant_builders import ect, mentor

pytestmark = pytest.mark.django_db

PARTICIPANTS = reverse("admin:ecf_participant_changelist")


def found(client: Client, term: str) -> list[str]:
    response = client.get(PARTICIPANTS, {"q": term})
    assert response.status_code == 200
    return sorted(str(participant.pk) for participant in response.context["cl"].result_list)


@pytest.mark.parametrize(
    "term_of",
    [
        pytest.param(lambda record: record.participant.full_name, id="full name"),
        pytest.param(lambda record: record.participant.full_name.split()[-1].upper(), id="part of the name"),
        pytest.param(lambda record: record.email, id="email"),
        pytest.param(lambda record: record.participant.trn, id="TRN"),
        pytest.param(lambda record: str(record.participant.pk), id="participant_id"),
        pytest.param(lambda record: str(record.pk), id="training_record_id"),
    ],
)
def test_a_participant_is_found_by_what_a_caller_quotes(admin_client: Client, term_of) -> None:
    sought, other = ect(), mentor()
    assert term_of(sought) != term_of(other)

    assert found(admin_client, term_of(sought)) == [str(sought.participant.pk)]


def test_an_unknown_id_finds_nobody(admin_client: Client) -> None:
    ect()

    assert found(admin_client, "00000000-0000-0000-0000-000000000000") == []
