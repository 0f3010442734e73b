"""RFC 3339 date-times as the contract accepts them in filters and headers."""

import re
from datetime import UTC, datetime

from django.utils import timezone

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}(:?\d{2})?)?$")


def parse_rfc3339(value: str) -> datetime | None:
    """An aware datetime, or None when `value` is not an RFC 3339 date and time. A missing zone means
    London time; a `+` sent unencoded in a query string arrives as a space and is read back as `+`."""
    text = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", value.strip())
    if not RFC3339.match(text):
        return None
    try:
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        moment = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        # A moment whose UTC time falls outside years 1 to 9999 (`0001-01-01T00:00:00+01:00`) cannot be stored
        # or compared in the database.
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment
