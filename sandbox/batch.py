"""Collects seed rows with deterministic ids and inserts only the ones that are missing.

Every seeded row's primary key is a UUID derived from a stable key (`seed_id`), so running the seed
again finds every row already there and writes nothing: that is what makes it idempotent, and what
lets `--scale` add rows in bulk without reading back what it wrote.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

SEED_NAMESPACE = uuid.UUID("6f1c8a52-0f5e-4d1e-9b7a-3c2f5d9e8a10")
CHUNK = 2000
HISTORY_REASON = "sandbox seed"


def seed_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(SEED_NAMESPACE, ":".join(str(part) for part in parts))


class SeedBatch:
    """Rows to insert, grouped by model, inserted in the order models were first added."""

    def __init__(self) -> None:
        self._rows: dict[type[models.Model], dict[uuid.UUID, models.Model]] = defaultdict(dict)

    def add(self, row: models.Model) -> models.Model:
        self._rows[type(row)].setdefault(row.pk, row)
        return row

    def extend(self, rows: Iterable[models.Model]) -> None:
        for row in rows:
            self.add(row)

    def discard(self, model: type[models.Model], ids: Iterable[uuid.UUID]) -> None:
        """Leave out rows added earlier (a case that needs a row missing)."""
        for pk in ids:
            self._rows[model].pop(pk, None)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    @transaction.atomic
    def save(self) -> dict[str, int]:
        """Insert the missing rows (with their history rows); return how many were created per model."""
        created: dict[str, int] = {}
        for model, rows in self._rows.items():
            missing = _missing(model, list(rows.values()))
            for start in range(0, len(missing), CHUNK):
                bulk_create_with_history(
                    missing[start : start + CHUNK],
                    model,
                    batch_size=CHUNK,
                    default_change_reason=HISTORY_REASON,
                )
            if missing:
                created[str(model._meta.verbose_name_plural).capitalize()] = len(missing)
        return created


def _missing(model: type[models.Model], rows: list[models.Model]) -> list[models.Model]:
    existing: set[uuid.UUID] = set()
    for start in range(0, len(rows), CHUNK):
        ids = [row.pk for row in rows[start : start + CHUNK]]
        existing.update(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return [row for row in rows if row.pk not in existing]
