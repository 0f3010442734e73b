"""Rate limits on the lead provider API (decision D16).

Every request under /api/ (except the documentation under /api/docs/) counts against one budget:

- a request with a live token counts against that token's budget, `API_RATE_LIMIT_PER_TOKEN` requests per
  window, and never against its address's: behind a load balancer every client shares one address, and
  nobody else's requests may lock a provider out. The token is known only by `token_digest(<the header's
  token part>)` (HMAC-SHA256 keyed with SECRET_KEY): the token itself is never stored in the cache nor logged;
- every other request (no Authorization header, or one without a live token, whatever the answer: a 401, a
  404) counts against its client IP's budget, `API_RATE_LIMIT_PER_IP` per window.

A token's counter exists only once the token was found live (on its first request of a window, by a read that
authentication then reuses), so the limiter never keeps a counter per made-up header value, and made-up tokens
share their address's budget instead of each bringing a fresh one. A token revoked during a window keeps its
counter until the window ends; its 401s count against the address too.

Windows are fixed and aligned to multiples of `API_RATE_LIMIT_WINDOW_SECONDS` since the epoch, so every
app server counts into the same cache key for the same window: with Redis as the cache, they share one
budget. Counting is `cache.add(key, 0)` then `cache.incr(key)`, atomic on Redis.

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
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from api.jsonapi.exceptions import JSON_API, error_body
from api.models import ApiToken
from api.tokens import api_token_find, token_digest

logger = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit"
TOKEN = "token"
IP = "ip"
MAX_IP_LENGTH = 100
# The request attribute holding the live token the limiter read, which authentication then need not read again.
FOUND_TOKEN = "rate_limit_found_token"  # an unparsable forwarded entry is kept as text, cut to this length


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


def has_counter(kind: str, identity: str) -> bool:
    """Whether the budget `kind:identity` has counted a request in the current window."""
    start, _ = window_bounds(clock(), settings.API_RATE_LIMIT_WINDOW_SECONDS)
    return cache.get(_key(kind, identity, start)) is not None


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


def _live_token(digest: str) -> ApiToken | None:
    try:
        return api_token_find(digest)
    except DatabaseError:  # the view will answer 503; until then the request counts against its address
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
        digest = token_digest(token_part(header)) if header else None
        ip = client_ip(request)
        try:
            counted_token, usage = self._count(request, digest, ip)
        except Exception:
            logger.exception("Rate limiting is unavailable (cache error): the request goes through unlimited")
            return self.get_response(request)
        if usage.exceeded:
            response: HttpResponseBase = too_many_requests(usage)
        else:
            response = self.get_response(request)
            if counted_token and response.status_code == 401:
                usage = self._count_revoked_token(ip, usage)
        _set_headers(response, usage)
        return response

    def _count(self, request: HttpRequest, digest: str | None, ip: str) -> tuple[bool, Usage]:
        """Count the request against its token (True) or its address (False)."""
        if digest and not has_counter(TOKEN, digest):
            token = _live_token(digest)
            if token is not None:
                setattr(request, FOUND_TOKEN, token)
            else:
                digest = None
        if digest:
            return True, count_request(TOKEN, digest, settings.API_RATE_LIMIT_PER_TOKEN)
        return False, count_request(IP, ip, settings.API_RATE_LIMIT_PER_IP)

    def _count_revoked_token(self, ip: str, usage: Usage) -> Usage:
        """A token counted as live was refused (revoked during the window): its request counts against the
        address as well, like any other request without a live token."""
        try:
            by_ip = count_request(IP, ip, settings.API_RATE_LIMIT_PER_IP)
        except Exception:
            logger.exception("Could not count a refused token against its IP (cache error)")
            return usage
        # Report whichever budget this client will run out of first.
        return by_ip if by_ip.remaining < usage.remaining else usage
