"""The benchmark's own PostgreSQL database: created afresh, migrated and seeded by the project's own
management commands (run as the operator would run them, so the seed time is the real one)."""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.stats import Stopwatch

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Participants wanted at each size; the seed's own named scenarios come on top of its --scale participants.
SIZES = {"small": 20_000, "national": 250_000}
# Tables whose row counts describe the data set, by name in the results.
COUNTED_TABLES = {
    "participants": "ecf_participant",
    "training_records": "ecf_trainingrecord",
    "training_periods": "ecf_trainingperiod",
    "declarations": "ecf_declaration",
    "mentor_assignments": "ecf_mentorassignment",
    "schools": "ecf_school",
    "partnerships": "partnerships_partnership",
    "statements": "finance_statement",
    "lead_providers": "ecf_leadprovider",
}


def bench_database_url(server_url: str, size: str) -> str:
    """`server_url` (the DATABASE_URL given) pointed at the database `ecf_bench_<size>`."""
    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("The benchmark needs DATABASE_URL to name a PostgreSQL server (postgres://...).")
    return urlunsplit(parts._replace(path=f"/ecf_bench_{size}"))


def _maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def recreate(url: str) -> None:
    """Drop the database (closing whoever is connected) and create it empty."""
    with psycopg.connect(_maintenance_url(url), autocommit=True) as connection:
        name = sql.Identifier(_name(url))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop(url: str) -> None:
    with psycopg.connect(_maintenance_url(url), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_name(url))))


def manage(env: dict[str, str], *args: str, quiet: bool = False) -> str:
    """Run `manage.py <args>` in the project with `env`; its standard error (progress) goes to ours."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        text=True,
    )
    return done.stdout


@dataclass(frozen=True)
class SeedResult:
    seconds: float
    scale: int


def seed(url: str, env: dict[str, str], participants: int) -> SeedResult:
    """Seed the sandbox, then add as many `--scale` participants as make `participants` in all."""
    with Stopwatch() as watch:
        manage(env, "seed_sandbox")
        scale = max(0, participants - row_counts(url)["participants"])
        manage(env, "seed_sandbox", "--scale", str(scale))
    return SeedResult(seconds=watch.seconds, scale=scale)


def analyze(url: str) -> float:
    """VACUUM ANALYZE, as autovacuum would in time: planner statistics for the freshly loaded tables (without
    them PostgreSQL plans as if the tables were empty). Returns the seconds it took."""
    with Stopwatch() as watch, psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return watch.seconds


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        return {
            name: int(scalar(connection, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))))
            for name, table in COUNTED_TABLES.items()
        }


def server_version(url: str) -> str:
    with psycopg.connect(url) as connection:
        return str(scalar(connection, "SHOW server_version"))


def scalar(connection: psycopg.Connection[Any], query: str | sql.Composed, params: dict[str, Any] | None = None) -> Any:
    """The single value a query returns."""
    row = connection.execute(query, params).fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row[0]
