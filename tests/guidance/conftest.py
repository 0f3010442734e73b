# The API's test clients (every response checked against the OpenAPI document), for tests that compare the
# guidance with what the API answers.
from tests.api.conftest import api_client, lead_provider  # noqa: F401
