"""Scenarios 1 to 4 (and 7): reading lists as a lead provider does, over HTTP, next to their floors."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

import psycopg

from bench import floors
from bench.client import HttpClient, Sync, sync
from bench.database import scalar
from bench.report import Figure, Report, Target
from bench.server import MemorySampler, Server
from bench.stats import percentile

PARTICIPANTS = "/api/v3/participants/ecf"
DECLARATIONS = "/api/v3/participant-declarations"
FULL_PAGES = {"page[per_page]": "3000"}
SYNC_TARGET = Target(2)
MEMORY_TARGET = Target(300, on="value")
CHANGED_FRACTION = 0.01
POLLS = 5
Timed = TypeVar("Timed", Sync, floors.Floor)
RANDOM_PAGES = 200
RANDOM_PAGE_SIZE = 100


@dataclass(frozen=True)
class Reader:
    """The provider whose lists are read, over HTTP and straight from the database."""

    provider: UUID
    client: HttpClient
    database: psycopg.Connection[Any]
    today: date


def _checked(result: Sync, what: str) -> Sync:
    if set(result.statuses) != {200}:
        raise RuntimeError(f"{what}: answers {result.statuses}, expected only 200")
    return result


def _sync_details(report: Report, label: str, result: Sync, floor: floors.Floor, rows: int) -> dict[str, Any]:
    """The sync's sizes next to its floor's; `rows` is how many rows the floor must have fetched."""
    if floor.rows != rows:
        report.notes.append(f"{label}: the floor fetched {floor.rows} rows, the API answered {rows}.")
    return {
        "pages": result.pages,
        "rows": result.rows,
        "nested_rows": result.nested_rows,
        "megabytes": round(result.bytes / 1e6, 2),
        "slowest_page_s": max(result.page_seconds),
        "floor_rows": floor.rows,
        "floor_megabytes": round(floor.bytes / 1e6, 2),
    }


def full_sync_participants(report: Report, reader: Reader, server: Server) -> int:
    """1 and 7: every participant page by page, while sampling the workers' memory. Returns how many
    participants the provider sees."""
    floors.participants(reader.database, provider=reader.provider, today=reader.today)  # warms the cache
    sync(reader.client, PARTICIPANTS, FULL_PAGES, nested="ecf_enrolments")  # warms the workers, as above
    sampler = MemorySampler(server.worker_pids())
    sampler.start()
    result = _checked(sync(reader.client, PARTICIPANTS, FULL_PAGES, nested="ecf_enrolments"), "participants")
    peak_mb = sampler.finish()
    floor = floors.participants(reader.database, provider=reader.provider, today=reader.today)
    report.add(
        Figure(
            "participants_full_sync",
            "1. full sync: participants",
            result.seconds,
            "s",
            floor.seconds,
            SYNC_TARGET,
            details=_sync_details(report, "scenario 1", result, floor, result.nested_rows),
        )
    )
    report.add(
        Figure(
            "worker_peak_memory",
            "7. worker peak memory (during 1)",
            peak_mb,
            "MB",
            target=MEMORY_TARGET,
            details={"workers": len(sampler.pids), "measure": "max of sampled VmRSS and VmHWM"},
        )
    )
    return result.rows


def full_sync_declarations(report: Report, reader: Reader) -> None:
    floors.declarations(reader.database, provider=reader.provider)  # warms the cache
    sync(reader.client, DECLARATIONS, FULL_PAGES)  # warms the workers, as above
    result = _checked(sync(reader.client, DECLARATIONS, FULL_PAGES), "declarations")
    floor = floors.declarations(reader.database, provider=reader.provider)
    report.add(
        Figure(
            "declarations_full_sync",
            "2. full sync: declarations",
            result.seconds,
            "s",
            floor.seconds,
            SYNC_TARGET,
            details=_sync_details(report, "scenario 2", result, floor, result.rows),
        )
    )


def incremental_poll(report: Report, reader: Reader) -> None:
    """3: touch 1% of the provider's participants (as any change to what the API shows for them does:
    their `api_updated_at` moves), then poll with `filter[updated_since]`."""
    visible = [row[0] for row in reader.database.execute(_VISIBLE_PARTICIPANTS, {"provider": reader.provider})]
    changed = random.Random(3).sample(visible, max(1, round(len(visible) * CHANGED_FRACTION)))
    # Whole seconds, as the filter takes them; every row written before this second is older.
    since: datetime = scalar(reader.database, "SELECT date_trunc('second', clock_timestamp())")
    reader.database.execute(
        "UPDATE ecf_participant SET api_updated_at = clock_timestamp() WHERE id = ANY(%(ids)s)", {"ids": changed}
    )
    params = {"filter[updated_since]": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), **FULL_PAGES}
    # A poll takes milliseconds: one run of each is mostly noise, so each figure is the median of POLLS runs,
    # after one that warms the caches.
    floors.participants(reader.database, provider=reader.provider, today=reader.today, since=since)
    sync(reader.client, PARTICIPANTS, params)
    result = _median_run(
        lambda: _checked(sync(reader.client, PARTICIPANTS, params, nested="ecf_enrolments"), "incremental poll")
    )
    floor = _median_run(
        lambda: floors.participants(reader.database, provider=reader.provider, today=reader.today, since=since)
    )
    if result.rows != len(changed):
        raise RuntimeError(f"incremental poll: {result.rows} participants answered, {len(changed)} changed")
    report.add(
        Figure(
            "incremental_poll",
            "3. incremental poll (1% changed)",
            result.seconds * 1000,
            "ms",
            floor.seconds * 1000,
            SYNC_TARGET,
            details={
                **_sync_details(report, "scenario 3", result, floor, result.nested_rows),
                "changed": len(changed),
                "measure": f"median of {POLLS}",
            },
        )
    )


def _median_run(run: Callable[[], Timed]) -> Timed:
    """The run of median `seconds` among POLLS runs of `run()`."""
    return sorted((run() for _ in range(POLLS)), key=lambda timed: timed.seconds)[POLLS // 2]


_VISIBLE_PARTICIPANTS = """
SELECT DISTINCT record.participant_id
FROM ecf_trainingrecord record
JOIN ecf_trainingperiod period ON period.training_record_id = record.id
LEFT JOIN partnerships_partnership partnership ON partnership.id = period.partnership_id
WHERE period.lead_provider_id = %(provider)s AND partnership.challenged_at IS NULL
ORDER BY 1
"""


def page_latency(report: Report, reader: Reader, visible: int) -> None:
    """4: random pages of 100 participants (`page[page]`), each next to the same page's floor."""
    last_page = max(1, -(-visible // RANDOM_PAGE_SIZE))
    chooser = random.Random(4)
    pages = [chooser.randint(1, last_page) for _ in range(RANDOM_PAGES)]
    latencies, floor_latencies = [], []
    for page in pages:
        response = reader.client.get(PARTICIPANTS, {"page[page]": str(page), "page[per_page]": str(RANDOM_PAGE_SIZE)})
        if response.status != 200:
            raise RuntimeError(f"page {page}: answered {response.status}")
        latencies.append(response.seconds * 1000)
        floor = floors.participants(reader.database, provider=reader.provider, today=reader.today, page=page)
        floor_latencies.append(floor.seconds * 1000)
    details = {"pages": len(pages), "last_page": last_page, "per_page": RANDOM_PAGE_SIZE}
    for label, fraction, target in (("p50", 0.5, None), ("p95", 0.95, SYNC_TARGET)):
        report.add(
            Figure(
                f"page_latency_{label}",
                f"4. page latency {label}",
                percentile(latencies, fraction),
                "ms",
                percentile(floor_latencies, fraction),
                target,
                details=details,
            )
        )
