"""Health checks for load balancers and orchestrators: no authentication, no rate limit, plain JSON.

- `/healthcheck` (liveness): the process answers. Touches neither the database nor the cache.
- `/healthcheck/ready` (readiness): the database answers `SELECT 1`, the cache stores and returns a value,
  and every migration is applied. 200 when all pass; 503 naming each failing check otherwise. The reasons
  go to the log, never into the unauthenticated response.
"""

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
PENDING = "pending"  # migrations not yet applied


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return OK if row is not None and row[0] == 1 else ERROR


def check_cache() -> str:
    key = f"healthcheck:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    stored = cache.get(key)
    cache.delete(key)
    return OK if stored == value else ERROR


def check_migrations() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return OK if not plan else PENDING


def _run(name: str, check: Callable[[], str]) -> str:
    try:
        result = check()
    except Exception:
        logger.exception("Readiness check %r failed", name)
        return ERROR
    if result != OK:
        logger.warning("Readiness check %r: %s", name, result)
    return result


@never_cache
@require_safe
def healthcheck(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


@never_cache
@require_safe
def healthcheck_ready(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _run("database", check_database),
        "cache": _run("cache", check_cache),
        "migrations": _run("migrations", check_migrations),
    }
    healthy = all(result == OK for result in checks.values())
    return JsonResponse({"status": OK if healthy else ERROR, "checks": checks}, status=200 if healthy else 503)
