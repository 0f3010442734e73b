from typing import Any

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from ecf.models import (
    Cohort,
    Declaration,
    DeliveryPartner,
    LeadProvider,
    MentorAssignment,
    Milestone,
    Participant,
    ParticipantIdChange,
    Schedule,
    School,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
    TrainingStatusChange,
)


class RelatedChoicesMixin(BaseModelAdmin):
    """Select boxes fetch each choice's parent rows in the same query: some labels (`__str__`) read
    them, e.g. a schedule's cohort, which would otherwise cost one query per option."""

    def formfield_for_foreignkey(
        self,
        db_field: ForeignKey,
        request: HttpRequest,
        **kwargs: Any,
    ) -> ModelChoiceField | None:
        kwargs.setdefault("queryset", db_field.remote_field.model._default_manager.select_related())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HistoryAdmin(RelatedChoicesMixin, SimpleHistoryAdmin):
    """Base admin of every model: the history page lists each change with its author and time.
    Reverting from the history is off: a revert rewrites every field at once, bypassing read-only
    fields and the services that own state (it would, for one, un-revoke an API token)."""

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # simple_history saves a POSTed revert without checking the change-history permission.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Cohort)
class CohortAdmin(HistoryAdmin):
    list_display = [
        "start_year",
        "registration_start_date",
        "academic_year_start_date",
        "payments_frozen_at",
        "mentor_funding",
        "detailed_evidence_types",
        "uplift_fees_enabled",
    ]
    list_filter = ["mentor_funding", "detailed_evidence_types", "uplift_fees_enabled"]
    search_fields = ["start_year"]
    ordering = ["-start_year"]


@admin.register(LeadProvider)
class LeadProviderAdmin(HistoryAdmin):
    list_display = ["name", "vat_registered", "created_at"]
    list_filter = ["vat_registered"]
    search_fields = ["name", "=id"]
    ordering = ["name"]


@admin.register(DeliveryPartner)
class DeliveryPartnerAdmin(HistoryAdmin):
    list_display = ["name", "id", "created_at", "api_updated_at"]
    search_fields = ["name", "=id"]
    ordering = ["name"]


class SchoolCohortInline(admin.TabularInline):
    model = SchoolCohort
    extra = 0


@admin.register(School)
class SchoolAdmin(HistoryAdmin):
    list_display = [
        "name",
        "urn",
        "school_type_name",
        "school_status_name",
        "local_authority_code",
        "section_41_approved",
        "funding_eligible",
    ]
    list_filter = ["school_status_name", "school_type_name", "section_41_approved"]
    search_fields = ["name", "=urn", "=ukprn", "postcode", "primary_contact_email", "=id"]
    ordering = ["name"]
    inlines = [SchoolCohortInline]
    show_full_result_count = False

    @admin.display(boolean=True, description="Funding eligible")
    def funding_eligible(self, obj: School) -> bool:
        return obj.funding_eligible


@admin.register(SchoolCohort)
class SchoolCohortAdmin(HistoryAdmin):
    list_display = [
        "school",
        "cohort",
        "induction_programme_choice",
        "induction_tutor_name",
        "pupil_premium_uplift",
        "sparsity_uplift",
    ]
    list_select_related = ["school", "cohort"]
    list_filter = ["cohort", "induction_programme_choice", "pupil_premium_uplift", "sparsity_uplift"]
    search_fields = ["school__name", "=school__urn", "induction_tutor_name", "induction_tutor_email"]
    autocomplete_fields = ["school"]
    ordering = ["school__name", "cohort__start_year"]
    show_full_result_count = False


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(HistoryAdmin):
    list_display = ["identifier", "name", "cohort", "schedule_type"]
    list_select_related = ["cohort"]
    list_filter = ["cohort", "schedule_type"]
    search_fields = ["identifier", "name"]
    ordering = ["-cohort__start_year", "identifier"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ["schedule", "declaration_type", "name", "start_date", "milestone_date", "payment_date"]
    list_select_related = ["schedule__cohort"]
    list_filter = ["schedule__cohort", "declaration_type", "schedule__schedule_type"]
    search_fields = ["schedule__identifier", "name"]
    ordering = ["-schedule__cohort__start_year", "schedule__identifier", "start_date"]


class TrainingRecordInline(RelatedChoicesMixin, admin.TabularInline):
    model = TrainingRecord
    fields = ["participant_type", "email", "cohort", "schedule", "funding_eligibility"]
    extra = 0
    show_change_link = True


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ["full_name", "trn", "trn_validated", "id", "created_at", "api_updated_at"]
    list_filter = ["trn_validated", "training_records__participant_type", "training_records__cohort"]
    search_fields = ["full_name", "=trn", "=id", "training_records__email"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    inlines = [TrainingRecordInline]
    show_full_result_count = False


@admin.register(ParticipantIdChange)
class ParticipantIdChangeAdmin(HistoryAdmin):
    list_display = ["participant", "from_participant_id", "to_participant_id", "created_at"]
    list_select_related = ["participant"]
    search_fields = ["=from_participant_id", "=to_participant_id", "participant__full_name"]
    autocomplete_fields = ["participant"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"


class TrainingPeriodInline(admin.TabularInline):
    model = TrainingPeriod
    extra = 0
    autocomplete_fields = ["school"]
    raw_id_fields = ["partnership"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(HistoryAdmin):
    list_display = [
        "participant",
        "participant_type",
        "email",
        "cohort",
        "schedule",
        "funding_eligibility",
        "created_at",
    ]
    list_select_related = ["participant", "cohort", "schedule__cohort"]
    list_filter = [
        "participant_type",
        "cohort",
        "funding_eligibility",
        "schedule__schedule_type",
        "pupil_premium_uplift",
        "sparsity_uplift",
    ]
    search_fields = ["participant__full_name", "=participant__trn", "email", "=id", "=participant__id"]
    autocomplete_fields = ["participant"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    inlines = [TrainingPeriodInline]
    show_full_result_count = False


@admin.register(TrainingPeriod)
class TrainingPeriodAdmin(HistoryAdmin):
    list_display = [
        "training_record",
        "school",
        "lead_provider",
        "start_date",
        "end_date",
        "induction_status",
        "training_status",
        "school_transfer",
    ]
    list_select_related = ["training_record__participant", "school", "lead_provider"]
    list_filter = [
        "induction_status",
        "training_status",
        "school_transfer",
        "lead_provider",
        "training_record__cohort",
    ]
    search_fields = [
        "training_record__participant__full_name",
        "=training_record__participant__trn",
        "training_record__email",
        "school__name",
        "=school__urn",
    ]
    raw_id_fields = ["training_record", "partnership"]
    autocomplete_fields = ["school"]
    ordering = ["-start_date"]
    date_hierarchy = "start_date"
    show_full_result_count = False


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(HistoryAdmin):
    list_display = ["ect", "mentor", "start_date", "end_date"]
    list_select_related = ["ect__participant", "mentor__participant"]
    list_filter = ["ect__cohort"]
    search_fields = [
        "ect__participant__full_name",
        "=ect__participant__trn",
        "mentor__participant__full_name",
        "=mentor__participant__trn",
    ]
    raw_id_fields = ["ect", "mentor"]
    ordering = ["-start_date"]
    date_hierarchy = "start_date"
    show_full_result_count = False


@admin.register(TrainingStatusChange)
class TrainingStatusChangeAdmin(HistoryAdmin):
    list_display = ["training_record", "lead_provider", "training_status", "reason", "changed_at"]
    list_select_related = ["training_record__participant", "lead_provider"]
    list_filter = ["training_status", "reason", "lead_provider"]
    search_fields = ["training_record__participant__full_name", "=training_record__participant__trn"]
    raw_id_fields = ["training_record"]
    ordering = ["-changed_at"]
    date_hierarchy = "changed_at"
    show_full_result_count = False


@admin.register(Declaration)
class DeclarationAdmin(HistoryAdmin):
    list_display = [
        "id",
        "participant",
        "declaration_type",
        "course_identifier",
        "lead_provider",
        "cohort",
        "state",
        "declaration_date",
    ]
    list_select_related = ["participant", "lead_provider", "cohort"]
    list_filter = [
        "state",
        "declaration_type",
        "course_identifier",
        "lead_provider",
        "cohort",
        "evidence_held",
        "pupil_premium_uplift",
        "sparsity_uplift",
    ]
    search_fields = ["=id", "participant__full_name", "=participant__trn", "=participant__id"]
    raw_id_fields = [
        "participant",
        "training_record",
        "mentor",
        "superseded_by",
        "payment_statement",
        "clawback_statement",
    ]
    # The state machine and statement allocation belong to services; the admin only shows them.
    readonly_fields = [
        "state",
        "ineligible_reason",
        "superseded_by",
        "payment_statement",
        "clawback_statement",
        "voided_at",
        "voided_by",
    ]
    ordering = ["-created_at"]
    date_hierarchy = "declaration_date"
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj: Declaration | None = None) -> bool:
        return False
