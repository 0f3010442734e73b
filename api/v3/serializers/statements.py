from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.jsonapi.fields import CohortField, ConstantField, MoneyField, UtcDateTimeField
from api.jsonapi.serializers import ResourceSerializer, RowSerializer
from finance.choices import StatementStatus
from finance.models import Statement


class StatementAttributesSerializer(RowSerializer):
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


class BreakdownLineSerializer(RowSerializer):
    declaration_type = serializers.CharField(help_text="The milestone, e.g. started or retained-1.")
    band = serializers.CharField(help_text="The band (A to D), or flat for 2025 mentors.")
    count = serializers.IntegerField(help_text="How many declarations.")
    fee = MoneyField(help_text="What one declaration pays.")
    subtotal = MoneyField(help_text="count times fee.")


class UnpaidDeclarationsSerializer(RowSerializer):
    declaration_type = serializers.CharField()
    count = serializers.IntegerField(help_text="Declarations beyond the last band of the contract: paid nothing.")


class BreakdownSectionSerializer(RowSerializer):
    output_lines = BreakdownLineSerializer(many=True, help_text="Output payments per declaration type and band.")
    clawback_lines = BreakdownLineSerializer(many=True, help_text="Clawbacks per declaration type and band.")
    unpaid_beyond_bands = serializers.SerializerMethodField()
    output_fee = MoneyField()
    service_fee = MoneyField(help_text="The monthly service fee (ECTs only).")
    uplift_fee = MoneyField(help_text="Pupil premium and sparsity uplifts (cohorts up to 2024).")
    clawbacks = MoneyField(help_text="Everything clawed back, uplifts included.")
    adjustments = MoneyField(help_text="The department's adjustments to this statement.")
    total_ex_vat = MoneyField()
    vat = MoneyField()
    total = MoneyField()

    @extend_schema_field(UnpaidDeclarationsSerializer(many=True))
    def get_unpaid_beyond_bands(self, section: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"declaration_type": t, "count": n} for t, n in section["unpaid_beyond_bands"].items()]


class StatementBreakdownAttributesSerializer(RowSerializer):
    ects = BreakdownSectionSerializer(help_text="ECTs (before 2025: ECTs and mentors together, banded).")
    mentors = BreakdownSectionSerializer(allow_null=True, help_text="From 2025: mentors, paid a flat rate.")
    total = MoneyField(help_text="What the statement pays, VAT included.")
    declaration_counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Declarations on this statement by state."
    )
    paid = serializers.BooleanField(help_text="Whether the statement has been paid.")
    figures_as_paid = serializers.BooleanField(
        help_text="True when these are the figures kept when the statement was paid, rather than a calculation."
    )


class StatementBreakdownSerializer(ResourceSerializer):
    """What a statement pays, line by line: the figures the department's finance team sees."""

    resource_type = "statement-breakdown"
    attributes_serializer = StatementBreakdownAttributesSerializer
