from rest_framework import serializers

from api.jsonapi.fields import CohortField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer
from ecf.choices import InductionProgrammeChoice


class SchoolAttributesSerializer(RowSerializer):
    name = serializers.CharField(help_text="The name of the school.")
    urn = serializers.CharField(help_text="The Unique Reference Number (URN) of the school.")
    cohort = CohortField(source="cohort_year", help_text="The cohort requested in filter[cohort], e.g. 2024.")
    in_partnership = serializers.BooleanField(
        help_text="Whether the school has a partnership (not challenged) with any lead provider in the cohort."
    )
    induction_programme_choice = serializers.ChoiceField(
        choices=InductionProgrammeChoice.choices,
        help_text="The induction programme the school chose for the cohort; not_yet_known until it chooses.",
    )
    expression_of_interest = serializers.BooleanField(
        help_text="Whether the school has chosen you for the cohort: you have a partnership with it in the "
        "cohort, or it has registered a participant of the cohort for training with you."
    )
    induction_tutor_name = serializers.CharField(
        allow_null=True,
        help_text="The school's induction tutor for the cohort; shown only when expression_of_interest is "
        "true (null otherwise, or when the school has not named one).",
    )
    induction_tutor_email = serializers.CharField(
        allow_null=True,
        help_text="The induction tutor's email address; shown only when expression_of_interest is true.",
    )
    created_at = UtcDateTimeField(help_text="When the school was added to the service.")
    updated_at = UtcDateTimeField(
        source="updated_at_in_cohort",
        help_text="When data shown for the school in this cohort last changed (the school's details or its "
        "arrangements for the cohort).",
    )


class SchoolSerializer(ResourceSerializer):
    resource_type = "school"
    attributes_serializer = SchoolAttributesSerializer
