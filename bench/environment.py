"""The settings the harness, its management commands and the server run with: the production settings
(DEBUG off) on the benchmark's own database, with a throwaway secret."""

import os
import secrets
import sys
from dataclasses import dataclass, field

import django
import redis

from bench.database import PROJECT_DIR

RATE_LIMIT_VARIABLES = ("API_RATE_LIMIT_PER_TOKEN", "API_RATE_LIMIT_PER_IP", "API_RATE_LIMIT_WINDOW_SECONDS")
# High enough that no scenario is ever throttled; only the mixed load test runs at the real limits.
UNTHROTTLED = str(10**9)
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class BenchEnvironment:
    database_url: str
    # Also keys the API token hashes: the harness issues tokens the server must recognise.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    redis_url: str | None = None

    def variables(self, *, rate_limited: bool = False, sandbox: bool = False) -> dict[str, str]:
        """Environment variables for a process of the run. `rate_limited` keeps the real D16 limits
        (the defaults in settings); otherwise they are raised out of reach. `sandbox` is for the seed."""
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DEBUG": "0",
            "SANDBOX": "1" if sandbox else "0",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            # Plain HTTP on the loopback: no redirect to HTTPS.
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        env.pop("REDIS_URL", None)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        for name in RATE_LIMIT_VARIABLES:
            env.pop(name, None)
        if not rate_limited:
            env["API_RATE_LIMIT_PER_TOKEN"] = env["API_RATE_LIMIT_PER_IP"] = UNTHROTTLED
        return env


def reachable_redis_url() -> str | None:
    """REDIS_URL (or the local default) when Redis answers: the two workers must share the rate-limit
    counters for the load test to meet the real limits. None when no Redis answers."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return None
    return url


def setup_django(env: BenchEnvironment) -> None:
    """The harness's own Django, on the server's settings and database (for in-process work: the write
    floor, query counts, tokens)."""
    # Quiet: in-process requests would log an access line each.
    os.environ.update(env.variables(), LOG_LEVEL="WARNING")
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    django.setup()
