"""Every v3 list runs a fixed number of database queries, whatever its page size (nothing is fetched
row by row), and no more than eight (issue #9). Measured on the seeded sandbox, where each provider
has many rows of most lists, plus a few more unfunded mentors (the sandbox has one per provider)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.tokens import api_token_create
from ecf.models import LeadProvider
from partnerships.models import Partnership
from sandbox.seed import seed_sandbox
from tests.api.conftest import ApiClient
from tests.ecf.participant_builders import assign_mentor, ect, mentor, period

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8
# Extra participants on top of the sandbox's own: more than a page of 100 for every provider.
SCALE = 350
UNFUNDED_MENTORS = 3
LISTS = [
    ("/api/v3/participants/ecf", {}),
    ("/api/v3/participants/ecf/transfers", {}),
    ("/api/v3/unfunded-mentors/ecf", {}),
    ("/api/v3/participant-declarations", {}),
    ("/api/v3/partnerships/ecf", {}),
    ("/api/v3/schools/ecf", {"filter[cohort]": "2025"}),
    ("/api/v3/delivery-partners", {}),
    ("/api/v3/statements", {}),
]


@pytest.fixture(scope="module")
def provider(django_db_setup: None, django_db_blocker: Any) -> Iterator[LeadProvider]:
    """A provider of the sandbox, seeded once for the module and rolled back when it ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_sandbox(today=timezone.localdate(), scale=SCALE)
        provider = LeadProvider.objects.order_by("name").first()
        assert provider is not None
        partnership = Partnership.objects.filter(
            lead_provider=provider, cohort__start_year=2024, challenged_at__isnull=True
        ).first()
        assert partnership is not None
        for _ in range(UNFUNDED_MENTORS):
            # A mentor nobody trains, of an ECT the provider trains.
            ect_record = ect()
            period(ect_record, provider, school=partnership.school)
            assign_mentor(ect_record, mentor())
        yield provider
        transaction.set_rollback(True)


@pytest.fixture
def provider_client(provider: LeadProvider) -> ApiClient:
    _, token = api_token_create(lead_provider=provider)
    return ApiClient(provider, token)


def _page(client: ApiClient, path: str, params: dict[str, str], per_page: int) -> tuple[int, int]:
    """(queries, rows) of one page of a list."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {**params, "page[per_page]": str(per_page)})
    assert response.status_code == 200
    return len(queries), len(response.json_body["data"])


@pytest.mark.parametrize(("path", "params"), LISTS, ids=[path for path, _ in LISTS])
def test_a_list_page_runs_the_same_few_queries_whatever_its_size(provider_client, path, params):
    # Not counted: a fresh token's first request also stamps its last use (an UPDATE, then throttled).
    _page(provider_client, path, params, 1)
    queries_for_one, rows_for_one = _page(provider_client, path, params, 1)
    queries_for_hundred, rows_for_hundred = _page(provider_client, path, params, 100)

    assert rows_for_one == 1
    assert rows_for_hundred > 1
    assert queries_for_hundred == queries_for_one
    assert queries_for_one <= MAX_QUERIES
