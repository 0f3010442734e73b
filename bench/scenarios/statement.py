"""Scenario 6: the largest statement's calculation, as the service computes it and as finance staff see it
on its admin page, next to the aggregate query that counts its declarations."""

import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg
from django.contrib.auth import get_user_model

from bench import floors
from bench.client import AdminSession
from bench.database import scalar
from bench.report import Figure, Report, Target
from finance.models import Statement
from finance.services.statements import statement_breakdown

REPEATS = 5
STATEMENT_TARGET = Target(1.5)
STATEMENT_PAGE_TARGET = Target(3)
BENCH_USERNAME = "bench-finance"

# The statement with the most declarations paid or clawed back on it.
LARGEST_STATEMENT = """
SELECT statement_id FROM (
    SELECT payment_statement_id AS statement_id FROM ecf_declaration WHERE payment_statement_id IS NOT NULL
    UNION ALL
    SELECT clawback_statement_id FROM ecf_declaration WHERE clawback_statement_id IS NOT NULL
) AS on_statements
GROUP BY statement_id ORDER BY count(*) DESC, statement_id LIMIT 1
"""


def _median_seconds(run: Callable[[], object]) -> float:
    """The median wall-clock time of REPEATS runs of `run()`, after one run that warms the caches."""
    run()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def statement_calculation(report: Report, database: psycopg.Connection[Any], port: int) -> None:
    statement_id: UUID = scalar(database, LARGEST_STATEMENT)
    statement = Statement.objects.get(pk=statement_id)
    on_statement = (
        "SELECT count(*) FROM ecf_declaration WHERE payment_statement_id = %(id)s OR clawback_statement_id = %(id)s"
    )
    declarations = int(scalar(database, on_statement, {"id": statement_id}))
    floor = _median_seconds(lambda: floors.statement_counts(database, statement=statement_id))
    service = _median_seconds(lambda: statement_breakdown(statement=Statement.objects.get(pk=statement_id)))

    password = secrets.token_urlsafe(20)
    get_user_model().objects.create_superuser(username=BENCH_USERNAME, email="bench@example.com", password=password)
    admin = AdminSession(port)
    admin.sign_in(BENCH_USERNAME, password)
    page_path = f"/admin/finance/statement/{statement_id}/change/"

    def load_page() -> None:
        page = admin.get(page_path)
        if page.status != 200 or b"Output payments" not in page.body:
            raise RuntimeError(f"the statement's admin page answered {page.status} without its breakdown")

    page = _median_seconds(load_page)
    admin.close()
    details = {
        "statement": str(statement_id),
        "lead_provider": statement.lead_provider.name,
        "cohort": statement.cohort.start_year,
        "declarations": declarations,
        # A paid statement's page shows the breakdown frozen at payment; otherwise it calculates it.
        "page_calculates": statement.paid_breakdown is None,
        "repeats": REPEATS,
        "measure": "median",
    }
    report.add(
        Figure(
            "statement_calculation",
            "6. statement calculation (service)",
            service * 1000,
            "ms",
            floor * 1000,
            STATEMENT_TARGET,
            details=details,
        )
    )
    report.add(
        Figure(
            "statement_page",
            "6. statement admin page (HTTP)",
            page * 1000,
            "ms",
            floor * 1000,
            STATEMENT_PAGE_TARGET,
            details=details,
        )
    )
