from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import BaseModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from ecf.choices import SCHEDULE_IDENTIFIERS, DeferReason, WithdrawReason
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
from ecf.selectors.support import participant_support_summary, training_records_with_current_period
from ecf.services.merges import participant_merge
from ecf.services.participants import (
    participant_change_schedule,
    participant_defer,
    participant_resume,
    participant_withdraw,
)

RULE_FIELDS_REFUSED = (
    "Nothing was saved: {fields} cannot be changed on this form. They carry a rule or money and change only "
    "through the actions of the list page, which ask for a reason and keep it in the history."
)


def _posted_rule_fields(model_admin: "HistoryAdmin", request: HttpRequest) -> list[str]:
    """The rule fields a change form was posted with, in the model's order."""
    posted = set(model_admin.rule_fields) & request.POST.keys()
    return [field.name for field in model_admin.model._meta.fields if field.name in posted]


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
    fields and the services that own state (it would, for one, un-revoke an API token).

    `rule_fields` are the fields that carry a rule or money (decision D26): read-only on the form, changed
    only by actions that call services. A form posted with one of them (a stale page, a crafted request) is
    refused as a whole, with a message, rather than saved without it. tests/test_admin_rule_fields.py holds
    every form of the registry to the list of such fields."""

    rule_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [name for name in self.rule_fields if name not in readonly]

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST" and object_id is not None:
            posted = _posted_rule_fields(self, request)
            if posted:
                labels = ", ".join(str(self.model._meta.get_field(name).verbose_name) for name in posted)
                self.message_user(request, RULE_FIELDS_REFUSED.format(fields=labels), messages.ERROR)
                return redirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # simple_history saves a POSTed revert without checking the change-history permission.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def act_on_each(self, request: HttpRequest, rows: list[Any], act: Callable[[Any], str]) -> None:
        """Run an action's service on each chosen row: `act` returns what was done (a success message) or raises
        the service's refusal, shown as an error naming the row; one row's refusal does not stop the others."""
        for row in rows:
            try:
                done = act(row)
            except ValidationError as error:
                self.message_user(request, f"{row}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, done, messages.SUCCESS)

    def action_page(
        self,
        request: HttpRequest,
        *,
        action: str,
        title: str,
        template: str,
        form: forms.Form,
        chosen: list[Any],
        **context: Any,
    ) -> TemplateResponse:
        """The intermediate page of an action (`template` extends admin/action_confirmation.html): the rows chosen
        (their primary keys in `chosen`) and a form (confirmation, reason); posting the form back runs `action`
        again on the same rows, with `confirm`."""
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "form": form,
                "action": action,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "chosen": chosen,
                **context,
            },
        )


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


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Participant) -> str:
        return f"{obj.full_name} (TRN {obj.trn or 'none'}, id {obj.pk})"


class MergeParticipantsForm(forms.Form):
    keep = ParticipantChoiceField(
        Participant.objects.none(), widget=forms.RadioSelect, empty_label=None, help_text="The other one is deleted."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept in the history.")

    def __init__(self, pair: list[Participant], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        assert isinstance(keep, forms.ModelChoiceField)
        keep.queryset = Participant.objects.filter(pk__in=[participant.pk for participant in pair])


# What decides who is paid for a training record, and how much (D26): eligibility and uplifts, the cohort and
# schedule its declarations are judged by, the role, and the mentor's funding end.
TRAINING_RECORD_RULE_FIELDS = (
    "participant",
    "participant_type",
    "cohort",
    "schedule",
    "funding_eligibility",
    "pupil_premium_uplift",
    "sparsity_uplift",
    "induction_end_date",
    "mentor_funding_end_date",
    "mentor_ineligible_reason",
    "cohort_changed_after_payments_frozen",
)
# A training period says which provider may act and declare for the participant, through which partnership.
TRAINING_PERIOD_RULE_FIELDS = tuple(
    field.name for field in TrainingPeriod._meta.fields if field.name not in ("id", "created_at", "updated_at")
)


class TrainingRecordInline(RelatedChoicesMixin, admin.TabularInline):
    """Shown only: training records are registered (`import_participants`) and changed through actions."""

    model = TrainingRecord
    fields = ["participant_type", "email", "cohort", "schedule", "funding_eligibility"]
    readonly_fields = ["participant_type", "cohort", "schedule", "funding_eligibility"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Participant | None = None) -> bool:
        return False


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ["full_name", "trn", "trn_validated", "id", "created_at", "api_updated_at"]
    list_filter = ["trn_validated", "training_records__participant_type", "training_records__cohort"]
    # Exact matches on the TRN and ids (indexed); names and emails by part.
    search_fields = ["full_name", "=trn", "=id", "=training_records__id", "training_records__email"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    inlines = [TrainingRecordInline]
    show_full_result_count = False
    actions = ["merge_duplicates"]
    change_form_template = "admin/ecf/participant/change_form.html"

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Participant | None = None,
    ) -> HttpResponse:
        """The change page answers support questions at a glance: the participant's training, read only."""
        if obj is not None:
            context["support_summary"] = participant_support_summary(participant=obj)
            context["can_view_statements"] = request.user.has_perm("finance.view_statement")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ecf.merge_participant")

    @admin.action(description="Merge two duplicate participants", permissions=["merge"])
    def merge_duplicates(self, request: HttpRequest, queryset: QuerySet[Participant]) -> HttpResponse | None:
        """Intermediate page: choose the participant to keep and give a reason, then merge (ecf.services.merges)."""
        pair = list(queryset.order_by("created_at", "pk")[:3])
        if len(pair) != 2:
            self.message_user(request, "Choose exactly two participants to merge.", messages.ERROR)
            return None
        form = MergeParticipantsForm(pair, request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            keep = form.cleaned_data["keep"]
            duplicate = pair[1] if keep == pair[0] else pair[0]
            try:
                participant_merge(
                    keep=keep,
                    duplicate=duplicate,
                    reason=form.cleaned_data["reason"],
                    merged_by=request.user.get_username(),
                )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
                return None
            self.message_user(request, f"{duplicate.pk} merged into {keep} ({keep.pk}).", messages.SUCCESS)
            return None
        return self.action_page(
            request,
            action="merge_duplicates",
            title="Merge duplicate participants",
            template="admin/ecf/participant_merge.html",
            form=form,
            chosen=[participant.pk for participant in pair],
            confirm_label="Merge",
            participants=pair,
        )


@admin.register(ParticipantIdChange)
class ParticipantIdChangeAdmin(HistoryAdmin):
    list_display = ["participant", "from_participant_id", "to_participant_id", "created_at"]
    list_select_related = ["participant"]
    search_fields = ["=from_participant_id", "=to_participant_id", "participant__full_name"]
    autocomplete_fields = ["participant"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"


class ProviderActionForm(forms.Form):
    """What staff give when they take a lead provider's action for it. The other fields are named after the
    service's parameters, which they are passed to."""

    field_order = ["reason", "schedule_identifier", "cohort", "note"]
    note = forms.CharField(
        label="Why you act for the provider",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the history with your username.",
    )


class WithdrawForm(ProviderActionForm):
    reason = forms.ChoiceField(label="Withdrawal reason", choices=WithdrawReason.choices, widget=forms.RadioSelect)


class DeferForm(ProviderActionForm):
    reason = forms.ChoiceField(label="Deferral reason", choices=DeferReason.choices, widget=forms.RadioSelect)


class ChangeScheduleForm(ProviderActionForm):
    schedule_identifier = forms.ChoiceField(label="New schedule", choices=[(i, i) for i in SCHEDULE_IDENTIFIERS])
    cohort = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, help_text="Choose one only to move them to another cohort."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.TypedChoiceField)
        cohort.choices = [
            ("", "The record's cohort"),
            *((year, year) for year in Cohort.objects.order_by("start_year").values_list("start_year", flat=True)),
        ]


@dataclass(frozen=True)
class ProviderAction:
    """A lead provider's API action on a training record, taken for the provider from the training record list."""

    title: str
    explanation: str
    form: type[ProviderActionForm]
    service: Callable[..., TrainingRecord]
    done: str


PROVIDER_ACTIONS = {
    "withdraw_for_provider": ProviderAction(
        title="Withdraw for the lead provider",
        explanation="Each participant is withdrawn from the course with the lead provider of their current training "
        "period, as if the provider had done it through the API, under the same rules. Declarations dated after the "
        "withdrawal are refused; resuming undoes it.",
        form=WithdrawForm,
        service=participant_withdraw,
        done="withdrawn",
    ),
    "defer_for_provider": ProviderAction(
        title="Defer for the lead provider",
        explanation="Each participant's training is paused with the lead provider of their current training period, "
        "as if the provider had done it through the API, under the same rules (only an active participant can be "
        "deferred). Declarations dated after the deferral are refused; resuming undoes it.",
        form=DeferForm,
        service=participant_defer,
        done="deferred",
    ),
    "resume_for_provider": ProviderAction(
        title="Resume for the lead provider",
        explanation="Each deferred or withdrawn participant trains again with the lead provider of their current "
        "training period, as if the provider had done it through the API.",
        form=ProviderActionForm,
        service=participant_resume,
        done="resumed",
    ),
    "change_schedule_for_provider": ProviderAction(
        title="Change schedule for the lead provider",
        explanation="Each participant moves to the schedule (and, if chosen, the cohort) as if the lead provider of "
        "their current training period had done it through the API, under the same rules: existing declarations "
        "must fit the new schedule, a withdrawn participant must be resumed first, and a cohort change needs the "
        "provider's partnership with the school in that cohort and no declarations.",
        form=ChangeScheduleForm,
        service=participant_change_schedule,
        done="schedule changed",
    ),
}
NO_PROVIDER = "no lead provider trains them now (no training period, or school-led): there is nobody to act for."
PARTNERSHIP_CHALLENGED = "the school challenged {provider}'s partnership, so the provider cannot act for them."


class TrainingPeriodInline(admin.TabularInline):
    """Shown only: periods change through the provider actions and transfers, never by hand."""

    model = TrainingPeriod
    extra = 0
    readonly_fields = TRAINING_PERIOD_RULE_FIELDS
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: TrainingRecord | None = None) -> bool:
        return False


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
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    inlines = [TrainingPeriodInline]
    show_full_result_count = False
    rule_fields = TRAINING_RECORD_RULE_FIELDS
    actions = [
        "withdraw_for_provider",
        "defer_for_provider",
        "resume_for_provider",
        "change_schedule_for_provider",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # participants are registered through their service (`import_participants`)

    @admin.action(description=PROVIDER_ACTIONS["withdraw_for_provider"].title, permissions=["change"])
    def withdraw_for_provider(self, request: HttpRequest, queryset: QuerySet[TrainingRecord]) -> HttpResponse | None:
        return self._act_for_provider(request, queryset, "withdraw_for_provider")

    @admin.action(description=PROVIDER_ACTIONS["defer_for_provider"].title, permissions=["change"])
    def defer_for_provider(self, request: HttpRequest, queryset: QuerySet[TrainingRecord]) -> HttpResponse | None:
        return self._act_for_provider(request, queryset, "defer_for_provider")

    @admin.action(description=PROVIDER_ACTIONS["resume_for_provider"].title, permissions=["change"])
    def resume_for_provider(self, request: HttpRequest, queryset: QuerySet[TrainingRecord]) -> HttpResponse | None:
        return self._act_for_provider(request, queryset, "resume_for_provider")

    @admin.action(description=PROVIDER_ACTIONS["change_schedule_for_provider"].title, permissions=["change"])
    def change_schedule_for_provider(
        self, request: HttpRequest, queryset: QuerySet[TrainingRecord]
    ) -> HttpResponse | None:
        return self._act_for_provider(request, queryset, "change_schedule_for_provider")

    def _act_for_provider(
        self, request: HttpRequest, queryset: QuerySet[TrainingRecord], name: str
    ) -> HttpResponse | None:
        """Intermediate page: the action's fields and why; then, for each record, the API's own service runs for
        the lead provider of the record's current training period, and each refusal is shown as the service
        words it (nothing is changed for that record)."""
        action = PROVIDER_ACTIONS[name]
        records = queryset.select_related("participant", "cohort", "schedule__cohort")
        rows = training_records_with_current_period(records)
        form = action.form(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            fields = {key: value for key, value in form.cleaned_data.items() if key != "note"}
            for record, period in rows:
                provider = period.lead_provider if period is not None else None
                if provider is None:
                    self.message_user(request, f"{record}: {NO_PROVIDER}", messages.ERROR)
                    continue
                try:
                    action.service(
                        lead_provider=provider,
                        participant_id=record.participant_id,
                        course_identifier=record.course_identifier,
                        acted_by=request.user.get_username(),
                        note=form.cleaned_data["note"],
                        **fields,
                    )
                except ValidationError as error:
                    for message in error.messages:
                        self.message_user(request, f"{record}: {message}", messages.ERROR)
                except Participant.DoesNotExist:
                    refusal = PARTNERSHIP_CHALLENGED.format(provider=provider)
                    self.message_user(request, f"{record}: {refusal}", messages.ERROR)
                else:
                    self.message_user(request, f"{record}: {action.done} for {provider}.", messages.SUCCESS)
            return None
        return self.action_page(
            request,
            action=name,
            title=action.title,
            template="admin/ecf/training_record_provider_action.html",
            form=form,
            chosen=[record.pk for record, _ in rows],
            explanation=action.explanation,
            rows=rows,
        )


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
    ordering = ["-start_date"]
    date_hierarchy = "start_date"
    show_full_result_count = False
    rule_fields = TRAINING_PERIOD_RULE_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registration and the provider's actions make periods


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
    ordering = ["-changed_at"]
    date_hierarchy = "changed_at"
    show_full_result_count = False
    # The provider's withdrawals, deferrals and resumptions, written by their services: a record, not a form.
    rule_fields = ("training_record", "lead_provider", "training_status", "reason", "changed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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
    # A declaration is the provider's claim, priced on statements: every field is shown only. The state machine
    # and statement allocation belong to services (void, move to another statement, record eligibility).
    rule_fields = tuple(field.name for field in Declaration._meta.fields)
    ordering = ["-created_at"]
    date_hierarchy = "declaration_date"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # lead providers declare through the API

    def has_delete_permission(self, request: HttpRequest, obj: Declaration | None = None) -> bool:
        return False
