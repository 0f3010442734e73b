"""Log formatters: JSON lines (settings.LOGGING uses it when LOG_FORMAT=json), plain text and runserver's lines.

All of them redact e-mail addresses and API-token-looking text (`ecfp_...`) in everything they write, including
Django's own `django.request` warnings ("Not Found: /api/v3/participants/ecf/ecfp_...") and tracebacks
(a database error quoting a row's e-mail address).

In JSON each record becomes one object: time (UTC, ISO 8601), level, logger, message, request_id, and for the
access line of a request also method, path, status, duration_ms and lead_provider. Only these named fields are
written: never a record's other attributes (such as the `request` Django attaches), so query strings, request
bodies, headers and tokens cannot reach the log through them. As a last line of defence, e-mail addresses and
API-token-looking text (`ecfp_...`) in the message, the path or a traceback are replaced by `[REDACTED]`.
"""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.utils.log import ServerFormatter as DjangoServerFormatter

REDACTED = "[REDACTED]"
# Kept in step with api.tokens.TOKEN_START ("ecfp_"); config is the top layer, so it must not depend on the
# exact spelling in api for the formatter to load before the apps are ready.
SECRET_PATTERNS = (
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),  # e-mail addresses
    re.compile(r"ecfp_[A-Za-z0-9_\-]*"),  # lead provider API tokens
)
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "lead_provider")


def redact(text: str) -> str:
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class TextFormatter(logging.Formatter):
    """The standard formatter, with the whole line (message, traceback and all) redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class ServerFormatter(DjangoServerFormatter):
    """runserver's request lines (the `django.server` logger), redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                value = getattr(record, field)
                entry[field] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        return json.dumps(entry, default=str)
