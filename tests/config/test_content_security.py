"""Every response carries a Content-Security-Policy fitting what it is (config/content_security.py), with the
other security headers beside it."""

import pytest
from django.test import Client

from config.content_security import API_POLICY, DOCS_POLICY, PAGE_POLICY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "policy"),
    [
        pytest.param("/api/v3/participants", API_POLICY, id="API, refused without a token"),
        pytest.param("/api/v3/no-such-endpoint", API_POLICY, id="API 404"),
        pytest.param("/healthcheck", API_POLICY, id="health check (JSON)"),
        pytest.param("/api/docs/v3", DOCS_POLICY, id="Swagger UI"),
        pytest.param("/api/docs/v3/redoc", DOCS_POLICY, id="ReDoc"),
        pytest.param("/admin/login/", PAGE_POLICY, id="back-office sign-in"),
        pytest.param("/admin/", PAGE_POLICY, id="back office, redirected to sign in"),
    ],
)
def test_each_kind_of_response_gets_its_policy(client: Client, path: str, policy: str) -> None:
    response = client.get(path)

    assert response["Content-Security-Policy"] == policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_an_api_answer_may_load_and_run_nothing(client: Client) -> None:
    policy = client.get("/api/v3/participants")["Content-Security-Policy"]

    assert policy.startswith("default-src 'none';")
    assert "frame-ancestors 'none'" in policy
