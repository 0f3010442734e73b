"""The mixed load test: every provider's client at once, each polling its participants and declarations
for changes (`filter[updated_since]`) and posting declarations, paced at the real rate limit (D16)."""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import cycle
from urllib.parse import urlencode

from bench.client import HttpClient, Response, path_of
from bench.database import manage
from bench.report import Figure, Report, Target
from bench.scenarios.writes import DECLARATIONS, Declare
from bench.stats import percentile, rate

PARTICIPANTS = "/api/v3/participants/ecf"
POLLED = {"participants": PARTICIPANTS, "declarations": DECLARATIONS}
ERRORS_TARGET = Target(0, on="value")


@dataclass
class Traffic:
    """What one client sent and got: latencies (s) and answers by status, per kind of request."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)

    def merge(self, other: "Traffic") -> None:
        self.latencies.extend(other.latencies)
        self.statuses.update(other.statuses)
        self.kinds.update(other.kinds)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ProviderClient(threading.Thread):
    """One provider's integration: polls participants, polls declarations, posts a declaration, and again,
    one request every `interval` seconds (the rate limit), until `deadline` (time.monotonic)."""

    def __init__(self, port: int, token: str, targets: list[Declare], interval: float, deadline: float) -> None:
        super().__init__(daemon=True)
        self.client = HttpClient(port, token)
        self.targets = list(targets)
        self.interval = interval
        self.deadline = deadline
        self.traffic = Traffic()
        self._next_slot = time.monotonic()
        started = datetime.now(UTC).replace(microsecond=0)
        self._since = dict.fromkeys(POLLED, started)

    def run(self) -> None:
        for kind in cycle((*POLLED, "declare")):
            if time.monotonic() >= self.deadline:
                break
            if kind == "declare":
                if self.targets:
                    self._send("declare", DECLARATIONS, self.targets.pop())
            else:
                self._poll(kind)
        self.client.close()

    def _poll(self, kind: str) -> None:
        """Every page changed since the previous poll of `kind` began."""
        polled_at = datetime.now(UTC).replace(microsecond=0)
        query = urlencode({"filter[updated_since]": _rfc3339(self._since[kind]), "page[per_page]": "3000"})
        url: str | None = f"{POLLED[kind]}?{query}"
        while url is not None and time.monotonic() < self.deadline:
            response = self._send(f"poll {kind}", url)
            if response.status != 200:
                return
            url = path_of(response.json().get("links", {}).get("next"))
        self._since[kind] = polled_at

    def _send(self, kind: str, path: str, declare: Declare | None = None) -> Response:
        """GET `path`, or POST `declare` to it."""
        self._wait_for_slot()
        response = self.client.post_json(path, declare.body()) if declare else self.client.request("GET", path)
        self.traffic.latencies.append(response.seconds)
        self.traffic.statuses[response.status] += 1
        self.traffic.kinds[kind] += 1
        return response

    def _wait_for_slot(self) -> None:
        """Never faster than the rate limit; a client that falls behind does not burst to catch up."""
        delay = self._next_slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._next_slot = max(self._next_slot, time.monotonic()) + self.interval


def _expected(status: int) -> bool:
    """Success, throttling (429) and business refusals (422, counted on their own) are not errors."""
    return 200 <= status < 300 or status in (422, 429)


def rate_limit(env: dict[str, str]) -> tuple[int, int]:
    """The per-token limit and its window (seconds) that a server started with `env` applies."""
    printed = manage(
        env,
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; "
        "print(settings.API_RATE_LIMIT_PER_TOKEN, settings.API_RATE_LIMIT_WINDOW_SECONDS)",
    )
    limit, window = printed.split()[-2:]
    return int(limit), int(window)


def mixed_load(
    report: Report,
    port: int,
    tokens: dict[str, str],
    targets: dict[str, list[Declare]],
    *,
    seconds: float,
    limit: int,
    window: int,
) -> None:
    """Run one ProviderClient per provider for `seconds`, each at `limit` requests per `window` seconds."""
    deadline = time.monotonic() + seconds
    clients = [ProviderClient(port, tokens[name], targets[name], window / limit, deadline) for name in tokens]
    started = time.perf_counter()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.perf_counter() - started
    traffic = Traffic()
    for client in clients:
        traffic.merge(client.traffic)
    requests = sum(traffic.statuses.values())
    throttled = traffic.statuses[429]
    refused = traffic.statuses[422]
    errors = sum(count for status, count in traffic.statuses.items() if not _expected(status))
    offered = {"clients": len(clients), "requests_per_second_each": round(limit / window, 2), "seconds": elapsed}
    report.add(
        Figure(
            "load_throughput",
            "mixed load: throughput",
            rate(requests, elapsed),
            "req/s",
            details={**offered, "requests": requests, "by_kind": dict(traffic.kinds)},
        )
    )
    report.add(Figure("load_p95", "mixed load: latency p95", percentile(traffic.latencies, 0.95) * 1000, "ms"))
    report.add(
        Figure(
            "load_errors",
            "mixed load: errors other than 429",
            errors,
            "",
            target=ERRORS_TARGET,
            conditions={"no 422 refusals (every post is valid)": refused == 0},
            details={
                "by_status": {str(status): count for status, count in sorted(traffic.statuses.items())},
                "throttled_429": throttled,
                "refused_422": refused,
            },
        )
    )
