"""Partnership filters."""

import django_filters

from api.jsonapi.filters import CohortsFilter, UpdatedSinceFilter, UuidsFilter
from partnerships.models import Partnership


class PartnershipFilter(django_filters.FilterSet):
    cohort = CohortsFilter(label="The partnerships' cohort start years, comma separated (e.g. 2021,2022).")
    updated_since = UpdatedSinceFilter()
    delivery_partner_id = UuidsFilter(
        filter_name="delivery_partner_id",
        field_name="delivery_partner_id",
        label="Delivery partner ids, comma separated.",
    )

    class Meta:
        model = Partnership
        fields: list[str] = []
