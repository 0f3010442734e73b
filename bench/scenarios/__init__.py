"""The scenarios, run in a fixed order against one seeded database (`run_scenarios`). Importing this
package needs Django set up (`bench.__main__` does it once the database is ready)."""

import math
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psycopg
from django.db.models import Count, Q

from api.tokens import api_token_create
from bench.client import HttpClient
from bench.environment import BenchEnvironment
from bench.report import Report, say
from bench.scenarios.load import mixed_load, rate_limit
from bench.scenarios.queries import queries_per_page
from bench.scenarios.statement import statement_calculation
from bench.scenarios.sync import (
    Reader,
    full_sync_declarations,
    full_sync_participants,
    incremental_poll,
    page_latency,
)
from bench.scenarios.writes import candidates, rehearse, writes
from bench.server import Server
from ecf import clock
from ecf.models import Cohort, LeadProvider

Result = TypeVar("Result")


def attempt(report: Report, label: str, scenario: Callable[[], Result]) -> Result | None:
    """Run one scenario; a failure is noted in the report (and its traceback shown) and the run goes on."""
    say(label)
    try:
        return scenario()
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        report.notes.append(f"{label} failed: {error}")
        return None


def largest_provider() -> LeadProvider:
    """The provider that sees the most participants (periods of its own outside challenged partnerships)."""
    unchallenged = Q(training_periods__partnership__isnull=True) | Q(
        training_periods__partnership__challenged_at__isnull=True
    )
    provider = (
        LeadProvider.objects.annotate(
            participants=Count("training_periods__training_record__participant", filter=unchallenged, distinct=True)
        )
        .order_by("-participants", "name")
        .first()
    )
    if provider is None:
        raise LookupError("no lead providers: the database is not seeded")
    return provider


def issue_tokens(description: str) -> dict[str, str]:
    """A fresh API token for every lead provider, by provider name."""
    return {
        provider.name: api_token_create(lead_provider=provider, description=description)[1]
        for provider in LeadProvider.objects.order_by("name")
    }


def run_scenarios(report: Report, env: BenchEnvironment, log_dir: Path, *, load_seconds: float) -> None:
    provider = largest_provider()
    report.sizes["largest_provider"] = provider.name
    tokens = issue_tokens("benchmark")
    token = tokens[provider.name]
    today = clock.today()
    newest_cohort = Cohort.objects.order_by("-start_year").values_list("start_year", flat=True).first() or today.year
    attempt(report, "queries per list page", lambda: queries_per_page(report, token, newest_cohort))

    with (
        psycopg.connect(env.database_url, autocommit=True) as database,
        Server(env.variables(), log_dir / "gunicorn.log") as server,
    ):
        reader = Reader(provider.pk, HttpClient(server.port, token), database, today)
        visible = attempt(report, "1. full sync: participants", lambda: full_sync_participants(report, reader, server))
        attempt(report, "2. full sync: declarations", lambda: full_sync_declarations(report, reader))
        attempt(report, "3. incremental poll", lambda: incremental_poll(report, reader))
        if visible:
            attempt(report, "4. page latency", lambda: page_latency(report, reader, visible))
        reader.client.close()
        attempt(report, "5. writes", lambda: writes(report, provider, server.port, token, today))
        attempt(report, "6. statement calculation", lambda: statement_calculation(report, database, server.port))

    attempt(report, "mixed load", lambda: load_test(report, env, log_dir, load_seconds))


def load_test(report: Report, env: BenchEnvironment, log_dir: Path, seconds: float) -> None:
    """The mixed load test on a server that applies the real rate limits, with fresh tokens (the scenarios'
    requests must not count against its budgets) and declarations proven valid beforehand."""
    variables = env.variables(rate_limited=True)
    limit, window = rate_limit(variables)
    wanted = math.ceil(seconds * limit / window / 3) + 10  # every third request of a client is a post
    say(f"mixed load: choosing {wanted} declarations per provider")
    today = clock.today()
    targets = {
        provider.name: rehearse(provider, candidates(provider, today=today), wanted).targets
        for provider in LeadProvider.objects.order_by("name")
    }
    tokens = issue_tokens("benchmark load test")
    say(f"mixed load: {len(tokens)} providers for {seconds:g} s at {limit} requests per {window} s each")
    with Server(variables, log_dir / "gunicorn-load.log") as server:
        mixed_load(report, server.port, tokens, targets, seconds=seconds, limit=limit, window=window)
