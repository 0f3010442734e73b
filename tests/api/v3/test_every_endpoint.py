"""What every v3 GET endpoint shares: a token is required, responses are JSON:API, ETags give 304s,
and the successor service's paths (without `/ecf`) answer like the canonical ones."""

import pytest

from tests.api.conftest import JSON_API
from tests.ecf.factories import CohortFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("/api/v3/participants/ecf", "/api/v3/participants", {}),
    ("/api/v3/participants/ecf/transfers", "/api/v3/participants/transfers", {}),
    ("/api/v3/participant-declarations", None, {}),
    ("/api/v3/partnerships/ecf", "/api/v3/partnerships", {}),
    ("/api/v3/schools/ecf", "/api/v3/schools", {"filter[cohort]": "2024"}),
    ("/api/v3/delivery-partners", None, {}),
    ("/api/v3/statements", None, {}),
    ("/api/v3/unfunded-mentors/ecf", "/api/v3/unfunded-mentors", {}),
]


@pytest.fixture(autouse=True)
def cohort():
    return CohortFactory.create(start_year=2024)


@pytest.mark.parametrize(("path", "alias", "params"), LISTS)
def test_a_token_is_required(anonymous_client, path, alias, params):
    response = anonymous_client.get(path, params)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("path", "alias", "params"), LISTS)
def test_lists_answer_json_api_with_an_etag_and_304(api_client, path, alias, params):
    response = api_client.get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"] == JSON_API
    assert response.json_body == {"data": []}

    assert api_client.get(path, params, headers={"If-None-Match": response["ETag"]}).status_code == 304


@pytest.mark.parametrize(("path", "alias", "params"), [row for row in LISTS if row[1]])
def test_alias_paths_answer_like_the_canonical_ones(api_client, path, alias, params):
    assert api_client.get(alias, params).content == api_client.get(path, params).content
