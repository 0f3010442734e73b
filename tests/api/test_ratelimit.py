"""Decision D16: API rate limits per token and per client IP, in fixed 5-minute windows counted in the
Django cache, with 429 + Retry-After over the limit and RateLimit-* headers on every API response."""

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client, RequestFactory

from api import ratelimit
from api.models import ApiRequest
from api.ratelimit import client_ip, count_request, token_part, window_bounds
from api.tokens import api_token_create, api_token_revoke, token_digest
from tests.api.conftest import JSON_API

pytestmark = pytest.mark.django_db

URL = "/api/v3/delivery-partners"
# 10:02:00 UTC: the window runs from 10:00:00 to 10:05:00, so it resets in 180 seconds.
START = dt.datetime(2030, 1, 7, 10, 2, tzinfo=dt.UTC)
WINDOW_END = dt.datetime(2030, 1, 7, 10, 5, tzinfo=dt.UTC)
HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
CLIENT_IP = "192.0.2.10"
OTHER_IP = "192.0.2.20"
REDIS_LOCATION = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen(time_machine: Any) -> Any:
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def token(lead_provider) -> str:
    return api_token_create(lead_provider=lead_provider)[1]


def get(token: str | None = None, path: str = URL, ip: str = CLIENT_IP, **headers: str) -> Any:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return Client(REMOTE_ADDR=ip).get(path, headers=headers)


def limits(response: Any) -> tuple[str, str, str]:
    return response["RateLimit-Limit"], response["RateLimit-Remaining"], response["RateLimit-Reset"]


def assert_refused(response: Any, *, limit: int, retry_after: int) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == JSON_API
    assert response["Retry-After"] == str(retry_after)
    assert limits(response) == (str(limit), "0", str(retry_after))
    [error] = response.json()["errors"]
    assert error["title"] == "Too many requests"
    unit = "second" if retry_after == 1 else "seconds"
    assert (
        error["detail"] == f"You have made more than {limit} requests in 5 minutes. Try again in {retry_after} {unit}."
    )


# The counting


@pytest.mark.parametrize(
    ("moment", "start", "reset"),
    [
        (1_800_000_000.0, 1_800_000_000, 300),  # on a boundary: a whole window ahead
        (1_800_000_000.5, 1_800_000_000, 300),
        (1_800_000_120.0, 1_800_000_000, 180),
        (1_800_000_299.2, 1_800_000_000, 1),  # never 0: "retry after 0 seconds" would still be refused
    ],
)
def test_windows_are_aligned_to_multiples_of_their_length(moment, start, reset):
    assert window_bounds(moment, 300) == (start, reset)


@pytest.mark.parametrize(
    ("header", "credential"),
    [("Bearer abc123", "abc123"), ("Token abc123", "abc123"), ("abc123", "abc123"), ("Bearer a b", "Bearer a b")],
)
def test_the_budget_is_keyed_by_the_headers_token_part(header, credential):
    assert token_part(header) == credential


# Per token


def test_the_nth_request_passes_and_the_next_is_refused(settings, frozen, token):
    settings.API_RATE_LIMIT_PER_TOKEN = 3

    answers = [get(token) for _ in range(3)]

    assert [response.status_code for response in answers] == [200, 200, 200]
    assert [limits(response) for response in answers] == [("3", "2", "180"), ("3", "1", "180"), ("3", "0", "180")]
    assert_refused(get(token), limit=3, retry_after=180)


def test_the_budget_comes_back_when_the_window_resets(settings, frozen, token):
    settings.API_RATE_LIMIT_PER_TOKEN = 2
    for _ in range(2):
        get(token)

    frozen.move_to(WINDOW_END - dt.timedelta(seconds=1), tick=False)
    assert_refused(get(token), limit=2, retry_after=1)

    frozen.move_to(WINDOW_END, tick=False)
    response = get(token)
    assert response.status_code == 200
    assert limits(response) == ("2", "1", "300")


def test_each_token_has_its_own_budget(settings, frozen, token, lead_provider, other_lead_provider):
    settings.API_RATE_LIMIT_PER_TOKEN = 1
    same_provider_token = api_token_create(lead_provider=lead_provider)[1]
    other_provider_token = api_token_create(lead_provider=other_lead_provider)[1]
    get(token)
    assert get(token).status_code == 429

    assert get(same_provider_token).status_code == 200
    assert get(other_provider_token).status_code == 200


def test_a_token_keeps_its_budget_from_any_ip(settings, frozen, token):
    settings.API_RATE_LIMIT_PER_TOKEN = 1
    get(token, ip=CLIENT_IP)

    assert get(token, ip=OTHER_IP).status_code == 429


class CacheSpy:
    """The cache, noting every key counted into."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.keys: list[str] = []

    def add(self, key: str, *args: Any, **kwargs: Any) -> bool:
        self.keys.append(key)
        return self.inner.add(key, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_the_cache_knows_the_token_only_by_its_keyed_hash(monkeypatch, frozen, token):
    spy = CacheSpy(cache)
    monkeypatch.setattr(ratelimit, "cache", spy)

    assert get(token).status_code == 200

    window_start = int(START.timestamp()) // 300 * 300
    assert spy.keys == [f"ratelimit:token:{token_digest(token)}:{window_start}"]
    assert token not in spy.keys[0]


def test_a_refused_request_reaches_neither_the_database_nor_the_request_log(
    settings, frozen, token, django_assert_num_queries
):
    settings.API_RATE_LIMIT_PER_TOKEN = 1
    get(token)
    client = Client(REMOTE_ADDR=CLIENT_IP)

    with django_assert_num_queries(0):
        response = client.post(
            "/api/v3/participant-declarations",
            "{}",
            content_type=JSON_API,
            headers={"Authorization": f"Bearer {token}"},
        )

    assert response.status_code == 429
    assert not ApiRequest.objects.exists()


# Per IP, without an Authorization header


def test_requests_without_a_token_share_their_ips_budget(settings, frozen):
    settings.API_RATE_LIMIT_PER_IP = 2

    answers = [get(path=path) for path in (URL, "/api/v3/statements")]

    assert [response.status_code for response in answers] == [401, 401]
    assert [limits(response) for response in answers] == [("2", "1", "180"), ("2", "0", "180")]
    assert_refused(get(path="/api/v3/no-such-thing"), limit=2, retry_after=180)
    assert get(ip=OTHER_IP).status_code == 401


def test_a_spent_ip_budget_leaves_token_requests_from_that_ip_alone(settings, frozen, token):
    settings.API_RATE_LIMIT_PER_IP = 1
    get()
    assert get().status_code == 429

    response = get(token)

    assert response.status_code == 200
    assert response["RateLimit-Limit"] == "1000"


def test_an_authorization_header_of_spaces_counts_as_none(settings, frozen):
    settings.API_RATE_LIMIT_PER_IP = 1
    get()

    assert get(HTTP_AUTHORIZATION="   ").status_code == 429


def test_made_up_tokens_cannot_get_round_the_ip_budget(settings, frozen, token):
    """Each made-up token would otherwise bring a fresh budget: failed tokens count against the IP."""
    settings.API_RATE_LIMIT_PER_IP = 2

    answers = [get(f"ecfp_made_up_{n}") for n in range(2)]

    assert [response.status_code for response in answers] == [401, 401]
    assert [limits(response)[:2] for response in answers] == [("2", "1"), ("2", "0")]
    assert_refused(get("ecfp_made_up_3"), limit=2, retry_after=180)
    assert get(token, ip=OTHER_IP).status_code == 200


def test_made_up_tokens_exhaust_their_address_but_never_a_valid_tokens_budget(settings, frozen, token):
    """Behind a load balancer every client shares one address: a valid token is limited by its own budget only."""
    settings.API_RATE_LIMIT_PER_IP = 20

    answers = [get(f"ecfp_garbage_{n}", path=path) for n in range(11) for path in (URL, "/api/v3/no-such-thing")]

    assert [response.status_code for response in answers] == [401, 404] * 10 + [429, 429]
    assert get(path=URL).status_code == 429
    mine = [get(token) for _ in range(3)]
    assert [response.status_code for response in mine] == [200, 200, 200]
    assert [limits(response)[:2] for response in mine] == [("1000", "999"), ("1000", "998"), ("1000", "997")]


def test_a_valid_token_never_spends_its_addresss_budget(settings, frozen, token):
    settings.API_RATE_LIMIT_PER_IP = 2
    for path in (URL, "/api/v3/statements", "/api/v3/no-such-thing"):
        get(token, path=path)

    assert limits(get()) == ("2", "1", "180")


def test_no_counter_is_kept_per_made_up_header_value(monkeypatch, frozen, token):
    spy = CacheSpy(cache)
    monkeypatch.setattr(ratelimit, "cache", spy)

    for n in range(25):
        get(f"ecfp_garbage_{n}")
    get(HTTP_AUTHORIZATION=f"Basic {uuid.uuid4()}")
    get(token)

    window_start = int(START.timestamp()) // 300 * 300
    assert set(spy.keys) == {
        f"ratelimit:ip:{CLIENT_IP}:{window_start}",
        f"ratelimit:token:{token_digest(token)}:{window_start}",
    }


def test_a_token_revoked_during_the_window_counts_against_its_address(settings, frozen, lead_provider):
    settings.API_RATE_LIMIT_PER_IP = 2
    row, plaintext = api_token_create(lead_provider=lead_provider)
    assert get(plaintext).status_code == 200
    api_token_revoke(token=row)

    answers = [get(plaintext) for _ in range(2)]

    assert [response.status_code for response in answers] == [401, 401]
    assert get().status_code == 429


# Client IP


@pytest.mark.parametrize(
    ("trusted_proxies", "forwarded_for", "expected"),
    [
        (0, None, "192.0.2.1"),
        (0, "203.0.113.5", "192.0.2.1"),  # not behind a proxy: the header is the client's to forge
        (1, None, "192.0.2.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # the left entry was sent by the client
        (2, "198.51.100.7, 203.0.113.5, 192.0.2.50", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the furthest one
        (1, " 2001:DB8::1 ", "2001:db8::1"),
        (1, ",", "192.0.2.1"),
    ],
)
def test_the_client_ip(settings, trusted_proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    request = RequestFactory().get(URL, REMOTE_ADDR="192.0.2.1")
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for

    assert client_ip(request) == expected


def test_x_forwarded_for_cannot_buy_a_fresh_budget_unless_proxies_are_trusted(settings, frozen):
    settings.API_RATE_LIMIT_PER_IP = 1
    get(**{"X-Forwarded-For": "203.0.113.1"})

    assert get(**{"X-Forwarded-For": "203.0.113.2"}).status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_budget(settings, frozen):
    settings.API_RATE_LIMIT_PER_IP = 1
    settings.TRUSTED_PROXY_COUNT = 1
    get(**{"X-Forwarded-For": "203.0.113.1"})

    assert get(**{"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert get(**{"X-Forwarded-For": "203.0.113.2"}).status_code == 401
    assert get(**{"X-Forwarded-For": "198.51.100.9, 203.0.113.1"}).status_code == 429


# Which responses carry the headers


@pytest.mark.parametrize(
    ("path", "authorised", "status"),
    [
        (URL, True, 200),
        (URL, False, 401),
        ("/api/v3/statements/00000000-0000-0000-0000-000000000000", True, 404),
        ("/api/v4/anything", True, 404),
        ("/api/v3/participant-declarations", True, 200),
    ],
)
def test_every_api_response_carries_the_headers(frozen, token, path, authorised, status):
    response = get(token if authorised else None, path=path)

    assert response.status_code == status
    assert limits(response) == ("1000" if authorised else "300", "999" if authorised else "299", "180")


def test_a_not_modified_answer_carries_the_headers_and_counts(frozen, token):
    etag = get(token)["ETag"]

    response = get(token, **{"If-None-Match": etag})

    assert response.status_code == 304
    assert limits(response) == ("1000", "998", "180")


@pytest.mark.parametrize("path", ["/api/docs/v3", "/api/docs/v3/openapi.yaml", "/healthcheck", "/admin/login/"])
def test_documentation_health_checks_and_the_back_office_are_not_limited(settings, path):
    settings.API_RATE_LIMIT_PER_IP = 1

    answers = [get(path=path) for _ in range(3)]

    assert [response.status_code for response in answers] == [200, 200, 200]
    assert not any(header in response for response in answers for header in HEADERS)


def test_without_its_cache_the_api_answers_unlimited(monkeypatch, token, caplog):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "count_request", broken)

    response = get(token)

    assert response.status_code == 200
    assert not any(header in response for header in HEADERS)
    assert "Rate limiting is unavailable" in caplog.text


# Several app servers, one Redis


@pytest.fixture
def redis_servers(settings) -> Iterator[tuple[Any, Any]]:
    """Two app servers' caches: separate RedisCache instances (separate connection pools) on one Redis."""
    redis = pytest.importorskip("redis", reason="the redis package is not installed: cannot test the shared budget")
    probe = redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=0.5)
    try:
        probe.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_LOCATION}: cannot test the shared budget")
    prefix = f"test-ratelimit-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_LOCATION,
            "KEY_PREFIX": prefix,
        }
    }
    servers = caches.create_connection("default"), caches.create_connection("default")
    assert servers[0] is not servers[1]
    yield servers
    for key in probe.scan_iter(match=f"{prefix}:*"):
        probe.delete(key)
    probe.close()


def test_app_servers_sharing_redis_share_one_budget(redis_servers, settings, frozen, monkeypatch, token):
    settings.API_RATE_LIMIT_PER_TOKEN = 3
    server_a, server_b = redis_servers

    def on(server: Any) -> Any:
        monkeypatch.setattr(ratelimit, "cache", server)
        return get(token)

    answers = [on(server_a), on(server_b), on(server_a)]

    assert [response.status_code for response in answers] == [200, 200, 200]
    assert [response["RateLimit-Remaining"] for response in answers] == ["2", "1", "0"]
    assert_refused(on(server_b), limit=3, retry_after=180)


def test_concurrent_counting_on_redis_loses_no_request(redis_servers, settings, frozen):
    """add + incr are atomic on Redis: two servers counting at once give every request its own number.
    Each thread gets its own cache instance (and connection) from Django's per-thread cache handler."""
    counts: list[int] = []
    instances: set[int] = set()
    lock = threading.Lock()

    def server() -> None:
        with lock:
            instances.add(id(caches["default"]))
        for _ in range(50):
            usage = count_request("token", "concurrency", 1000)
            with lock:
                counts.append(usage.count)
        caches["default"].close()

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(instances) == 2
    assert sorted(counts) == list(range(1, 101))


def test_count_request_uses_the_configured_window(settings, frozen):
    settings.API_RATE_LIMIT_WINDOW_SECONDS = 60

    usage = count_request("token", "abc", 5)

    assert (usage.limit, usage.count, usage.remaining, usage.reset) == (5, 1, 4, 60)
