"""Pagination of every list: the contract's `page[page]`/`page[per_page]` (no count, no totals), and
beyond the contract a keyset cursor in `links.next` (`page[cursor]`), so that a sync that follows
`links.next` visits every row exactly once even while rows change (product §4.2).

The cursor is an opaque, signed token holding the sort keys and the last row's values. In the default
order (`created_at`, `id`) rows never move, so a sync sees each row exactly once; in `updated_at` order a
row updated during the sync moves behind the cursor and is seen again with its new data, and none is lost.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.jsonapi.exceptions import BadRequest
from api.jsonapi.sorting import SortKey

if TYPE_CHECKING:
    from rest_framework.views import APIView

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000
# Any page number is valid; one past the last row is empty. The databases' OFFSET is a 64-bit integer, so a
# larger offset is capped here to one still far beyond any table.
MAX_OFFSET = 2**62
CURSOR_SALT = "api.jsonapi.pagination.cursor"
CURSOR_NOT_OURS = "The '#/page[cursor]' value is not a cursor this API issued."
PAGE_ERROR = "The '#/page[page]' and '#/page[per_page]' parameter values must be whole numbers of 1 or more."


def _positive_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise BadRequest(PAGE_ERROR)
    return value


class JsonApiPagination(BasePagination):
    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: APIView | None = None) -> list[Any]:
        sort_keys: list[SortKey] = view.sort_keys()  # type: ignore[union-attr]
        self.request = request
        self.sort_keys = sort_keys
        per_page = min(_positive_int(request, "page[per_page]", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        queryset = queryset.order_by(*(key.expression for key in sort_keys))
        cursor = request.query_params.get("page[cursor]")
        if cursor:
            queryset = queryset.filter(_after(sort_keys, _decode(cursor, sort_keys, queryset)))
        else:
            page = _positive_int(request, "page[page]", 1)
            queryset = queryset[min((page - 1) * per_page, MAX_OFFSET) :]
        # One row more than a page tells whether another page follows, without counting.
        rows = list(queryset[: per_page + 1])
        self.has_next = len(rows) > per_page
        self.rows = rows[:per_page]
        return self.rows

    def get_paginated_response(self, data: Any) -> Response:
        body: dict[str, Any] = {"data": data}
        if self.has_next:
            body["links"] = {"next": self._next_link()}
        return Response(body)

    def _next_link(self) -> str:
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, "page[page]")
        return replace_query_param(url, "page[cursor]", _encode(self.sort_keys, self.rows[-1]))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["data"],
            "properties": {
                "data": schema,
                "links": {
                    "type": "object",
                    "description": "Present when more rows follow. Beyond the public contract.",
                    "properties": {
                        "next": {
                            "type": "string",
                            "format": "uri",
                            "description": "The next page, as a keyset cursor: following it from the first page "
                            "visits every row exactly once, even while data changes.",
                        }
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        def parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
            return {
                "name": name,
                "in": "query",
                "required": False,
                "description": description,
                "schema": schema,
            }

        return [
            parameter("page[page]", "The page to return (default 1).", {"type": "integer", "minimum": 1}),
            parameter(
                "page[per_page]",
                f"Rows per page (default {DEFAULT_PER_PAGE}; values over {MAX_PER_PAGE} are capped).",
                {"type": "integer", "minimum": 1},
            ),
            parameter(
                "page[cursor]",
                "An opaque cursor from `links.next` (instead of `page[page]`).",
                {"type": "string"},
            ),
        ]


def _encode(sort_keys: list[SortKey], row: Any) -> str:
    values = [_value_of(row, key.field) for key in sort_keys]
    payload = {"k": [key.expression for key in sort_keys], "v": values}
    return signing.dumps(payload, salt=CURSOR_SALT, compress=True)


def _value_of(row: Any, field: str) -> Any:
    """The sort key `field` of a row: a model object, or a named row of `values_list(named=True)`."""
    value = getattr(row, field)
    return value.isoformat() if hasattr(value, "isoformat") else str(value) if value is not None else None


def _decode(cursor: str, sort_keys: list[SortKey], queryset: QuerySet[Any]) -> list[Any]:
    try:
        payload = signing.loads(cursor, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, json.JSONDecodeError, base64.binascii.Error) as error:  # type: ignore[attr-defined]
        raise BadRequest(CURSOR_NOT_OURS) from error
    # Signed, so made by this service, but perhaps by another version of it or with the key shared by every
    # development setup: its shape is checked like any other input.
    values = payload.get("v") if isinstance(payload, dict) else None
    if not isinstance(values, list) or len(values) != len(sort_keys):
        raise BadRequest(CURSOR_NOT_OURS)
    if payload.get("k") != [key.expression for key in sort_keys]:
        raise BadRequest("The '#/page[cursor]' value was issued for a different sort order.")
    fields = [_sort_field(queryset, key.field) for key in sort_keys]
    try:
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except (ValidationError, TypeError, ValueError, OverflowError) as error:
        raise BadRequest(CURSOR_NOT_OURS) from error


def _sort_field(queryset: QuerySet[Any], name: str) -> Any:
    """The model field a sort key reads, or the output field of the annotation it names."""
    try:
        return queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return queryset.query.annotations[name].output_field


def _after(sort_keys: list[SortKey], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order of `sort_keys` (lexicographic keyset condition).

    The condition is led by a plain range on the first key (implied by the rest): without it the databases
    read the OR as a filter, and each page walked the sort index from its start, not from the cursor."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(sort_keys, values, strict=True):
        beyond = Q(**{f"{key.field}__{'lt' if key.descending else 'gt'}": value})
        condition |= equal_so_far & beyond
        equal_so_far &= Q(**{key.field: value})
    first, first_value = sort_keys[0], values[0]
    return Q(**{f"{first.field}__{'lte' if first.descending else 'gte'}": first_value}) & condition
