from collections import Counter
from collections.abc import Callable
from datetime import date

from sandbox import names
from sandbox.batch import SeedBatch
from sandbox.participants import ORDINARY_PARTICIPANTS_PER_PROVIDER_AND_COHORT, ParticipantSeeder
from sandbox.reference import build_reference_data
from sandbox.scenarios import ProviderScenarios

# Extra participants are written in chunks so memory stays flat however large --scale is.
SCALE_CHUNK = 5000


def seed_sandbox(*, today: date, scale: int = 0, on_progress: Callable[[int, str], None] | None = None) -> Counter[str]:
    """Create whatever part of the sandbox is missing; return how many rows of each kind were created.
    `on_progress(count, stage)` hears how many extra participants are done after each chunk."""
    batch = SeedBatch()
    context = build_reference_data(batch, today)
    seeder = ParticipantSeeder(batch, context)
    ordinary = ORDINARY_PARTICIPANTS_PER_PROVIDER_AND_COHORT * len(names.LEAD_PROVIDERS) * len(context.years)
    seeder.ordinary_batch("ordinary", 0, ordinary)
    for provider in names.LEAD_PROVIDERS:
        ProviderScenarios(seeder, provider).run()
    created = Counter(batch.save())

    for start in range(0, scale, SCALE_CHUNK):
        chunk = ParticipantSeeder(SeedBatch(), context)
        chunk.ordinary_batch("scale", start, min(start + SCALE_CHUNK, scale))
        created.update(chunk.batch.save())
        if on_progress:
            on_progress(min(start + SCALE_CHUNK, scale), "added")
    return created
