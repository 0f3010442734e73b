"""The reason a write gives on the history page of the rows it changes (decision D21)."""

from django.db import models

# simple-history's `history_change_reason` column.
HISTORY_REASON_LENGTH = 100


def set_change_reason(instance: models.Model, reason: str) -> None:
    """The reason recorded with `instance`'s next history row. API callers are lead providers, not users of
    the back office: their writes name the provider here (`ecf.models.base.history_author` records no user)."""
    instance._change_reason = reason[:HISTORY_REASON_LENGTH]  # type: ignore[attr-defined]
