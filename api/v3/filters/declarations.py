"""Participant declaration filters."""

import django_filters

from api.jsonapi.filters import CohortsFilter, UpdatedSinceFilter, UuidsFilter
from ecf.models import Declaration


class DeclarationFilter(django_filters.FilterSet):
    cohort = CohortsFilter(label="The declarations' cohort start years, comma separated (e.g. 2021,2022).")
    participant_id = UuidsFilter(
        filter_name="participant_id",
        field_name="participant_id",
        label="Participant ids, comma separated.",
    )
    delivery_partner_id = UuidsFilter(
        filter_name="delivery_partner_id",
        field_name="delivery_partner_id",
        label="Delivery partner ids (the participant's delivery partner at the declaration date), comma separated.",
    )
    updated_since = UpdatedSinceFilter()
    statement_id = UuidsFilter(
        filter_name="statement_id",
        field_name="payment_statement_id",
        label="Ids of the statements paying the declarations, comma separated: reconcile a statement line by "
        "line. Beyond the public contract.",
    )
    clawback_statement_id = UuidsFilter(
        filter_name="clawback_statement_id",
        field_name="clawback_statement_id",
        label="Ids of the statements clawing the declarations back, comma separated. Beyond the public contract.",
    )

    class Meta:
        model = Declaration
        fields: list[str] = []
