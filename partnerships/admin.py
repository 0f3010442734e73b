from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from ecf.admin import HistoryAdmin
from partnerships.choices import ChallengeReason
from partnerships.models import Partnership, ProviderRelationship
from partnerships.services import partnership_challenge


@admin.register(ProviderRelationship)
class ProviderRelationshipAdmin(HistoryAdmin):
    list_display = ["lead_provider", "delivery_partner", "cohort", "created_at"]
    list_select_related = ["lead_provider", "delivery_partner", "cohort"]
    list_filter = ["lead_provider", "cohort"]
    search_fields = ["lead_provider__name", "delivery_partner__name"]
    ordering = ["lead_provider__name", "-cohort__start_year", "delivery_partner__name"]


class ChallengeForm(forms.Form):
    reason = forms.ChoiceField(
        choices=ChallengeReason.choices, widget=forms.RadioSelect, help_text="Why the school challenged it."
    )


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
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["record_challenge"]
    # A partnership decides which provider trains a school's participants (and is paid for them): lead providers
    # make and change it through the API, staff record a school's challenge with the action.
    rule_fields = tuple(field.name for field in Partnership._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Record the school's challenge", permissions=["change"])
    def record_challenge(self, request: HttpRequest, queryset: QuerySet[Partnership]) -> HttpResponse | None:
        """Intermediate page: the school's reason; each selected partnership is challenged with it."""
        partnerships = list(queryset.select_related("school", "lead_provider", "cohort"))
        form = ChallengeForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():

            def challenge(partnership: Partnership) -> str:
                partnership_challenge(
                    partnership=partnership,
                    reason=form.cleaned_data["reason"],
                    recorded_by=request.user.get_username(),
                )
                return f"{partnership}: challenged."

            self.act_on_each(request, partnerships, challenge)
            return None
        return self.action_page(
            request,
            action="record_challenge",
            title="Record the school's challenge",
            template="admin/partnerships/partnership_challenge.html",
            form=form,
            chosen=[partnership.pk for partnership in partnerships],
            confirm_label="Record the challenge",
            partnerships=partnerships,
        )
