"""The base of every v3 resource view: authentication, scoping to the calling provider, lists with
filters, sort and pagination, single resources by id, all in the contract's envelope."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from api.jsonapi.sorting import SortKey, parse_sort
from ecf.models import LeadProvider


class ResourceViewSet(GenericViewSet):
    """Subclasses set `serializer_class`, `filterset_class`, `sort_fields` (API key -> model field; empty
    when the endpoint takes no `sort`) and `default_sort`, and implement `get_queryset` with a selector."""

    # Ids are UUIDs: anything else does not match a route, and gets the JSON 404 of unknown paths.
    lookup_value_converter = "uuid"

    sort_fields: dict[str, str] = {}
    default_sort: tuple[str, ...] = ("created_at",)

    @cached_property
    def lead_provider(self) -> LeadProvider:
        return self.request.user.lead_provider  # type: ignore[union-attr]

    def sort_keys(self) -> list[SortKey]:
        return parse_sort(self.request.query_params.get("sort"), self.sort_fields, self.default_sort)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.requested_page(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def requested_page(self, queryset: QuerySet[Any]) -> Sequence[Any]:
        """The rows of `queryset` on the page asked for, filtered and sorted as asked."""
        rows = self.paginate_queryset(self.filter_queryset(queryset))
        assert rows is not None, "every list is paginated (DEFAULT_PAGINATION_CLASS)"
        return rows

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"data": self.get_serializer(self.get_object()).data})

    def get_object(self) -> Model:
        """The row with the id in the path, among those this provider may see; 404 otherwise."""
        pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        queryset: QuerySet[Any] = self.get_queryset()
        row = queryset.filter(pk=pk).first()
        if row is None:
            raise Http404
        return row
