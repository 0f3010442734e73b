import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from simple_history.models import HistoricalRecords


def history_author(request: Any = None, **kwargs: Any) -> AbstractBaseUser | None:
    """The staff member behind a change. API callers are lead providers, not users: their writes name the
    provider in the history's change reason instead."""
    user = getattr(request, "user", None)
    return user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None


class BaseModel(models.Model):
    """Every table's common columns: a UUID primary key (the API id where the row is exposed),
    creation and update times, and an audit history of every change (decision D21)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(inherit=True, get_user=history_author)

    class Meta:
        abstract = True


class ApiResourceModel(BaseModel):
    """A row the lead provider API shows. `api_updated_at` moves whenever any data the API shows for
    it changes: on every save of the row itself, and when a related row it shows changes (contract
    §5.4; see `api.freshness`). `filter[updated_since]` and the sync cursor read it. Code that changes
    shown data with `QuerySet.update()` (which saves no row) must set `api_updated_at` itself."""

    api_updated_at = models.DateTimeField(db_index=True, auto_now=True)

    class Meta:
        abstract = True
