"""Queries per list page: every v3 list run in-process through Django's test client at three page
sizes, counting the database queries of the whole request (authentication included)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import Figure, Report, Target

PAGE_SIZES = (1, 100, 3000)
QUERIES_TARGET = Target(8, on="value")


def list_endpoints(cohort: int) -> dict[str, tuple[str, dict[str, str]]]:
    """Each v3 list, with the filters it requires (schools are listed per cohort)."""
    return {
        "participants": ("/api/v3/participants/ecf", {}),
        "participant transfers": ("/api/v3/participants/ecf/transfers", {}),
        "unfunded mentors": ("/api/v3/unfunded-mentors/ecf", {}),
        "declarations": ("/api/v3/participant-declarations", {}),
        "partnerships": ("/api/v3/partnerships/ecf", {}),
        "schools": ("/api/v3/schools/ecf", {"filter[cohort]": str(cohort)}),
        "delivery partners": ("/api/v3/delivery-partners", {}),
        "statements": ("/api/v3/statements", {}),
    }


def count_queries(path: str, params: dict[str, str], token: str) -> tuple[int, int]:
    """(queries, rows) of one list page fetched in-process."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path, params, headers={"Authorization": f"Bearer {token}"})
    if response.status_code != 200:
        raise RuntimeError(f"{path} {params}: answered {response.status_code}")
    return len(queries), len(response.json()["data"])


def queries_per_page(report: Report, token: str, cohort: int) -> None:
    for name, (path, params) in list_endpoints(cohort).items():
        # Not counted: a fresh token's first request also stamps its last use (an UPDATE, then throttled).
        count_queries(path, params, token)
        counts, rows = {}, {}
        for size in PAGE_SIZES:
            counts[size], rows[size] = count_queries(path, {**params, "page[per_page]": str(size)}, token)
        shown = "/".join(str(count) for count in counts.values())
        report.add(
            Figure(
                f"queries_{name.replace(' ', '_')}",
                f"queries per page: {name} ({shown})",
                max(counts.values()),
                "queries",
                target=QUERIES_TARGET,
                conditions={"the same for every page size": len(set(counts.values())) == 1},
                details={"queries_by_page_size": counts, "rows_by_page_size": rows},
            )
        )
