"""Regressions found by contract fuzzing (`.ci/fuzz`: schemathesis against a live server and the committed
OpenAPI document). Each test is a request schemathesis made that the API answered wrongly, and the answer it
must give instead."""

import pytest

from tests.api.v3.test_every_endpoint import LISTS
from tests.ecf.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "alias", "params"), LISTS)
def test_a_page_number_beyond_any_database_offset_is_an_empty_page(api_client, path, alias, params):
    # (page - 1) x per_page overflowed the database's 64-bit OFFSET: a 500 ("bigint out of range").
    CohortFactory.create(start_year=2024)

    response = api_client.get(path, {**params, "page[page]": "958557982473511239680", "page[per_page]": "979"})

    assert response.status_code == 200
    assert response.json_body == {"data": []}
