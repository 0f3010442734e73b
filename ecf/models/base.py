import uuid

from django.db import models
from simple_history.models import HistoricalRecords


class BaseModel(models.Model):
    """Every table's common columns: a UUID primary key (the API id where the row is exposed),
    creation and update times, and an audit history of every change (decision D21)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class ApiResourceModel(BaseModel):
    """A row the lead provider API shows. `api_updated_at` moves whenever any data the API shows for
    it changes, including data held in related rows (contract §5.4); `filter[updated_since]` and the
    sync cursor read it. The service that changes such data moves it in the same transaction."""

    api_updated_at = models.DateTimeField(db_index=True, auto_now_add=True)

    class Meta:
        abstract = True
