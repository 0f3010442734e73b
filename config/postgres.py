"""PostgreSQL `timestamptz` values loaded by psycopg's C loader instead of Django's.

Django (5.2) registers a subclass of psycopg's pure-Python `timestamptz` loader on every connection, to attach
its time zone, and that loader parses each value with a regular expression: on a full API page of 3,000
participants or declarations, the parsing took longer than the database took to run the query. Our sessions run
in UTC (the database settings leave `TIME_ZONE` unset, so Django sets the session's time zone to UTC), where the
C loader already returns UTC-aware values. It is registered in place of Django's whenever psycopg's C
implementation is installed (`psycopg[binary]`), behind a small Python loader because it cannot be subclassed;
Django checks the loader's `timezone` on every cursor, and keeps it because it matches."""

from datetime import UTC, datetime
from typing import Any

import psycopg
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = psycopg.postgres.types["timestamptz"].oid
C_LOADER: Any = (
    psycopg.postgres.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT) if psycopg.pq.__impl__ != "python" else None
)


class UtcTimestamptzLoader(Loader):
    """psycopg's C loader (which cannot be subclassed), with the `timezone` Django checks."""

    timezone = UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._load = C_LOADER(oid, context).load

    def load(self, data: Any) -> datetime:
        return self._load(data)


@receiver(connection_created, dispatch_uid="config.postgres.use_c_timestamptz_loader")
def use_c_timestamptz_loader(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql" and connection.timezone_name == "UTC" and C_LOADER is not None:
        connection.connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
