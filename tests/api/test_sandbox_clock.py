"""Decision D18: in the sandbox, `X-With-Server-Date` moves "now" for that request only."""

import datetime as dt
import threading

import pytest

from ecf import clock
from tests.ecf.participant_builders import ect, period

pytestmark = pytest.mark.django_db

URL = "/api/v3/participants/ecf"
JOINS_ON = dt.date(2030, 1, 6)


@pytest.fixture
def joining_participant(lead_provider):
    record = ect(year=2025)
    period(record, lead_provider, start=JOINS_ON)
    return record


def _status(client, **headers):
    response = client.get(URL, headers=headers)
    assert response.status_code == 200, response.json_body
    return response.json_body["data"][0]["attributes"]["ecf_enrolments"][0]["participant_status"]


def test_the_header_sets_now_for_that_request_in_the_sandbox(api_client, joining_participant, settings):
    settings.SANDBOX = True

    assert _status(api_client, **{"X-With-Server-Date": "2030-01-06T09:00:00Z"}) == "active"
    assert _status(api_client, **{"X-With-Server-Date": "2030-01-05T23:30:00Z"}) == "joining"
    assert _status(api_client) == "joining"


def test_outside_the_sandbox_the_header_is_ignored(api_client, joining_participant, settings):
    settings.SANDBOX = False

    assert _status(api_client, **{"X-With-Server-Date": "2030-02-01T09:00:00Z"}) == "joining"


@pytest.mark.parametrize("value", ["2030-01-06", "tomorrow", "2030-01-06T25:00:00Z"])
def test_a_malformed_header_is_a_400(api_client, settings, value):
    settings.SANDBOX = True

    response = api_client.client.get(
        URL, headers={"Authorization": f"Bearer {api_client.token}", "X-With-Server-Date": value}
    )

    assert response.status_code == 400
    assert "X-With-Server-Date" in response.json()["errors"][0]["detail"]


def test_the_clock_is_per_context_never_global():
    moment = dt.datetime(2031, 5, 1, 12, tzinfo=dt.UTC)
    seen_elsewhere = []
    with clock.acting_at(moment):
        assert clock.now() == moment
        assert clock.today() == dt.date(2031, 5, 1)
        other = threading.Thread(target=lambda: seen_elsewhere.append(clock.now()))
        other.start()
        other.join()
    assert seen_elsewhere[0] != moment
    assert clock.now() != moment
