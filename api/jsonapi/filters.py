"""`filter[...]` query parameters (a deep object), validated by a django-filter FilterSet.

A malformed value is a 400 that names the filter (decision D9), never a silent empty list. An unknown filter
name is a 400 that lists the endpoint's filters (D23: both public services ignore it, which returns a whole list
to a client that misspelt a filter); every filter either public service supports on an endpoint is supported.
A value sent URL-encoded twice (`%253A`) is decoded once more, as both public services do (D24).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiFilterExtension
from rest_framework.request import Request

from api.jsonapi.dates import parse_rfc3339
from api.jsonapi.exceptions import BadRequest

if TYPE_CHECKING:
    from rest_framework.views import APIView

FILTER_KEY = re.compile(r"^filter\[(.*)\]$")
# An unknown filter name is quoted back in the error, cut to this length.
MAX_NAME_SHOWN = 50


def filter_params(request: Request) -> dict[str, str]:
    """The `filter[key]=value` pairs of a request. `filter=<anything>` is not an object: 400."""
    if "filter" in request.query_params:
        raise BadRequest("Filter must be a hash: use filter[name]=value.")
    return {
        match.group(1): str(value) for key, value in request.query_params.items() if (match := FILTER_KEY.match(key))
    }


def bad_filter(name: str, must: str) -> forms.ValidationError:
    return forms.ValidationError(f"The filter '#/{name}' must be {must}.")


class CommaSeparatedField(forms.CharField):
    """A comma-separated list, each element cleaned by `clean_item` (blank elements are dropped)."""

    def __init__(self, *, filter_name: str, item_pattern: str, item_description: str, **kwargs: Any) -> None:
        self.filter_name = filter_name
        self.item_pattern = re.compile(item_pattern)
        self.item_description = item_description
        kwargs.setdefault(
            "error_messages", {"required": f"The filter '#/{filter_name}' must be included in your request."}
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str] | None:
        value = super().clean(value)
        if not value:
            return None
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items or any(not self.item_pattern.match(item) for item in items):
            raise bad_filter(self.filter_name, self.item_description)
        return items


class CohortsFilter(django_filters.Filter):
    """`filter[cohort]=2021,2022`: cohort start years."""

    def __init__(self, field_name: str = "cohort__start_year", **kwargs: Any) -> None:
        kwargs.setdefault("label", "Cohort start years, comma separated (e.g. 2021,2022).")
        super().__init__(field_name=field_name, lookup_expr="in", **kwargs)

    @property
    def field(self) -> forms.Field:
        return CommaSeparatedField(
            filter_name="cohort",
            item_pattern=r"^\d{4}$",
            item_description="a comma-separated list of years, such as 2021,2022",
            required=self.extra.get("required", False),
        )


class UuidsFilter(django_filters.Filter):
    """`filter[participant_id]=<uuid>,<uuid>`."""

    def __init__(self, *, filter_name: str, field_name: str, **kwargs: Any) -> None:
        self.filter_name = filter_name
        super().__init__(field_name=field_name, lookup_expr="in", **kwargs)

    @property
    def field(self) -> forms.Field:
        return CommaSeparatedField(
            filter_name=self.filter_name,
            item_pattern=r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$",
            item_description="a comma-separated list of ids (UUIDs)",
            required=False,
        )

    def filter(self, qs: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        return super().filter(qs, [uuid.UUID(item) for item in value] if value else value)


class UpdatedSinceField(forms.CharField):
    def clean(self, value: Any) -> datetime | None:
        value = super().clean(value)
        if not value:
            return None
        # A client that encoded the value twice sends `14%3A24%3A56Z` once Django has decoded it (D24).
        moment = parse_rfc3339(value) or parse_rfc3339(unquote(value))
        if moment is None:
            raise bad_filter("updated_since", "a valid RFC 3339 date and time, such as 2021-05-13T11:21:55Z")
        return moment


class UpdatedSinceFilter(django_filters.Filter):
    """`filter[updated_since]=2021-05-13T11:21:55Z`: rows whose API data changed at or after it."""

    field_class = UpdatedSinceField

    def __init__(self, field_name: str = "api_updated_at", **kwargs: Any) -> None:
        kwargs.setdefault("label", "Only rows updated at or after this date and time (RFC 3339).")
        super().__init__(field_name=field_name, lookup_expr="gte", **kwargs)


class StrictChoiceField(forms.CharField):
    def __init__(self, *, filter_name: str, choices: list[str], **kwargs: Any) -> None:
        self.filter_name = filter_name
        self.allowed = choices
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        if not value:
            return None
        if value not in self.allowed:
            raise bad_filter(self.filter_name, f"one of {', '.join(self.allowed)}")
        return str(value)


class ChoiceFilter(django_filters.Filter):
    def __init__(self, *, filter_name: str, choices: list[str], **kwargs: Any) -> None:
        self.filter_name = filter_name
        self.allowed = choices
        super().__init__(**kwargs)

    @property
    def field(self) -> forms.Field:
        return StrictChoiceField(filter_name=self.filter_name, choices=self.allowed, required=False)


class JsonApiFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request: Request, queryset: QuerySet[Any], view: APIView) -> dict[str, Any]:
        return {"data": filter_params(request), "queryset": queryset, "request": request}

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        filterset = self.get_filterset(request, queryset, view)
        supported = list(filterset.base_filters) if filterset is not None else []
        if unknown := [name for name in filter_params(request) if name not in supported]:
            raise BadRequest(*unknown_filter_errors(unknown, supported))
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise BadRequest(*(message for messages in filterset.errors.values() for message in messages))
        return filterset.qs


def unknown_filter_errors(unknown: Iterable[str], supported: list[str]) -> list[str]:
    choices = ", ".join(f"filter[{name}]" for name in supported) if supported else "none"
    return [
        f"The filter '#/{name[:MAX_NAME_SHOWN]}' is not one this endpoint supports. Its filters: {choices}."
        for name in unknown
    ]


class JsonApiFilterExtension(OpenApiFilterExtension):
    """Documents each filter as `filter[name]`, and the endpoint's `sort` keys."""

    target_class = "api.jsonapi.filters.JsonApiFilterBackend"

    def get_schema_operation_parameters(self, auto_schema: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        view = auto_schema.view
        parameters = []
        filterset_class = getattr(view, "filterset_class", None)
        for name, filter_ in filterset_class.base_filters.items() if filterset_class else []:
            parameters.append(
                {
                    "name": f"filter[{name}]",
                    "in": "query",
                    "required": bool(filter_.extra.get("required")),
                    "description": str(filter_.label or name),
                    "schema": {"type": "string"},
                }
            )
        if getattr(view, "sort_fields", None):
            keys = sorted(view.sort_fields)
            parameters.append(
                {
                    "name": "sort",
                    "in": "query",
                    "required": False,
                    "description": "Comma-separated sort keys; prefix with '-' for descending. "
                    f"Keys: {', '.join(keys)}.",
                    "schema": {"type": "string", "example": f"-{keys[0]}"},
                }
            )
        return parameters
