"""Health checks: `/healthcheck` (the process answers) and `/healthcheck/ready` (database, cache and
migrations), without authentication or rate limits, in plain JSON."""

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from api import health

pytestmark = pytest.mark.django_db

LIVE = "/healthcheck"
READY = "/healthcheck/ready"
ALL_OK = {"database": "ok", "cache": "ok", "migrations": "ok"}


class BrokenCache:
    def set(self, *args: Any, **kwargs: Any) -> None:
        raise ConnectionError("cache down")


def get(path: str, **headers: str) -> Any:
    return Client().get(path, headers=headers)


def test_liveness_answers_ok_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = get(LIVE)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_readiness_answers_ok_when_every_check_passes():
    response = get(READY)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": ALL_OK}


def test_without_the_database_readiness_is_a_503_naming_it(monkeypatch, caplog):
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = get(READY)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    # Migrations cannot be read without the database either.
    assert response.json() == {
        "status": "error",
        "checks": {"database": "error", "cache": "ok", "migrations": "error"},
    }
    assert "connection refused" not in response.content.decode()
    assert "Readiness check 'database' failed" in caplog.text


def test_without_the_cache_readiness_is_a_503_naming_it(monkeypatch):
    monkeypatch.setattr(health, "cache", BrokenCache())

    response = get(READY)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {**ALL_OK, "cache": "error"}}


def test_with_a_migration_not_applied_readiness_is_a_503_naming_it():
    """A real unapplied migration: the record of the newest one of `api` is removed (inside the test's transaction)."""
    [(app, name)] = [node for node in MigrationExecutor(connection).loader.graph.leaf_nodes() if node[0] == "api"]
    MigrationRecorder(connection).record_unapplied(app, name)

    response = get(READY)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {**ALL_OK, "migrations": "pending"}}


@pytest.mark.parametrize("path", [LIVE, READY])
def test_health_checks_need_no_authentication_and_ignore_a_bad_token(path):
    response = get(path, Authorization="Bearer not-a-token")

    assert response.status_code == 200


@pytest.mark.parametrize("path", [LIVE, READY])
def test_health_checks_are_never_rate_limited_nor_cached(settings, path):
    settings.API_RATE_LIMIT_PER_IP = 1

    answers = [get(path) for _ in range(3)]

    assert [response.status_code for response in answers] == [200, 200, 200]
    assert not any(name.startswith("RateLimit") for response in answers for name in response.headers)
    assert all("no-cache" in response["Cache-Control"] for response in answers)


@pytest.mark.parametrize("path", [LIVE, READY])
def test_health_checks_answer_only_get_and_head(path):
    assert Client().head(path).status_code == 200
    assert Client().post(path).status_code == 405
