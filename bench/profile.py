"""`python -m bench.profile --size small [--list participants] [--per-page 3000] [--updated-since T]`: where
one list page's time goes, on the database a benchmark run kept (`python -m bench --size small --keep-db`).
Serves the page in-process through Django's test client under cProfile, then shows EXPLAIN ANALYZE of its
slowest query."""

import argparse
import cProfile
import os
import pstats
import sys

from bench.database import bench_database_url
from bench.environment import BenchEnvironment, setup_django

LISTS = {
    "participants": "/api/v3/participants/ecf",
    "declarations": "/api/v3/participant-declarations",
    "partnerships": "/api/v3/partnerships/ecf",
    "statements": "/api/v3/statements",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--size", default="small", help="the kept database ecf_bench_<size> (default: small)")
    parser.add_argument(
        "--list", choices=sorted(LISTS), default="participants", help="the list (default: participants)"
    )
    parser.add_argument("--per-page", type=int, default=3000, help="page[per_page] (default: 3000)")
    parser.add_argument("--updated-since", help="filter[updated_since], e.g. 2026-12-03T06:00:00Z (default: none)")
    parser.add_argument("--top", type=int, default=25, help="functions shown (default: 25)")
    return parser.parse_args(argv)


def _shortened(text: str, length: int = 400) -> str:
    """Queries prefetching related rows list every id: show their start."""
    return text if len(text) <= length else f"{text[:length]} … ({len(text):,} characters)"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(BenchEnvironment(bench_database_url(os.environ.get("DATABASE_URL", ""), args.size)))
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from api.tokens import api_token_create
    from bench.scenarios import largest_provider

    provider = largest_provider()
    _, token = api_token_create(lead_provider=provider, description="benchmark profile")
    path, params = LISTS[args.list], {"page[per_page]": str(args.per_page)}
    if args.updated_since:
        params["filter[updated_since]"] = args.updated_since
    client, headers = Client(), {"Authorization": f"Bearer {token}"}
    client.get(path, params, headers=headers)  # warms caches and connections
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        response = client.get(path, params, headers=headers)
        profiler.disable()
    out = sys.stdout
    out.write(f"GET {path} {params} as {provider.name}: {response.status_code}, {len(response.content):,} bytes\n")
    for order in ("cumulative", "tottime"):
        out.write(f"\n== cProfile, by {order} time\n")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
    out.write(f"\n== {len(queries)} queries (seconds each)\n")
    for query in queries.captured_queries:
        out.write(f"{query['time']:>8}  {_shortened(query['sql'], 150)}\n")
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    out.write(f"\n== EXPLAIN ANALYZE of the slowest query\n{_shortened(slowest['sql'])}\n\n")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
        out.writelines(f"{_shortened(line)}\n" for (line,) in cursor.fetchall())
    return 0


if __name__ == "__main__":
    sys.exit(main())
