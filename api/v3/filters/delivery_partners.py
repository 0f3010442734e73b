"""Delivery partner filters."""

import django_filters

from api.jsonapi.filters import CohortsFilter
from ecf.models import DeliveryPartner


class DeliveryPartnerFilter(django_filters.FilterSet):
    # The selector's filtered relation holds only the calling provider's relationships.
    cohort = CohortsFilter(
        field_name="lead_provider_relationship__cohort__start_year",
        distinct=True,
        label="Cohort start years, comma separated (e.g. 2021,2022): the delivery partners you may work with "
        "in any of those cohorts.",
    )

    class Meta:
        model = DeliveryPartner
        fields: list[str] = []
