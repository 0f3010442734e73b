"""The service's notion of "now": the real time, or, in the sandbox, the time a request asked for.

Decision D18: a lead provider testing in the sandbox sends `X-With-Server-Date` to act at another
moment (to declare a future milestone, say). That moment holds for its own request only: it lives in a
context variable set around the request, never in a process-wide frozen clock. Every rule that reads
the time (future-date checks, milestone windows, statement choice, day guards) reads it here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("ecf_clock_moment", default=None)


def now() -> datetime:
    return _moment.get() or timezone.now()


def today() -> date:
    """Today in Europe/London (decision D6)."""
    return timezone.localdate(now())


@contextmanager
def acting_at(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment`."""
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)
