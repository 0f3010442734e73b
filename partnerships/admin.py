from django.contrib import admin

from ecf.admin import HistoryAdmin
from partnerships.models import Partnership, ProviderRelationship


@admin.register(ProviderRelationship)
class ProviderRelationshipAdmin(HistoryAdmin):
    list_display = ["lead_provider", "delivery_partner", "cohort", "created_at"]
    list_select_related = ["lead_provider", "delivery_partner", "cohort"]
    list_filter = ["lead_provider", "cohort"]
    search_fields = ["lead_provider__name", "delivery_partner__name"]
    ordering = ["lead_provider__name", "-cohort__start_year", "delivery_partner__name"]


@admin.register(Partnership)
class PartnershipAdmin(HistoryAdmin):
    list_display = [
        "school",
        "lead_provider",
        "delivery_partner",
        "cohort",
        "status",
        "challenge_reason",
        "challenged_at",
        "created_at",
    ]
    list_select_related = ["school", "lead_provider", "delivery_partner", "cohort"]
    list_filter = ["status", "challenge_reason", "cohort", "lead_provider"]
    search_fields = ["=id", "school__name", "=school__urn", "lead_provider__name", "delivery_partner__name"]
    autocomplete_fields = ["school"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False
