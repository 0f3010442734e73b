"""Two app servers behind one load balancer (issue #8, more than one machine).

Two production server processes (gunicorn) on different ports share one PostgreSQL database (made for the
test and dropped after it) and one Redis, and nothing else. A provider's requests spread over both see one
rate-limit budget, read on one server what they wrote on the other at once, and the same declaration POSTed
to both at the same moment makes one declaration.

Redis: `REDIS_URL` when set, else database 13 of the local Redis. Nothing there is flushed (test runs in parallel
would wipe one another's counters); each run's counters are keyed by its own new tokens and expire within the hour.
"""

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection

from sandbox.names import LEAD_PROVIDERS
from tests.reliability.declarations import DECLARATIONS, declarations_not_voided, declare, free_milestones, void
from tests.reliability.servers import (
    Answer,
    AppServer,
    Postgres,
    app_environment,
    call,
    create_token,
    prepare_database,
    running_server,
    temporary_database,
)

pytestmark = pytest.mark.postgres

LEAD_PROVIDER = LEAD_PROVIDERS[1]
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
RATE_LIMIT = 20
WINDOW = 3600
# Windows are aligned to multiples of their length since the epoch, and a window ending mid-test would reset the
# count: the test starts in a window with at least this long to run.
WINDOW_MARGIN = 60
RACES = 5
STATEMENTS = "/api/v3/statements?page%5Bper_page%5D=1"


@dataclass
class Backends:
    database_url: str
    redis_url: str
    log_dir: Path

    def environment(self, **settings: str) -> dict[str, str]:
        return app_environment(self.database_url, REDIS_URL=self.redis_url, **settings)


def _test_database_server() -> Postgres:
    settings = connection.settings_dict
    return Postgres(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or "",
    )


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    cache = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    try:
        cache.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs Redis at {redis_url} (set REDIS_URL)")
    finally:
        cache.close()
    with temporary_database(_test_database_server()) as database_url:
        backends = Backends(database_url, redis_url, tmp_path_factory.mktemp("two-servers"))
        prepare_database(backends.environment())
        yield backends


@dataclass
class TwoServers:
    a: AppServer
    b: AppServer
    token: str


@pytest.fixture(scope="module")
def two_servers(backends: Backends) -> Iterator[TwoServers]:
    env = backends.environment()
    with running_server(env, backends.log_dir, "a") as a, running_server(env, backends.log_dir, "b") as b:
        yield TwoServers(a, b, create_token(env, LEAD_PROVIDER))


def wait_for_time_in_the_window(server: AppServer) -> None:
    """Every budget's window ends at the same moment: an anonymous request (its own budget, by address) says when."""
    seconds_left = int(call(server.base_url, "GET", STATEMENTS).headers["ratelimit-reset"])
    if seconds_left < WINDOW_MARGIN:
        time.sleep(seconds_left + 1)


def test_the_servers_share_one_rate_limit_budget(backends: Backends) -> None:
    env = backends.environment(API_RATE_LIMIT_PER_TOKEN=str(RATE_LIMIT), API_RATE_LIMIT_WINDOW_SECONDS=str(WINDOW))
    token = create_token(env, LEAD_PROVIDER)
    with running_server(env, backends.log_dir, "a") as a, running_server(env, backends.log_dir, "b") as b:
        wait_for_time_in_the_window(a)
        # Alternately on each server: twice the budget of one.
        answers = [call(server.base_url, "GET", STATEMENTS, token=token) for server in [a, b] * RATE_LIMIT]

    assert [answer.status for answer in answers] == [200] * RATE_LIMIT + [429] * RATE_LIMIT
    assert {answer.headers["ratelimit-limit"] for answer in answers} == {str(RATE_LIMIT)}
    # One countdown, whichever server answers.
    remaining = [int(answer.headers["ratelimit-remaining"]) for answer in answers]
    assert remaining == [*range(RATE_LIMIT - 1, -1, -1), *[0] * RATE_LIMIT]
    assert all(int(answer.headers["retry-after"]) > 0 for answer in answers[RATE_LIMIT:])


def test_a_write_on_one_server_is_read_on_the_other_at_once(two_servers: TwoServers) -> None:
    a, b, token = two_servers.a, two_servers.b, two_servers.token
    [body] = free_milestones(a.base_url, token, LEAD_PROVIDER, count=1)

    declared = declare(a.base_url, token, body)
    assert declared.status == 200, declared
    declaration_id = declared.body["data"]["id"]
    seen = call(b.base_url, "GET", f"{DECLARATIONS}/{declaration_id}", token=token)
    assert seen.status == 200
    assert seen.body["data"] == declared.body["data"]
    assert [row["id"] for row in declarations_not_voided(b.base_url, token, body)] == [declaration_id]

    voided = void(b.base_url, token, declaration_id)
    assert voided.status == 200, voided
    seen = call(a.base_url, "GET", f"{DECLARATIONS}/{declaration_id}", token=token)
    assert seen.body["data"]["attributes"]["state"] == "voided"
    assert declarations_not_voided(a.base_url, token, body) == []


def race(servers: list[AppServer], token: str, body: dict[str, object]) -> list[Answer]:
    """POST `body` to every server at the same moment, one thread each."""
    start = threading.Barrier(len(servers))
    answers: list[Answer | None] = [None] * len(servers)

    def post(index: int) -> None:
        start.wait()
        answers[index] = declare(servers[index].base_url, token, body)

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def test_the_same_declaration_raced_on_both_servers_makes_one_declaration(two_servers: TwoServers) -> None:
    a, b, token = two_servers.a, two_servers.b, two_servers.token
    for body in free_milestones(a.base_url, token, LEAD_PROVIDER, count=RACES):
        answers = race([a, b], token, body)

        # The first POST declares; the second is an exact repeat and answers the same declaration (D5).
        assert [answer.status for answer in answers] == [200, 200], answers
        assert answers[0].body["data"] == answers[1].body["data"]
        assert [row["id"] for row in declarations_not_voided(a.base_url, token, body)] == [
            answers[0].body["data"]["id"]
        ]
