"""Statement filters."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from api.jsonapi.filters import CohortsFilter, UpdatedSinceFilter
from finance.models import Statement


class StatementTypeFilter(django_filters.CharFilter):
    """`filter[type]=ecf`: every statement of this API is an ECF statement; other types match nothing."""

    def filter(self, qs: QuerySet[Any], value: str | None) -> QuerySet[Any]:
        return qs if not value or value == "ecf" else qs.none()


class StatementFilter(django_filters.FilterSet):
    cohort = CohortsFilter()
    updated_since = UpdatedSinceFilter()
    type = StatementTypeFilter(label="Statement type: ecf.")

    class Meta:
        model = Statement
        fields: list[str] = []
