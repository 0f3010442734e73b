"""Logs: one access line per request with its request id, JSON when asked, and never a secret.

Secrets are query strings, request bodies, Authorization headers, tokens and e-mail addresses."""

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.test import Client
from django.utils.module_loading import import_string

from api.tokens import api_token_create
from config.logging import JsonFormatter
from config.request_id import HEADER, RequestIdFilter
from tests.api.conftest import JSON_API
from tests.ecf.factories import LeadProviderFactory

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
EMAIL = "jo.bloggs@example.org"
TOKEN_LIKE = "ecfp_notarealtokenbutlookslikeone123"
QUERY_VALUE = "secret-query-value-7f3a"
UUID_HEX = re.compile(r"^[0-9a-f]{32}$")
FORMATTERS: dict[str, dict[str, Any]] = cast(dict[str, Any], settings.LOGGING)["formatters"]


class Collect(logging.Handler):
    """Formats every record the way production does (LOG_FORMAT=json) and keeps the lines."""

    def __init__(self, formatter: logging.Formatter | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(formatter or JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    def access(self) -> list[dict[str, Any]]:
        return [entry for entry in self.entries() if entry["logger"] == "config.access"]


@contextmanager
def collecting(formatter: logging.Formatter | None = None) -> Iterator[Collect]:
    handler = Collect(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.fixture
def logs() -> Iterator[Collect]:
    with collecting() as handler:
        yield handler


def configured_formatter(name: str) -> logging.Formatter:
    """The formatter settings.LOGGING configures under `name`, built as logging.config builds it."""
    options = dict(FORMATTERS[name])
    factory = import_string(options.pop("()", "logging.Formatter"))
    return factory(**{("fmt" if key == "format" else key): value for key, value in options.items()})


@pytest.fixture
def token() -> str:
    _, plaintext = api_token_create(lead_provider=LeadProviderFactory.create(name="Ambition Institute"))
    return plaintext


def test_no_secret_reaches_any_log_line(logs, token):
    client = Client()
    query = {"filter[email]": EMAIL, "token": TOKEN_LIKE, "q": QUERY_VALUE}
    client.get("/api/v3/statements", query, headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v3/participants/ecf", {"filter[cohort]": EMAIL}, headers={"Authorization": f"Bearer {token}"})
    body = json.dumps({"data": {"type": "ecf-partnership", "attributes": {"email": EMAIL, "token": TOKEN_LIKE}}})
    client.post(
        f"/api/v3/partnerships/ecf?email={EMAIL}",
        body,
        content_type=JSON_API,
        headers={"Authorization": f"Bearer {token}"},
    )
    client.get("/api/v3/statements", headers={"Authorization": f"Bearer {TOKEN_LIKE}"})  # refused: 401
    client.get(f"/api/v3/participants/ecf/{EMAIL}/{TOKEN_LIKE}", headers={"Authorization": f"Bearer {token}"})

    assert len(logs.access()) == 5
    assert any(entry["logger"] == "django.request" for entry in logs.entries())  # the 4xx warnings are in scope
    for line in logs.lines:
        for secret in (EMAIL, TOKEN_LIKE, QUERY_VALUE, token, "filter[", "?"):
            assert secret not in line, line


@pytest.mark.parametrize("log_format", list(FORMATTERS))
def test_no_format_logs_a_token_or_an_email_address(log_format, token):
    client = Client()
    with collecting(configured_formatter(log_format)) as logs:
        # django.request's warning names the path: "Not Found: /api/v3/participants/ecf/ecfp_..."
        client.get(f"/api/v3/participants/ecf/{TOKEN_LIKE}", headers={"Authorization": f"Bearer {token}"})
        client.get(f"/api/v3/participants/ecf/{EMAIL}", headers={"Authorization": f"Bearer {token}"})
        try:  # as a database error quoting a row's values
            raise DatabaseError(f"duplicate key value violates unique constraint: (email)=({EMAIL})")
        except DatabaseError:
            logging.getLogger("django.db").exception("Write failed for %s with %s", EMAIL, TOKEN_LIKE)

    assert any("Not Found" in line for line in logs.lines)
    assert any("duplicate key value" in line for line in logs.lines)
    for line in logs.lines:
        assert EMAIL not in line, line
        assert TOKEN_LIKE not in line, line
        assert token not in line, line


def test_each_request_logs_one_access_line_with_its_request_id(logs, token):
    response = Client().get(
        "/api/v3/statements?page[per_page]=5", headers={"Authorization": f"Bearer {token}", HEADER: "trace-42.a_B"}
    )

    assert response[HEADER] == "trace-42.a_B"
    [access] = logs.access()
    assert access == {
        "time": access["time"],
        "level": "INFO",
        "logger": "config.access",
        "message": f"GET /api/v3/statements {response.status_code} {access['duration_ms']}ms",
        "request_id": "trace-42.a_B",
        "method": "GET",
        "path": "/api/v3/statements",
        "status": response.status_code,
        "duration_ms": access["duration_ms"],
        "lead_provider": "Ambition Institute",
    }
    assert isinstance(access["duration_ms"], float)


def test_an_unauthenticated_request_names_no_lead_provider(logs):
    response = Client().get("/healthcheck")

    [access] = logs.access()
    assert access["lead_provider"] is None
    assert access["status"] == 200
    assert access["request_id"] == response[HEADER]


@pytest.mark.parametrize(
    "offered",
    ["", "has space", "x" * 65, "new\nline", "semi;colon", f"{EMAIL}"],
)
def test_an_unsafe_request_id_is_replaced_by_a_new_one(logs, offered):
    response = Client().get("/healthcheck", headers={HEADER: offered} if offered else {})

    assert UUID_HEX.match(response[HEADER])
    assert logs.access()[0]["request_id"] == response[HEADER]


def test_error_lines_logged_after_the_middleware_carry_the_request_id(logs):
    response = Client().get("/api/v3/statements", headers={HEADER: "abc-401"})  # no token: 401

    assert response.status_code == 401
    [warning] = [entry for entry in logs.entries() if entry["logger"] == "django.request"]
    assert warning["request_id"] == "abc-401"
    assert warning["level"] == "WARNING"


def test_lines_outside_a_request_have_no_request_id(logs):
    logging.getLogger("finance.jobs").warning("Daily job ran")

    assert logs.entries()[-1]["request_id"] == "-"


LOG_ONE_LINE = "import django, logging; django.setup(); logging.getLogger('x').warning('hello')"


@pytest.mark.parametrize(
    ("log_format", "is_json"),
    [("json", True), ("", False)],
)
def test_log_format_selects_json_lines(log_format, is_json):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_FORMAT": log_format}
    result = subprocess.run(
        [sys.executable, "-c", LOG_ONE_LINE], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    line = result.stderr.strip()
    if is_json:
        entry = json.loads(line)
        assert (entry["level"], entry["logger"], entry["message"], entry["request_id"]) == (
            "WARNING",
            "x",
            "hello",
            "-",
        )
    else:
        assert line.endswith("WARNING x [-] hello")


DJANGO_LINES = (
    "import django, logging; django.setup(); "
    f"logging.getLogger('django.request').warning('Not Found: /api/v3/participants/ecf/%s', {TOKEN_LIKE!r}); "
    f"logging.getLogger('django.server').warning('\"GET /api/v3/participants/ecf/%s HTTP/1.1\" 404 0', {EMAIL!r})"
)


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_djangos_own_loggers_are_redacted_once_each_in_development(log_format):
    # As `make run`: DEBUG on, where Django's default configuration adds its own console handlers.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_FORMAT": log_format, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", DJANGO_LINES], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )

    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert "Not Found: /api/v3/participants/ecf/[REDACTED]" in lines[0]
    assert "GET /api/v3/participants/ecf/[REDACTED] HTTP/1.1" in lines[1]
    assert EMAIL not in result.stderr
    assert TOKEN_LIKE not in result.stderr
