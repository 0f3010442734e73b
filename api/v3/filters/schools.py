"""School filters. Schools are always listed as they are in one cohort, so `filter[cohort]` is required
on the list and on a single school, and takes exactly one year: the view reads it with
`requested_cohort_year` and hands it to the selector."""

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from rest_framework.request import Request

from api.jsonapi.exceptions import BadRequest
from api.jsonapi.filters import CohortsFilter, CommaSeparatedField, UpdatedSinceFilter, bad_filter, filter_params
from ecf.models import School

URN_PATTERN = re.compile(r"^[0-9]{6,8}$")


class SingleCohortField(CommaSeparatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            filter_name="cohort", item_pattern=r"^\d{4}$", item_description="a single year, such as 2024", **kwargs
        )

    def clean(self, value: Any) -> list[str] | None:
        years = super().clean(value)
        if years is not None and len(years) != 1:
            raise bad_filter("cohort", "a single year, such as 2024")
        return years


class SchoolCohortFilter(CohortsFilter):
    """`filter[cohort]=2024` (required): validated here, applied by the selector (`school_list`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)

    @property
    def field(self) -> forms.Field:
        return SingleCohortField(required=self.extra["required"])

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return qs


class UrnField(forms.CharField):
    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        if not value:
            return None
        if not URN_PATTERN.match(value):
            raise bad_filter("urn", "a school URN of 6 to 8 digits, such as 123456")
        return str(value)


class UrnFilter(django_filters.Filter):
    field_class = UrnField


class SchoolFilter(django_filters.FilterSet):
    cohort = SchoolCohortFilter(
        label="Required. The cohort start year (e.g. 2024): schools are shown as they are in that cohort."
    )
    urn = UrnFilter(field_name="urn", label="A school's Unique Reference Number (URN), e.g. 123456.")
    updated_since = UpdatedSinceFilter(
        field_name="updated_at_in_cohort",
        label="Only schools whose data for the cohort changed at or after this date and time (RFC 3339).",
    )

    class Meta:
        model = School
        fields: list[str] = []


def requested_cohort_year(request: Request) -> int:
    """The year of `filter[cohort]`; 400 when it is missing, malformed or not a single year."""
    field = SchoolFilter.base_filters["cohort"].field
    try:
        years = field.clean(filter_params(request).get("cohort"))
    except forms.ValidationError as error:
        raise BadRequest(*error.messages) from error
    return int(years[0])
