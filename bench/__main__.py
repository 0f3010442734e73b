"""`python -m bench --size small|national [--keep-db]`: seed a fresh PostgreSQL database, run the
scenarios of issue #9 against the production server, print the table and write the results JSON."""

import argparse
import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import django
from django.db import connections

from bench.database import SIZES, analyze, bench_database_url, drop, manage, recreate, row_counts, seed
from bench.database import server_version as postgres_version
from bench.environment import BenchEnvironment, reachable_redis_url, setup_django
from bench.report import Figure, Report, Target, machine_facts, say
from bench.stats import Stopwatch

SEED_TARGET = Target(600, on="value")  # ten minutes, at the national size


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small", help="data set size (default: small)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database ecf_bench_<size> afterwards")
    parser.add_argument("--load-seconds", type=float, default=60, help="duration of the mixed load test (default: 60)")
    return parser.parse_args(argv)


def prepare_database(report: Report, env: BenchEnvironment, participants: int) -> None:
    """Create, migrate and seed the database; note the seed time and the data set's size."""
    url = env.database_url
    say(f"creating {url.rsplit('/', 1)[-1]} (dropping any previous one) and migrating")
    recreate(url)
    with Stopwatch() as migrating:
        manage(env.variables(), "migrate", "--no-input", "-v0")
    say(f"seeding about {participants:,} participants")
    seeded = seed(url, env.variables(sandbox=True), participants)
    analyze_seconds = analyze(url)
    # The admin pages need the collected static files with DEBUG off, as under `make serve`.
    manage(env.variables(), "collectstatic", "--no-input", "-v0")
    report.sizes.update(row_counts(url))
    report.machine["postgres"] = postgres_version(url)
    report.add(
        Figure(
            "seed_time",
            "seed time",
            seeded.seconds,
            "s",
            target=SEED_TARGET if report.size == "national" else None,
            details={"scale": seeded.scale, "migrate_s": migrating.seconds, "vacuum_analyze_s": analyze_seconds},
        )
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    server_url = os.environ.get("DATABASE_URL", "")
    env = BenchEnvironment(bench_database_url(server_url, args.size), redis_url=reachable_redis_url())
    report = Report(args.size, datetime.now(UTC).date(), machine=machine_facts())
    report.machine.update(django=django.get_version(), gunicorn=version("gunicorn"))
    if env.redis_url is None:
        report.notes.append("no Redis answered: each worker counted rate limits on its own (twice the budget).")
    log_dir = Path(tempfile.mkdtemp(prefix=f"ecf-bench-{args.size}-"))
    finished = False
    with Stopwatch() as run:
        try:
            prepare_database(report, env, SIZES[args.size])
            setup_django(env)
            from bench.scenarios import run_scenarios  # needs Django set up

            run_scenarios(report, env, log_dir, load_seconds=args.load_seconds)
            finished = True
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            report.notes.append(f"the run stopped early: {error}")
        finally:
            connections.close_all()
            if not args.keep_db:
                drop(env.database_url)
    report.run_seconds = run.seconds
    report.print_table(sys.stdout)
    say(f"run took {run.seconds / 60:.1f} min; results: {report.write()}; server logs: {log_dir}")
    return 0 if finished else 1


if __name__ == "__main__":
    sys.exit(main())
