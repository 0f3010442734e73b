"""Rate limits on the lead provider API (decision D16).

Every request under /api/ (except the documentation under /api/docs/) counts against one budget:

- a request with an Authorization header counts against its token's budget,
  `API_RATE_LIMIT_PER_TOKEN` requests per window. The token is known only by
  `token_digest(<the header's token part>)` (HMAC-SHA256 keyed with SECRET_KEY): the token itself is
  never stored in the cache nor logged;
- a request without one counts against its client IP's budget, `API_RATE_LIMIT_PER_IP` per window.

Windows are fixed and aligned to multiples of `API_RATE_LIMIT_WINDOW_SECONDS` since the epoch, so every
app server counts into the same cache key for the same window: with Redis as the cache, they share one
budget. Counting is `cache.add(key, 0)` then `cache.incr(key)`, atomic on Redis.

Sending any Authorization header must not be a way around the per-IP budget: every answer of 401 to a
request that carried one also counts against its IP's failed-token budget (`API_RATE_LIMIT_PER_IP` per
window), and once that is spent the IP's requests with an Authorization header are refused with 429
before the token is looked up. Providers whose tokens work never touch that budget.

Over the limit the answer is 429 with a JSON:API error and `Retry-After` (seconds until the window resets).
Every rate-limited response carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
(seconds until the window resets). When the cache cannot be reached the request goes through, without
those headers: losing the counters must not take the API down.

The client IP is REMOTE_ADDR. Behind `TRUSTED_PROXY_COUNT` (> 0) reverse proxies it is the
X-Forwarded-For entry the outermost trusted proxy wrote (the count-th from the right), so a client cannot
choose its IP by sending the header itself; with the default 0 the header is ignored.
"""

import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from api.jsonapi.exceptions import JSON_API, error_body
from api.tokens import token_digest

logger = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit"
TOKEN = "token"
IP = "ip"
FAILED_TOKEN_IP = "failed-token-ip"
MAX_IP_LENGTH = 100  # an unparsable forwarded entry is kept as text, cut to this length


@dataclass(frozen=True)
class Usage:
    """A budget's state after this request: `count` requests so far in the window, `reset` seconds left."""

    limit: int
    count: int
    reset: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


def clock() -> float:
    """Seconds since the epoch: the real time, shared by every server (never the sandbox clock)."""
    return time.time()


def window_bounds(moment: float, window: int) -> tuple[int, int]:
    """The start of the window holding `moment` and the whole seconds until the next one starts (>= 1)."""
    start = int(moment // window) * window
    return start, max(1, math.ceil(start + window - moment))


def _key(kind: str, identity: str, start: int) -> str:
    return f"{KEY_PREFIX}:{kind}:{identity}:{start}"


def count_request(kind: str, identity: str, limit: int) -> Usage:
    """Count one request against the budget `kind:identity` and return the budget's state."""
    window = settings.API_RATE_LIMIT_WINDOW_SECONDS
    start, reset = window_bounds(clock(), window)
    key = _key(kind, identity, start)
    # The key names its window, so it is never reused; it only has to outlive the window.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again from this request
        cache.add(key, 1, timeout=window)
        count = 1
    return Usage(limit=limit, count=int(count), reset=reset)


def peek(kind: str, identity: str, limit: int) -> Usage:
    """The budget's state without counting this request."""
    window = settings.API_RATE_LIMIT_WINDOW_SECONDS
    start, reset = window_bounds(clock(), window)
    return Usage(limit=limit, count=int(cache.get(_key(kind, identity, start), 0)), reset=reset)


def token_part(header: str) -> str:
    """The credential in an Authorization header: the part after the scheme, or the whole value."""
    parts = header.split()
    return parts[1] if len(parts) == 2 else header.strip()


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    entries = [entry.strip() for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    entries = [entry for entry in entries if entry]
    if not entries:
        return remote
    # Each proxy appends the address that connected to it: the entry written by the outermost trusted
    # proxy is the client. Entries left of it are whatever the client sent.
    candidate = entries[-trusted] if len(entries) >= trusted else entries[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return candidate[:MAX_IP_LENGTH]


def client_ip_address(request: HttpRequest) -> str | None:
    """`client_ip` when it is a valid address, else None: for the staff sign-in lockout (django-axes'
    AXES_CLIENT_IP_CALLABLE), which stores it in an IP address column and counts a missing one as its own key."""
    candidate = client_ip(request)
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def is_rate_limited(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith("/api/docs/")


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"


def too_many_requests(usage: Usage) -> JsonResponse:
    window = _duration(settings.API_RATE_LIMIT_WINDOW_SECONDS)
    detail = (
        f"You have made more than {usage.limit} requests in {window}. "
        f"Try again in {usage.reset} {'second' if usage.reset == 1 else 'seconds'}."
    )
    response = JsonResponse(error_body(("Too many requests", detail)), status=429, content_type=JSON_API)
    response["Retry-After"] = str(usage.reset)
    return response


def _set_headers(response: HttpResponseBase, usage: Usage) -> None:
    response["RateLimit-Limit"] = str(usage.limit)
    response["RateLimit-Remaining"] = str(usage.remaining)
    response["RateLimit-Reset"] = str(usage.reset)


class RateLimitMiddleware:
    """Placed early (right after CommonMiddleware): a refused request costs no session, authentication,
    database or request-log work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_rate_limited(request.path):
            return self.get_response(request)
        header = str(request.META.get("HTTP_AUTHORIZATION", "")).strip()
        ip = client_ip(request)
        try:
            usage = self._count(header, ip)
        except Exception:
            logger.exception("Rate limiting is unavailable (cache error): the request goes through unlimited")
            return self.get_response(request)
        if usage.exceeded:
            response: HttpResponseBase = too_many_requests(usage)
        else:
            response = self.get_response(request)
            if header and response.status_code == 401:
                usage = self._count_failed_token(ip, usage)
        _set_headers(response, usage)
        return response

    def _count(self, header: str, ip: str) -> Usage:
        if not header:
            return count_request(IP, ip, settings.API_RATE_LIMIT_PER_IP)
        failures = peek(FAILED_TOKEN_IP, ip, settings.API_RATE_LIMIT_PER_IP)
        if failures.count >= failures.limit:
            return Usage(limit=failures.limit, count=failures.count + 1, reset=failures.reset)
        return count_request(TOKEN, token_digest(token_part(header)), settings.API_RATE_LIMIT_PER_TOKEN)

    def _count_failed_token(self, ip: str, usage: Usage) -> Usage:
        try:
            failures = count_request(FAILED_TOKEN_IP, ip, settings.API_RATE_LIMIT_PER_IP)
        except Exception:
            logger.exception("Could not count a failed token against its IP (cache error)")
            return usage
        # Report whichever budget this client will run out of first.
        return failures if failures.remaining < usage.remaining else usage
