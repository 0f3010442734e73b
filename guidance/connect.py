"""The connect page's generated parts: how tokens look, and the error bodies of refused requests, made by the
same code that answers them (tests/guidance/test_connect.py checks them against the live API)."""

import json

from django.conf import settings

from api import ratelimit
from api.jsonapi import exceptions
from api.jsonapi.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE
from api.tokens import PREFIX_LENGTH, TOKEN_START
from api.v3.urls import RESOURCES
from guidance.tables import table

BASE = "/api/v3/"


def token_format_markdown() -> str:
    return (
        f"Tokens start with `{TOKEN_START}`, so secret scanners can recognise a leaked one. The department "
        f"identifies a token by its first {PREFIX_LENGTH} characters (its prefix); nobody, the department "
        "included, can see the rest after it is issued."
    )


def _json(body: object) -> str:
    return "```json\n" + json.dumps(body, indent=2) + "\n```"


def unauthorised_markdown() -> str:
    return _json(exceptions.UNAUTHORISED)


def invalid_token_markdown() -> str:
    return _json(exceptions.INVALID_TOKEN)


def not_found_markdown() -> str:
    return _json(exceptions.error_body((exceptions.NOT_FOUND_TITLE, exceptions.NOT_FOUND_DETAIL)))


def too_many_requests_markdown() -> str:
    limit = settings.API_RATE_LIMIT_PER_TOKEN
    response = ratelimit.too_many_requests(ratelimit.Usage(limit=limit, count=limit + 1, reset=42))
    return _json(json.loads(response.content)) + f"\n\nwith the header `Retry-After: {response['Retry-After']}`."


def page_sizes_markdown() -> str:
    return (
        f"`page[per_page]` defaults to {DEFAULT_PER_PAGE:,} rows and is capped at {MAX_PER_PAGE:,}; `page[page]` "
        "starts at 1, and a page past the end is empty (200 with no rows)."
    )


def path_styles_markdown() -> str:
    """Both path styles (decision D1), from the API's routes."""
    rows = []
    single = []
    for prefix, alias, _viewset, basename in RESOURCES:
        if alias is None:
            single.append(f"`{BASE}{prefix}`")
            continue
        rows.append((basename.replace("-", " ") + "s", f"`{BASE}{prefix}`", f"`{BASE}{alias}`"))
        if basename == "participant":  # transfers are read under the participants' paths
            rows.append(("transfers", f"`{BASE}{prefix}/transfers`", f"`{BASE}{alias}/transfers`"))
    return table(("resources", "path", "also served at"), rows) + f"\nThese have one path each: {', '.join(single)}.\n"
