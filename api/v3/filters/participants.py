"""Participant, participant transfer and unfunded mentor filters."""

import re
import uuid
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from api.jsonapi.filters import ChoiceFilter, CohortsFilter, UpdatedSinceFilter, bad_filter
from ecf.choices import TrainingStatus
from ecf.models import LeadProvider, Participant
from ecf.selectors.participants import (
    participant_list_filter_cohorts,
    participant_list_filter_from_participant_id,
    participant_list_filter_training_status,
)

UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")


class ParticipantIdField(forms.CharField):
    def __init__(self, *, filter_name: str, **kwargs: Any) -> None:
        self.filter_name = filter_name
        super().__init__(**kwargs)

    def clean(self, value: Any) -> uuid.UUID | None:
        value = super().clean(value)
        if not value:
            return None
        if not UUID.match(value.strip()):
            raise bad_filter(self.filter_name, "a participant id (a UUID)")
        return uuid.UUID(value.strip())


class ParticipantIdFilter(django_filters.Filter):
    """`filter[from_participant_id]=<uuid>`: one participant id."""

    def __init__(self, *, filter_name: str, **kwargs: Any) -> None:
        self.filter_name = filter_name
        super().__init__(**kwargs)

    @property
    def field(self) -> forms.Field:
        return ParticipantIdField(filter_name=self.filter_name, required=False)


class ProviderFilterSet(django_filters.FilterSet):
    @property
    def lead_provider(self) -> LeadProvider:
        return self.request.user.lead_provider


class ParticipantFilter(ProviderFilterSet):
    cohort = CohortsFilter(
        method="filter_cohort",
        label="Only participants with an enrolment in one of these cohorts, comma separated (e.g. 2021,2022).",
    )
    updated_since = UpdatedSinceFilter()
    training_status = ChoiceFilter(
        filter_name="training_status",
        choices=TrainingStatus.values,
        method="filter_training_status",
        label="Only participants with an enrolment of this training status: active, deferred or withdrawn.",
    )
    from_participant_id = ParticipantIdFilter(
        filter_name="from_participant_id",
        method="filter_from_participant_id",
        label="Only the participant a retired participant id (see participant_id_changes) was changed into.",
    )

    class Meta:
        model = Participant
        fields: list[str] = []

    def filter_cohort(self, queryset: QuerySet[Participant], name: str, value: list[str]) -> QuerySet[Participant]:
        years = [int(year) for year in value]
        return participant_list_filter_cohorts(queryset, lead_provider=self.lead_provider, years=years)

    def filter_training_status(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        return participant_list_filter_training_status(
            queryset, lead_provider=self.lead_provider, training_status=TrainingStatus(value)
        )

    def filter_from_participant_id(
        self, queryset: QuerySet[Participant], name: str, value: uuid.UUID
    ) -> QuerySet[Participant]:
        return participant_list_filter_from_participant_id(queryset, from_participant_id=value)


class ParticipantTransferFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Participant
        fields: list[str] = []


class UnfundedMentorFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Participant
        fields: list[str] = []
