"""The reason a write gives on the history page of the rows it changes (decision D21)."""

from django.db import models

# simple-history's `history_change_reason` column.
HISTORY_REASON_LENGTH = 100


def set_change_reason(instance: models.Model, reason: str) -> None:
    """The reason recorded with `instance`'s next history row. API callers are lead providers, not users of
    the back office: their writes name the provider here (`ecf.models.base.history_author` records no user)."""
    instance._change_reason = reason[:HISTORY_REASON_LENGTH]  # type: ignore[attr-defined]


def provider_action_reason(api_wording: str, *, lead_provider_name: str, staff: str | None, note: str) -> str:
    """The reason of a lead provider's action, from the API (`API: <api_wording> by <provider>`) or taken in the
    back office by a staff member on the provider's behalf (`admin <staff> for <provider>: <note>`; the
    provider's API wording is left out so the staff member's note fits in the column)."""
    if staff is None:
        return f"API: {api_wording} by {lead_provider_name}"
    return f"admin {staff} for {lead_provider_name}: {note.strip()}"
