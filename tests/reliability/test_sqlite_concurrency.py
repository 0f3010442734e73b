"""The embedded default under concurrent writes (issue #17): `make run`'s server on its SQLite database.

A provider testing its parallel client against a local sandbox sends many writes at once. Django's runserver
answers each request in its own thread, and SQLite allows one writer at a time: every concurrent write must
wait its turn (WAL journal, immediate write transactions, a busy timeout) instead of failing with "database is
locked" (a 503). Runs on SQLite whatever database the suite uses: it makes its own file.
"""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest

from sandbox.names import LEAD_PROVIDERS
from tests.reliability.declarations import declarations_not_voided, declare, free_milestones
from tests.reliability.servers import (
    Answer,
    AppServer,
    DevelopmentServer,
    app_environment,
    call,
    create_token,
    prepare_database,
    running_server,
)

# Two providers: the sandbox seeds each fewer than 20 unpaid declarations to free for new ones.
PROVIDERS = LEAD_PROVIDERS[:2]
CONCURRENT = 20
PARTNERSHIPS = "/api/v3/partnerships/ecf"
PAGE = "?page%5Bper_page%5D=3000"


@dataclass
class Sandbox:
    server: AppServer
    tokens: dict[str, str]  # by lead provider name


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    directory = tmp_path_factory.mktemp("sqlite-default")
    # As `make run`: development settings on an SQLite file.
    env = app_environment(f"sqlite:///{directory / 'db.sqlite3'}", DEBUG="1")
    prepare_database(env)
    with running_server(env, directory, "runserver", kind=DevelopmentServer) as server:
        yield Sandbox(server, {name: create_token(env, name) for name in PROVIDERS})


def all_at_once(requests: list[Callable[[], Answer]]) -> list[Answer]:
    """Send every request at the same moment, one thread each; the answers in the same order."""
    start = threading.Barrier(len(requests))
    answers: list[Answer | None] = [None] * len(requests)

    def send(index: int) -> None:
        start.wait()
        answers[index] = requests[index]()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answer for answer in answers if answer is not None]


def statuses(answers: list[Answer]) -> list[int]:
    return [answer.status for answer in answers]


def test_concurrent_declarations_of_different_milestones_all_succeed(sandbox: Sandbox) -> None:
    base_url = sandbox.server.base_url
    each = CONCURRENT // len(PROVIDERS)
    writes = [
        (sandbox.tokens[name], body)
        for name in PROVIDERS
        for body in free_milestones(base_url, sandbox.tokens[name], name, count=each)
    ]

    answers = all_at_once([partial(declare, base_url, token, body) for token, body in writes])

    assert statuses(answers) == [200] * CONCURRENT, [answer.body for answer in answers if answer.status != 200]
    for (token, body), answer in zip(writes, answers, strict=True):
        assert [row["id"] for row in declarations_not_voided(base_url, token, body)] == [answer.body["data"]["id"]]


def test_the_same_declaration_sent_concurrently_is_declared_once(sandbox: Sandbox) -> None:
    base_url, token = sandbox.server.base_url, sandbox.tokens[PROVIDERS[0]]
    [body] = free_milestones(base_url, token, PROVIDERS[0], count=1)

    answers = all_at_once([partial(declare, base_url, token, body)] * CONCURRENT)

    # One declares; every other is an exact repeat answered with the same declaration (D5).
    assert statuses(answers) == [200] * CONCURRENT, [answer.body for answer in answers if answer.status != 200]
    assert len({answer.body["data"]["id"] for answer in answers}) == 1
    assert [row["id"] for row in declarations_not_voided(base_url, token, body)] == [answers[0].body["data"]["id"]]


def partnership_changes(base_url: str, token: str, count: int) -> list[tuple[str, dict[str, Any]]]:
    """`count` active partnerships of the provider, each with the PUT body moving it to another delivery partner
    the provider works with in its cohort."""
    partners = call(base_url, "GET", "/api/v3/delivery-partners" + PAGE, token=token).body["data"]
    partnerships = call(base_url, "GET", PARTNERSHIPS + PAGE, token=token).body["data"]
    changes = []
    for partnership in partnerships:
        attributes = partnership["attributes"]
        others = [
            partner["id"]
            for partner in partners
            if attributes["cohort"] in partner["attributes"]["cohort"]
            and partner["id"] != attributes["delivery_partner_id"]
        ]
        if attributes["status"] == "active" and others:
            body = {"data": {"type": "partnership", "attributes": {"delivery_partner_id": others[0]}}}
            changes.append((partnership["id"], body))
    assert len(changes) >= count, "the sandbox seeds too few partnerships"
    return changes[:count]


def test_concurrent_partnership_changes_all_succeed(sandbox: Sandbox) -> None:
    base_url, token = sandbox.server.base_url, sandbox.tokens[PROVIDERS[1]]
    changes = partnership_changes(base_url, token, CONCURRENT)

    answers = all_at_once(
        [partial(call, base_url, "PUT", f"{PARTNERSHIPS}/{id_}", token=token, body=body) for id_, body in changes]
    )

    assert statuses(answers) == [200] * CONCURRENT, [answer.body for answer in answers if answer.status != 200]
    for partnership_id, body in changes:
        stored = call(base_url, "GET", f"{PARTNERSHIPS}/{partnership_id}", token=token).body["data"]["attributes"]
        assert stored["delivery_partner_id"] == body["data"]["attributes"]["delivery_partner_id"]
