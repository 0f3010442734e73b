"""The database goes away under traffic and comes back (issue #8, faults).

A throwaway PostgreSQL cluster (its own directory and port), a production app server (gunicorn) on it, and a
provider writing declarations from two threads. The cluster is killed mid-traffic (`pg_ctl stop
-m immediate`, as in a crash) and started again. Meanwhile:

- every API request is answered quickly with a 503 JSON:API error and `Retry-After` (never a 500, never a
  hang), the readiness check says 503 naming the database, the liveness check still says 200;
- once the database is back, requests succeed again with the same server processes (no restart);
- nothing is half-written: every write answered 200 is still there, every declaration has the history row
  written in its transaction, and each milestone ends with exactly one declaration.
"""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
import pytest
from psycopg import sql

from ecf.models import Declaration
from sandbox.names import LEAD_PROVIDERS
from tests.reliability.declarations import DECLARATIONS, declarations_not_voided, declare, free_milestones, void
from tests.reliability.servers import (
    Answer,
    AppServer,
    PostgresCluster,
    app_environment,
    call,
    create_token,
    prepare_database,
    running_server,
    throwaway_cluster,
)

pytestmark = pytest.mark.postgres

LEAD_PROVIDER = LEAD_PROVIDERS[0]
# Fail fast, checked generously: an answer within seconds, not the minutes of a TCP timeout. Not a benchmark.
FAIL_FAST_SECONDS = 10
RECOVERY_SECONDS = 60  # the restarted cluster must be ready (and so the app) within this
WRITERS = 2
MILESTONES_PER_WRITER = 3
WRITES_BEFORE_THE_OUTAGE = 10
WRITES_AFTER_THE_OUTAGE = 10
REFUSALS_DURING_THE_OUTAGE = 4
PARTICIPANTS = "/api/v3/participants/ecf"


@dataclass
class Outage:
    cluster: PostgresCluster
    server: AppServer
    token: str
    database_url: str


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    log_dir = tmp_path_factory.mktemp("outage")
    with throwaway_cluster() as cluster:
        database_url = cluster.new_database()
        # The writers make hundreds of requests: a rate limit must not be what refuses them.
        env = app_environment(database_url, API_RATE_LIMIT_PER_TOKEN="1000000")
        prepare_database(env)
        token = create_token(env, LEAD_PROVIDER)
        # Enough workers for every request held in the database at once (the writers' and one more).
        with running_server(env, log_dir, workers=WRITERS + 2) as server:
            yield Outage(cluster, server, token, database_url)


@dataclass
class Milestone:
    body: dict[str, Any]
    declared_id: str | None = None  # the live declaration to void next; None: declare next
    void_refused: bool = False  # the last void of `declared_id` was answered 503


@dataclass
class Writer:
    """Declares and voids its milestones in turn until stopped, keeping every answer. A request answered
    503 is retried as it was: an exact repeat of a declaration answers the one already made (decision D5), a
    repeated void of a voided declaration answers 422."""

    base_url: str
    token: str
    milestones: list[Milestone]
    answers: list[tuple[str, Answer]] = field(default_factory=list)
    accepted_ids: list[str] = field(default_factory=list)  # every declaration a POST was answered 200 with
    unexpected: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stopping.is_set():
            for milestone in self.milestones:
                if milestone.declared_id is None:
                    self._declare(milestone)
                else:
                    self._void(milestone)

    def _declare(self, milestone: Milestone) -> None:
        answer = declare(self.base_url, self.token, milestone.body, timeout=FAIL_FAST_SECONDS)
        self._keep("POST", answer, expected=answer.status in (200, 503))
        if answer.status == 200:
            milestone.declared_id = answer.body["data"]["id"]
            self.accepted_ids.append(answer.body["data"]["id"])

    def _void(self, milestone: Milestone) -> None:
        assert milestone.declared_id is not None
        answer = void(self.base_url, self.token, milestone.declared_id, timeout=FAIL_FAST_SECONDS)
        # A void answered 503 may have committed before the connection was lost: its retry finds it voided.
        already_voided = answer.status == 422 and milestone.void_refused and answer.body["errors"][0]["title"] == "id"
        self._keep("PUT", answer, expected=answer.status in (200, 503) or already_voided)
        if answer.status == 200 or already_voided:
            milestone.declared_id = None
        milestone.void_refused = answer.status == 503

    def _keep(self, method: str, answer: Answer, *, expected: bool) -> None:
        self.answers.append((method, answer))
        if not expected:
            self.unexpected.append(f"{method} {answer.status} {answer.body}")
        if answer.status == 503:
            time.sleep(0.05)  # the database is down: no need to spin

    def count(self, status: int) -> int:
        return sum(1 for _, answer in list(self.answers) if answer.status == status)


class Writers:
    def __init__(self, writers: list[Writer]) -> None:
        self.writers = writers
        self.threads = [threading.Thread(target=writer.run, daemon=True) for writer in writers]

    def __enter__(self) -> "Writers":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for writer in self.writers:
            writer.stopping.set()
        for thread in self.threads:
            thread.join(timeout=RECOVERY_SECONDS)

    def count(self, status: int) -> int:
        return sum(writer.count(status) for writer in self.writers)

    def wait_until(self, status: int, count: int) -> None:
        deadline = time.monotonic() + RECOVERY_SECONDS
        while self.count(status) < count:
            assert time.monotonic() < deadline, f"fewer than {count} answers {status} from the writers"
            assert all(thread.is_alive() for thread in self.threads), "a writer stopped on an error"
            time.sleep(0.05)


def assert_database_unavailable(answer: Answer) -> None:
    assert answer.status == 503, answer
    assert answer.headers["content-type"] == "application/vnd.api+json"
    assert answer.headers["retry-after"].isdigit()
    assert answer.body == {
        "errors": [
            {
                "title": "Service unavailable",
                "detail": "The service's database is unavailable just now. Please try again shortly.",
            }
        ]
    }


def timed_call(server: AppServer, method: str, path: str, **kwargs: Any) -> Answer:
    """A request that must be answered within FAIL_FAST_SECONDS."""
    started = time.monotonic()
    answer = call(server.base_url, method, path, timeout=FAIL_FAST_SECONDS, **kwargs)
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    return answer


def wait_until_ready(server: AppServer) -> None:
    deadline = time.monotonic() + RECOVERY_SECONDS
    while call(server.base_url, "GET", "/healthcheck/ready").status != 200:
        assert time.monotonic() < deadline, f"not ready {RECOVERY_SECONDS}s after the database came back"
        time.sleep(0.2)


def database_now(database_url: str) -> datetime:
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0]


def half_written_declarations(database_url: str, since: datetime) -> list[tuple[Any, ...]]:
    """Declarations changed since `since` whose latest history row (written in the same transaction as the
    change) is missing or disagrees with them, and history rows of declarations that do not exist."""
    declarations = Declaration._meta.db_table
    history = Declaration.history.model._meta.db_table
    query = f"""
        SELECT 'declaration without its latest history', d.id::text
        FROM {declarations} d
        LEFT JOIN LATERAL (
            SELECT * FROM {history} h WHERE h.id = d.id ORDER BY h.history_id DESC LIMIT 1
        ) latest ON true
        WHERE d.updated_at >= %(since)s
          AND (latest.history_id IS NULL
               OR latest.state IS DISTINCT FROM d.state
               OR latest.voided_at IS DISTINCT FROM d.voided_at
               OR latest.payment_statement_id IS DISTINCT FROM d.payment_statement_id)
        UNION ALL
        SELECT 'history of a missing declaration', h.id::text
        FROM {history} h
        WHERE h.history_date >= %(since)s AND NOT EXISTS (SELECT 1 FROM {declarations} d WHERE d.id = h.id)
    """  # table names come from the models; values are parameters
    with psycopg.connect(database_url) as connection:
        return connection.execute(query, {"since": since}).fetchall()


@contextmanager
def history_writes_held(database_url: str) -> Iterator[None]:
    """Holds every write that reaches the declaration history table. A write inserts its declaration row, then
    (in the same transaction) its history row: held there, it is caught half-done. Reads go on."""
    connection = psycopg.connect(database_url)
    try:
        history = Declaration.history.model._meta.db_table
        connection.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(sql.Identifier(history)))
        yield
    finally:
        with suppress(psycopg.Error):  # the lock's connection dies with the database
            connection.close()


def wait_for_held_requests(database_url: str, count: int) -> list[str]:
    """Wait until `count` requests wait for a lock in the database; return their statements."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    with psycopg.connect(database_url, autocommit=True) as connection:
        while True:
            rows = connection.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchall()
            if len(rows) >= count:
                return [row[0] for row in rows]
            assert time.monotonic() < deadline, f"only {len(rows)} of {count} requests reached the database"
            time.sleep(0.05)


def test_the_api_answers_503_fast_while_the_database_is_down_and_recovers_by_itself(outage: Outage) -> None:
    server, token = outage.server, outage.token
    bodies = free_milestones(server.base_url, token, LEAD_PROVIDER, WRITERS * MILESTONES_PER_WRITER + 1)
    in_flight_body = bodies.pop()  # a participant of its own: its write waits for nothing but the history table
    since = database_now(outage.database_url)
    writers = [
        Writer(server.base_url, token, [Milestone(body) for body in bodies[index::WRITERS]]) for index in range(WRITERS)
    ]

    with Writers(writers) as traffic:
        traffic.wait_until(200, WRITES_BEFORE_THE_OUTAGE)
        with history_writes_held(outage.database_url), ThreadPoolExecutor(max_workers=1) as pool:
            in_flight = pool.submit(declare, server.base_url, token, in_flight_body)
            # The writers' next writes are held too: every write is mid-transaction when the database dies.
            held = wait_for_held_requests(outage.database_url, count=WRITERS + 1)
            assert any(f'INSERT INTO "{Declaration.history.model._meta.db_table}"' in query for query in held)
            outage.cluster.stop("immediate")
            assert_database_unavailable(in_flight.result(timeout=FAIL_FAST_SECONDS))
        traffic.wait_until(503, REFUSALS_DURING_THE_OUTAGE)

        assert_database_unavailable(timed_call(server, "GET", PARTICIPANTS, token=token))
        assert_database_unavailable(timed_call(server, "POST", DECLARATIONS, token=token, body=in_flight_body))
        # Even an unknown token: checking it needs the database.
        assert_database_unavailable(timed_call(server, "GET", PARTICIPANTS, token="ecfp_not-a-real-token"))
        ready = timed_call(server, "GET", "/healthcheck/ready")
        assert ready.status == 503
        assert ready.body["status"] == "error"
        assert ready.body["checks"]["database"] == "error"
        assert timed_call(server, "GET", "/healthcheck").status == 200

        outage.cluster.start()
        wait_until_ready(server)
        successes_at_recovery = traffic.count(200)
        traffic.wait_until(200, successes_at_recovery + WRITES_AFTER_THE_OUTAGE)

    assert [problem for writer in writers for problem in writer.unexpected] == []
    # The same server processes answer again, request after request.
    for _ in range(10):
        assert call(server.base_url, "GET", PARTICIPANTS, token=token).status == 200

    # The declaration caught between its two inserts was rolled back whole: no declaration, no history row.
    assert declarations_not_voided(server.base_url, token, in_flight_body) == []
    # Nothing lost: every declaration a POST was answered 200 with is still there.
    for declaration_id in {id_ for writer in writers for id_ in writer.accepted_ids}:
        assert call(server.base_url, "GET", f"{DECLARATIONS}/{declaration_id}", token=token).status == 200
    # Nothing half-written anywhere: each change committed whole, with its history, or not at all.
    assert half_written_declarations(outage.database_url, since) == []
    # And each milestone ends with exactly one declaration, whatever was cut off along the way.
    for body in [*bodies, in_flight_body]:
        assert declare(server.base_url, token, body).status == 200
        assert len(declarations_not_voided(server.base_url, token, body)) == 1


def test_a_database_restart_between_requests_goes_unnoticed(outage: Outage) -> None:
    """Every worker holds a persistent connection, which a restart breaks: each is checked before its first use
    in a request (CONN_HEALTH_CHECKS) and replaced, instead of failing that request."""
    server, token = outage.server, outage.token
    requests = 10 * server.workers  # enough for every worker to serve several of them
    for _ in range(requests):
        assert call(server.base_url, "GET", PARTICIPANTS, token=token).status == 200

    outage.cluster.stop("fast")
    outage.cluster.start()

    statuses = [call(server.base_url, "GET", PARTICIPANTS, token=token).status for _ in range(requests)]
    assert statuses == [200] * requests
