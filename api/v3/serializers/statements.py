from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.jsonapi.fields import CohortField, ConstantField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer
from finance.choices import StatementStatus
from finance.models import Statement


class StatementAttributesSerializer(serializers.Serializer):
    month = serializers.CharField(source="month_name", help_text="The statement's month, e.g. May.")
    year = serializers.CharField(help_text="The statement's calendar year, e.g. 2022.")
    type = ConstantField("ecf", help_text="Type of statement.")
    cohort = CohortField(help_text="The cohort the statement funds, e.g. 2021.")
    cut_off_date = serializers.DateField(source="deadline_date", help_text="The milestone cut-off date.")
    payment_date = serializers.DateField(help_text="When the department expects to pay this statement.")
    paid = serializers.SerializerMethodField(help_text="Whether the department has paid this statement.")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField(source="api_updated_at")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_paid(self, statement: Statement) -> bool:
        return statement.status == StatementStatus.PAID


class StatementSerializer(ResourceSerializer):
    resource_type = "statement"
    attributes_serializer = StatementAttributesSerializer
