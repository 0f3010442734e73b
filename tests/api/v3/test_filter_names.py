"""D23: every list endpoint answers an unknown `filter[...]` name with a 400 that lists its filters, and supports
every filter either public service supports there (the public OpenAPI document and contract §1.1), so that no
client written for them breaks."""

import uuid

import pytest

pytestmark = pytest.mark.django_db

# The filters of each list in the public services (both of them), with a valid value of each.
VALUES = {
    "cohort": "2024",
    "updated_since": "2021-01-01T00:00:00Z",
    "training_status": "active",
    "from_participant_id": str(uuid.uuid4()),
    "participant_id": str(uuid.uuid4()),
    "delivery_partner_id": str(uuid.uuid4()),
    "urn": "123456",
    "type": "ecf",
}
PUBLIC_FILTERS = {
    "/api/v3/participants/ecf": ["cohort", "updated_since", "training_status", "from_participant_id"],
    "/api/v3/participants/ecf/transfers": ["updated_since"],
    "/api/v3/unfunded-mentors/ecf": ["updated_since"],
    "/api/v3/participant-declarations": ["cohort", "participant_id", "updated_since", "delivery_partner_id"],
    "/api/v3/partnerships/ecf": ["cohort", "updated_since", "delivery_partner_id"],
    "/api/v3/schools/ecf": ["cohort", "urn", "updated_since"],
    "/api/v3/delivery-partners": ["cohort"],
    "/api/v3/statements": ["cohort", "type", "updated_since"],
}
# The successor service's paths (without `/ecf`) are the same views.
ALIASES = {path.replace("/ecf", ""): names for path, names in PUBLIC_FILTERS.items() if "/ecf" in path}
ENDPOINTS = {**PUBLIC_FILTERS, **ALIASES}
REQUIRED = {"/api/v3/schools/ecf": {"filter[cohort]": "2024"}, "/api/v3/schools": {"filter[cohort]": "2024"}}


@pytest.mark.parametrize(("path", "name"), [(path, name) for path, names in ENDPOINTS.items() for name in names])
def test_every_public_filter_is_supported(api_client, path, name):
    response = api_client.get(path, {**REQUIRED.get(path, {}), f"filter[{name}]": VALUES[name]})

    assert response.status_code == 200, response.json_body


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@pytest.mark.parametrize("unknown", ["participant_status", "cohorts"])
def test_an_unknown_filter_is_a_400_naming_the_endpoints_filters(api_client, path, unknown):
    response = api_client.get(path, {**REQUIRED.get(path, {}), f"filter[{unknown}]": "active"})

    assert response.status_code == 400
    (error,) = response.json_body["errors"]
    assert error["title"] == "Bad request"
    assert f"'#/{unknown}'" in error["detail"]
    listed = error["detail"].split("Its filters: ")[1].rstrip(".").split(", ")
    assert set(listed) >= {f"filter[{name}]" for name in ENDPOINTS[path]}
