"""On PostgreSQL, `timestamptz` values are read by psycopg's C loader (config/postgres.py) and come back as the
same UTC-aware moments Django's own loader gave."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from config.postgres import UtcTimestamptzLoader

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_date_times_are_read_by_the_c_loader_as_utc_moments() -> None:
    moment = datetime(2025, 10, 1, 9, 30, 15, 123456, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, '2025-03-30 01:30:00+01'::timestamptz", [moment])
        read, from_an_offset = cursor.fetchone()
        loader = cursor.cursor.adapters.get_loader(cursor.cursor.adapters.types["timestamptz"].oid, 0)
    assert loader is UtcTimestamptzLoader
    assert read == moment
    assert read.utcoffset() is not None
    assert read.utcoffset().total_seconds() == 0
    assert from_an_offset == datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
