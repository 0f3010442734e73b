import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import slugify

from ecf import clock
from ecf.admin import DeclarationAdmin, HistoryAdmin, TrainingRecordAdmin
from ecf.choices import FundingEligibility
from ecf.models import Declaration, TrainingRecord
from ecf.money import format_money
from finance.admin_repairs import (
    AttachToProviderForm,
    AuthoriseForm,
    MoveForm,
    RepriceForm,
    move_from_form,
    move_page,
)
from finance.choices import StatementStatus
from finance.models import Adjustment, Band, Contract, JobRun, Statement
from finance.selectors import declaration_search, declarations_to_attach
from finance.services.attachments import (
    move_target_statements,
    statement_attach_to_provider,
)
from finance.services.contracts import contract_copy_as_new_version, statements_repoint
from finance.services.declarations import declaration_void
from finance.services.eligibility import submitted_declarations, training_record_record_eligibility
from finance.services.exports import assurance_report_csv, statement_breakdown_csv, statement_declarations_csv
from finance.services.statements import (
    statement_authorisation_blocker,
    statement_authorise_payment,
    statement_breakdown,
    statement_lines_to_authorise,
    statement_totals,
)


def _breakdown_html(statement: Statement) -> str:
    """What `statement` pays, line by line: the figures it was paid with once paid, the calculators' otherwise."""
    figures = statement.paid_breakdown or statement_breakdown(statement=statement).as_json()
    # Amounts are decimal strings; the template's `money` filter rounds them to the penny.
    sections = [("ECTs" if figures["mentors"] else "ECTs and mentors", figures["ects"])]
    if figures["mentors"]:
        sections.append(("Mentors (flat rate)", figures["mentors"]))
    return render_to_string(
        "admin/finance/statement_breakdown.html",
        {
            "sections": sections,
            "total": figures["total"],
            "declaration_counts": figures["declaration_counts"],
            "figures_as_paid": statement.paid_breakdown is not None,
        },
    )


def _authorisation_review(statement: Statement) -> dict[str, Any]:
    """What the authorisation page shows of one statement: why it cannot be authorised (if so), its breakdown,
    and the declarations it pays and claws back."""
    blocker = statement_authorisation_blocker(statement=statement)
    payments, clawbacks = statement_lines_to_authorise(statement=statement)
    return {
        "statement": statement,
        "blockers": blocker.messages if blocker is not None else [],
        "breakdown": _breakdown_html(statement),
        "payments": payments,
        "clawbacks": clawbacks,
    }


def _csv_response(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.csv"'
    return response


# A statement's CSV exports: the kind (in the URL and the file name) -> what writes it.
STATEMENT_EXPORTS: dict[str, Callable[..., str]] = {
    "declarations": statement_declarations_csv,
    "breakdown": statement_breakdown_csv,
}


def _statement_csv(statement: Statement, kind: str) -> HttpResponse:
    """One statement's export, named by provider, cohort, month and kind: no two statements share a file name
    (a provider has one statement per cohort and month)."""
    name = f"{statement.lead_provider.name}-{statement.cohort}-cohort-{statement.name}-{kind}"
    return _csv_response(STATEMENT_EXPORTS[kind](statement=statement), name)


def _one_csv(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Statement], kind: str
) -> HttpResponse | None:
    statements = list(queryset.select_related("lead_provider", "cohort")[:2])
    if len(statements) != 1:
        model_admin.message_user(request, "Choose one statement to export.", messages.ERROR)
        return None
    return _statement_csv(statements[0], kind)


def _money_shown(model: Any, field_name: str) -> Callable[[Any, Any], str]:
    """An admin display of a money field as it reads on screen (ecf.money), under the field's label: used where
    the amount is read, not edited (lists and read-only pages)."""
    label = str(model._meta.get_field(field_name).verbose_name).capitalize()

    @admin.display(description=label, ordering=field_name)
    def shown(model_admin: Any, obj: Any) -> str:
        return format_money(getattr(obj, field_name))

    return shown


def _as_money(names: list[str], money_fields: tuple[str, ...]) -> list[str]:
    """`names` with each money field replaced by its display (`<name>_shown`, made by `_money_shown`)."""
    return [f"{name}_shown" if name in money_fields else name for name in names]


BAND_MONEY = ("per_participant",)
CONTRACT_MONEY = ("set_up_fee", "monthly_service_fee", "uplift_amount", "mentor_payment_per_participant")


class BandInline(admin.TabularInline):
    model = Band
    extra = 0
    per_participant_shown = _money_shown(Band, "per_participant")

    def get_fields(self, request: HttpRequest, obj: Contract | None = None) -> Any:
        fields = [field.name for field in Band._meta.fields if field.editable and field.name not in {"id", "contract"}]
        # Bands of a contract that prices statements are only shown: their prices read as money.
        return fields if self.has_change_permission(request, obj) else _as_money(fields, BAND_MONEY)

    def get_readonly_fields(self, request: HttpRequest, obj: Contract | None = None) -> Any:
        return () if self.has_change_permission(request, obj) else _as_money(list(BAND_MONEY), BAND_MONEY)

    def has_change_permission(self, request: HttpRequest, obj: Contract | None = None) -> bool:
        return obj is None or not obj.statements.exists()

    def has_add_permission(self, request: HttpRequest, obj: Contract | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Contract | None = None) -> bool:
        return self.has_change_permission(request, obj)


@admin.register(Contract)
class ContractAdmin(HistoryAdmin):
    list_display = [
        "lead_provider",
        "cohort",
        "version",
        "contract_type",
        "recruitment_target",
        "mentor_recruitment_target",
        "vat_rate",
    ]
    list_select_related = ["lead_provider", "cohort"]
    list_filter = ["lead_provider", "cohort", "contract_type"]
    search_fields = ["lead_provider__name", "version"]
    ordering = ["lead_provider__name", "-cohort__start_year", "version"]
    inlines = [BandInline]
    actions = ["export_assurance_report", "copy_as_new_version"]

    set_up_fee_shown = _money_shown(Contract, "set_up_fee")
    monthly_service_fee_shown = _money_shown(Contract, "monthly_service_fee")
    uplift_amount_shown = _money_shown(Contract, "uplift_amount")
    mentor_payment_per_participant_shown = _money_shown(Contract, "mentor_payment_per_participant")

    def get_readonly_fields(self, request: HttpRequest, obj: Contract | None = None) -> list[str]:
        # A contract that prices statements is never edited: copy it as a new version instead.
        if obj is not None and obj.statements.exists():
            return _as_money([field.name for field in Contract._meta.fields], CONTRACT_MONEY)
        return []

    def get_fields(self, request: HttpRequest, obj: Contract | None = None) -> Any:
        return self.get_readonly_fields(request, obj) or super().get_fields(request, obj)

    @admin.action(description="Copy as a new version (to change prices)", permissions=["add"])
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[Contract]) -> None:
        for contract in queryset:
            copy = contract_copy_as_new_version(contract=contract)
            self.message_user(
                request, f"{copy} created: edit it, then price statements with it from the statement list.", "success"
            )

    @admin.action(description="Assurance report: the provider's declarations in the cohort (CSV)")
    def export_assurance_report(self, request: HttpRequest, queryset: QuerySet[Contract]) -> HttpResponse | None:
        contracts = list(queryset.select_related("lead_provider", "cohort")[:2])
        if len(contracts) != 1:
            self.message_user(
                request, "Choose one contract: the report covers its provider and cohort.", messages.ERROR
            )
            return None
        contract = contracts[0]
        body = assurance_report_csv(lead_provider=contract.lead_provider, cohort=contract.cohort)
        return _csv_response(body, f"assurance-{contract.lead_provider.name}-{contract.cohort}")


@admin.register(Band)
class BandAdmin(HistoryAdmin):
    list_display = [
        "contract",
        "name",
        "min",
        "max",
        "per_participant_shown",
        "output_payment_percentage",
        "service_fee_percentage",
    ]
    list_select_related = ["contract__lead_provider", "contract__cohort"]
    per_participant_shown = _money_shown(Band, "per_participant")
    list_filter = ["contract__lead_provider", "contract__cohort", "name"]
    search_fields = ["contract__lead_provider__name"]
    ordering = ["contract__lead_provider__name", "-contract__cohort__start_year", "contract__version", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Band | None = None) -> list[str]:
        # A band of a contract that prices statements is its price: copy the contract as a new version instead.
        if obj is not None and obj.contract.statements.exists():
            return [field.name for field in Band._meta.fields]
        return []


class AdjustmentInline(admin.TabularInline):
    """Shown only: adjustments are added on their own page, and never changed or deleted."""

    model = Adjustment
    fields = ("description", "amount_shown", "created_at")
    readonly_fields = ("description", "amount_shown", "created_at")
    amount_shown = _money_shown(Adjustment, "amount")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False


# How far ahead "current work" looks for open statements: the next cut-offs declarations are landing on.
CURRENT_WORK_AHEAD = timedelta(days=62)


class CurrentWorkFilter(admin.SimpleListFilter):
    """The statement list opens on current work: statements not yet paid whose cut-off is at most two months
    away (payable ones awaiting authorisation, however old; open ones taking declarations now). Choosing any
    other filter, a search or "All statements" looks at every statement."""

    title = "work"
    parameter_name = "work"
    CURRENT, ALL = "current", "all"
    # Parameters that only sort or page the list: the default still applies with them.
    NEUTRAL = {ORDER_VAR, PAGE_VAR}

    def __init__(self, request: HttpRequest, params: dict[str, Any], model: Any, model_admin: Any) -> None:
        self.asked_for_other = bool(set(request.GET) - self.NEUTRAL - {self.parameter_name})
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.CURRENT, "Current work (unpaid, cut-off within two months)"), (self.ALL, "All statements")]

    def current(self) -> bool:
        return self.value() == self.CURRENT or (self.value() is None and not self.asked_for_other)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Statement]) -> QuerySet[Statement]:
        if not self.current():
            return queryset
        horizon = clock.today() + CURRENT_WORK_AHEAD
        return queryset.filter(~Q(status=StatementStatus.PAID), deadline_date__lte=horizon)

    def choices(self, changelist: Any) -> Any:
        for value, label in self.lookup_choices:
            selected = self.current() if value == self.CURRENT else not self.current()
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class StatementChangeList(ChangeList):
    """Prices the page's statements together (`statement_totals`: a fixed number of queries, not one set per
    row) and hands each row its total."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        statements = list(self.result_list)
        totals = statement_totals(statements=statements)
        for statement in statements:
            statement.total_due = totals[statement.pk]


@admin.register(Statement)
class StatementAdmin(HistoryAdmin):
    list_display = [
        "lead_provider",
        "cohort",
        "month_and_year",
        "cut_off",
        "payment",
        "status",
        "total",
    ]
    list_select_related = ["lead_provider", "cohort", "contract"]
    list_filter = [CurrentWorkFilter, "status", "output_fee", "lead_provider", "cohort", "year"]
    search_fields = ["=id", "lead_provider__name"]
    # Every field carries money (D26): the calendar command makes statements, finance services move them
    # (attach to a provider, authorise for payment, price with a contract); the form only shows them.
    rule_fields = tuple(field.name for field in Statement._meta.fields)
    readonly_fields = ["attach_link", "authorise_link", "payment_breakdown"]
    # Soonest cut-off first: payable statements waiting longest, then the open ones taking declarations.
    ordering = ["deadline_date", "lead_provider__name", "cohort__start_year"]
    date_hierarchy = "payment_date"
    inlines = [AdjustmentInline]
    change_form_template = "admin/finance/statement/change_form.html"
    change_list_template = "admin/finance/statement/change_list.html"
    actions = [
        "authorise_for_payment",
        "attach_to_provider",
        "export_declarations",
        "export_breakdown",
        "price_with_newest_contract",
    ]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return StatementChangeList

    @admin.display(description="Month", ordering="payment_date")
    def month_and_year(self, statement: Statement) -> str:
        if statement.output_fee:
            return statement.name
        return format_html("{}<br><small>service fee only</small>", statement.name)

    @admin.display(description="Cut-off", ordering="deadline_date")
    def cut_off(self, statement: Statement) -> str:
        return date_format(statement.deadline_date, "j M Y")

    @admin.display(description="Payment", ordering="payment_date")
    def payment(self, statement: Statement) -> str:
        return date_format(statement.payment_date, "j M Y")

    @admin.display(description="Total")
    def total(self, statement: Statement) -> str:
        return format_money(statement.total_due)  # type: ignore[attr-defined]  # set by StatementChangeList

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Buttons to the statement's declarations (the declaration list, filtered) and to its CSV exports."""
        declarations = reverse("admin:ecf_declaration_changelist")
        links = {
            "paid_on_it": f"{declarations}?{PaidOnStatementFilter.parameter_name}={object_id}",
            "clawed_back_on_it": f"{declarations}?{ClawedBackOnStatementFilter.parameter_name}={object_id}",
            **{
                f"export_{kind}": reverse("admin:finance_statement_export", args=[object_id, kind])
                for kind in STATEMENT_EXPORTS
            },
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "statement_links": links})

    def export_view(self, request: HttpRequest, object_id: str, kind: str) -> HttpResponse:
        """One statement's CSV export, from its page."""
        statement = self.get_object(request, object_id)
        if statement is None or kind not in STATEMENT_EXPORTS:
            raise Http404("No such statement or export.")
        if not self.has_view_permission(request, statement):
            raise PermissionDenied
        return _statement_csv(statement, kind)

    @admin.action(
        description="Price with the newest contract version of their provider and cohort", permissions=["change"]
    )
    def price_with_newest_contract(self, request: HttpRequest, queryset: QuerySet[Statement]) -> HttpResponse | None:
        """Intermediate page: the contract each provider and cohort's statements will be priced with, and why."""
        statements = list(queryset.select_related("lead_provider", "cohort", "contract"))
        books = {(s.lead_provider_id, s.cohort_id) for s in statements}
        newest = {
            key: Contract.objects.filter(lead_provider_id=key[0], cohort_id=key[1]).latest("created_at")
            for key in books
        }
        form = RepriceForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            for (provider, cohort), contract in newest.items():
                try:
                    moved = statements_repoint(
                        statements=queryset.filter(lead_provider_id=provider, cohort_id=cohort),
                        contract=contract,
                        repointed_by=request.user.get_username(),
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    self.message_user(request, f"{contract}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    self.message_user(request, f"{moved} statement(s) now priced with {contract}.", messages.SUCCESS)
            return None
        return self.action_page(
            request,
            action="price_with_newest_contract",
            title="Price statements with the newest contract version",
            template="admin/finance/statement_reprice.html",
            form=form,
            chosen=[statement.pk for statement in statements],
            confirm_label="Price with the newest contract",
            rows=[(statement, newest[(statement.lead_provider_id, statement.cohort_id)]) for statement in statements],
        )

    @admin.display(description="What this statement pays")
    def payment_breakdown(self, statement: Statement) -> str:
        if statement.pk is None:
            return "-"
        return _breakdown_html(statement)

    @admin.action(description="Authorise for payment", permissions=["authorise_payment"])
    def authorise_for_payment(self, request: HttpRequest, queryset: QuerySet[Statement]) -> HttpResponse | None:
        """Intermediate page: each statement's totals and the declarations it settles, a check and a reason; then
        the statements are authorised (a statement that is not payable, or fails the integrity check, is refused)."""
        statements = list(queryset.select_related("lead_provider", "cohort", "contract"))
        form = AuthoriseForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():

            def authorise(statement: Statement) -> str:
                statement_authorise_payment(
                    statement=statement, authorised_by=request.user.get_username(), reason=form.cleaned_data["reason"]
                )
                return f"{statement}: authorised for payment."

            self.act_on_each(request, statements, authorise)
            return None
        return self.action_page(
            request,
            action="authorise_for_payment",
            title="Authorise for payment",
            template="admin/finance/statement_authorise.html",
            form=form,
            chosen=[statement.pk for statement in statements],
            confirm_label="Authorise for payment",
            reviews=[_authorisation_review(statement) for statement in statements],
        )

    @admin.action(description="Attach to a lead provider", permissions=["change"])
    def attach_to_provider(self, request: HttpRequest, queryset: QuerySet[Statement]) -> HttpResponse | None:
        """Intermediate page: the provider and why; each open, empty statement chosen is attached to it."""
        statements = list(
            queryset.select_related("lead_provider", "cohort", "contract").annotate(
                declarations=Count("paid_declarations", distinct=True)
                + Count("clawed_back_declarations", distinct=True)
            )
        )
        form = AttachToProviderForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():

            def attach(statement: Statement) -> str:
                attached = statement_attach_to_provider(
                    statement=statement,
                    lead_provider=form.cleaned_data["lead_provider"],
                    reason=form.cleaned_data["reason"],
                    attached_by=request.user.get_username(),
                )
                return f"{attached.name}: now {attached}, priced with {attached.contract}."

            self.act_on_each(request, statements, attach)
            return None
        return self.action_page(
            request,
            action="attach_to_provider",
            title="Attach statements to a lead provider",
            template="admin/finance/statement_attach_provider.html",
            form=form,
            chosen=[statement.pk for statement in statements],
            confirm_label="Attach",
            statements=statements,
        )

    @admin.action(description="Export declarations with bands and fees (CSV)")
    def export_declarations(self, request: HttpRequest, queryset: QuerySet[Statement]) -> HttpResponse | None:
        return _one_csv(self, request, queryset, "declarations")

    @admin.action(description="Export the breakdown (CSV)")
    def export_breakdown(self, request: HttpRequest, queryset: QuerySet[Statement]) -> HttpResponse | None:
        return _one_csv(self, request, queryset, "breakdown")

    def get_urls(self) -> list[URLPattern]:
        attach = path(
            "<path:object_id>/attach/",
            self.admin_site.admin_view(self.attach_view),
            name="finance_statement_attach",
        )
        authorise = path(
            "<path:object_id>/authorise/",
            self.admin_site.admin_view(self.authorise_view),
            name="finance_statement_authorise",
        )
        export = path(
            "<path:object_id>/export/<str:kind>/",
            self.admin_site.admin_view(self.export_view),
            name="finance_statement_export",
        )
        return [attach, authorise, export, *super().get_urls()]

    def authorise_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """ "Authorise for payment" from the statement's own page: the list action's confirmation page, for it."""
        if not self.has_authorise_payment_permission(request):
            raise PermissionDenied
        response = self.authorise_for_payment(request, self.get_queryset(request).filter(pk=object_id))
        return response or redirect("admin:finance_statement_change", object_id)

    @admin.display(description="Authorise for payment")
    def authorise_link(self, statement: Statement) -> str:
        if statement.pk is None or statement.status != StatementStatus.PAYABLE or not statement.output_fee:
            return "Only payable output statements are authorised for payment."
        url = reverse("admin:finance_statement_authorise", args=[statement.pk])
        return format_html('<a href="{}">Review the totals and authorise for payment</a>', url)

    def attach_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Find a declaration of this statement's provider and cohort (by name, TRN or id), preview moving its
        payment or clawback here, and move it (finance staff)."""
        statement = self.get_object(request, object_id)
        if statement is None or not self.has_change_permission(request, statement):
            raise PermissionDenied
        query = request.GET.get("q", "")
        candidates = declarations_to_attach(statement=statement)
        if request.method == "GET":
            candidates = declaration_search(candidates, query)[:20] if query.strip() else candidates.none()
        form = MoveForm(request.POST if request.method == "POST" else None, declarations=candidates)
        preview, moved = move_from_form(self, request, form, statement=statement)
        if moved:
            return redirect("admin:finance_statement_change", statement.pk)
        return move_page(
            self, request, form, preview, title=f"Attach a declaration to {statement}", statement=statement, query=query
        )

    @admin.display(description="Attach a declaration")
    def attach_link(self, statement: Statement) -> str:
        if statement.pk is None or statement.status != StatementStatus.OPEN or not statement.output_fee:
            return "Only open output statements take declarations."
        url = reverse("admin:finance_statement_attach", args=[statement.pk])
        return format_html('<a href="{}">Attach a declaration that missed its statement</a>', url)

    def has_authorise_payment_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("finance.authorise_payment")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `manage.py generate_statements` makes each provider's calendar

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        # A paid statement is final: its page is shown only, and no finance service changes it.
        return super().has_change_permission(request, obj) and (obj is None or obj.status != StatementStatus.PAID)

    def has_delete_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False


@admin.register(Adjustment)
class AdjustmentAdmin(HistoryAdmin):
    list_display = ["statement", "description", "amount_shown", "created_at"]
    amount_shown = _money_shown(Adjustment, "amount")
    list_select_related = ["statement__lead_provider", "statement__cohort"]
    list_filter = ["statement__lead_provider", "statement__cohort"]
    search_fields = ["description", "statement__lead_provider__name", "=statement__id"]
    raw_id_fields = ["statement"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Adjustment | None = None) -> list[str]:
        # Append-only ledger: a wrong adjustment is corrected by another one, not by an edit.
        return ["statement", "description", "amount_shown", "created_at"] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Adjustment | None = None) -> Any:
        return self.get_readonly_fields(request, obj) or ["statement", "description", "amount"]

    def has_delete_permission(self, request: HttpRequest, obj: Adjustment | None = None) -> bool:
        return False


@admin.register(JobRun)
class JobRunAdmin(HistoryAdmin):
    """The daily jobs' last run days (`manage.py run_daily_jobs`); the history page is the run log. Setting a
    day back makes the next run replay the days after it."""

    list_display = ["name", "last_run_on", "updated_at"]
    readonly_fields = ["name"]
    ordering = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the jobs create their own rows

    def has_delete_permission(self, request: HttpRequest, obj: JobRun | None = None) -> bool:
        return False


class RecordEligibilityForm(forms.Form):
    eligibility = forms.ChoiceField(choices=FundingEligibility.choices, widget=forms.RadioSelect)
    # Not stripped: the service judges a blank reason and says why.
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), strip=False, help_text="Kept in the history.")


# Recording eligibility attaches declarations to statements (finance), so its action lives here: the
# training record admin is re-registered as this subclass, the documented way of extending another app's
# admin (a proxy model would bring its own, empty, history table).
admin.site.unregister(TrainingRecord)


@admin.register(TrainingRecord)
class FinanceTrainingRecordAdmin(TrainingRecordAdmin):
    actions = [*TrainingRecordAdmin.actions, "record_funding_eligibility"]

    def has_record_eligibility_permission(self, request: HttpRequest) -> bool:
        # Recording eligibility puts declarations on statements: a money action, for those who may change
        # declarations (Finance), not for everyone who may edit a training record (Admin).
        return request.user.has_perm("ecf.change_declaration")

    @admin.action(description="Record funding eligibility", permissions=["record_eligibility"])
    def record_funding_eligibility(
        self, request: HttpRequest, queryset: QuerySet[TrainingRecord]
    ) -> HttpResponse | None:
        """Intermediate page: the eligibility and a reason; eligible records' submitted declarations are paid."""
        records = list(queryset.select_related("participant", "cohort"))
        form = RecordEligibilityForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            for record in records:
                try:
                    moved = training_record_record_eligibility(
                        record=record,
                        eligibility=form.cleaned_data["eligibility"],
                        reason=form.cleaned_data["reason"],
                        recorded_by=request.user.get_username(),
                    )
                except ValidationError as error:
                    self.message_user(request, f"{record}: {' '.join(error.messages)}", messages.ERROR)
                    continue
                self.message_user(
                    request, f"{record}: {moved} declaration(s) now eligible on a statement.", messages.SUCCESS
                )
                waiting = submitted_declarations(record=record).count()
                if form.cleaned_data["eligibility"] == FundingEligibility.ELIGIBLE and waiting:
                    self.message_user(
                        request,
                        f"{record}: {waiting} declaration(s) stay submitted: no open output statement.",
                        messages.WARNING,
                    )
            return None
        return self.action_page(
            request,
            action="record_funding_eligibility",
            title="Record funding eligibility",
            template="admin/finance/record_eligibility.html",
            form=form,
            chosen=[record.pk for record in records],
            confirm_label="Record",
            records=records,
        )


class VoidDeclarationForm(forms.Form):
    note = forms.CharField(
        label="Why you void it for the provider",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the declaration's history with your username.",
    )


class _OnStatementFilter(admin.SimpleListFilter):
    """Declarations on one statement, as payment or as clawback: where the statement page's buttons lead. The
    filter is shown only while a statement is chosen (the list of every statement would be far too long)."""

    field: str

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        try:
            statement_id = uuid.UUID(str(self.value()))
        except ValueError:
            return []
        statement = Statement.objects.select_related("lead_provider", "cohort").filter(pk=statement_id).first()
        return [(str(self.value()), str(statement))] if statement else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class PaidOnStatementFilter(_OnStatementFilter):
    title = "paid on statement"
    parameter_name = field = "payment_statement"


class ClawedBackOnStatementFilter(_OnStatementFilter):
    title = "clawed back on statement"
    parameter_name = field = "clawback_statement"


# Voiding moves money (finance.services.declarations), so its action lives here, on the declaration admin
# re-registered as a subclass (as the training record admin above).
admin.site.unregister(Declaration)


@admin.register(Declaration)
class FinanceDeclarationAdmin(DeclarationAdmin):
    actions = [*DeclarationAdmin.actions, "void_for_provider", "move_to_statement"]
    list_filter: Any = [PaidOnStatementFilter, ClawedBackOnStatementFilter, *DeclarationAdmin.list_filter]

    @admin.action(description="Move its payment or clawback to another statement", permissions=["change"])
    def move_to_statement(self, request: HttpRequest, queryset: QuerySet[Declaration]) -> HttpResponse | None:
        """A page of its own: the open statement to move the declaration's payment (or clawback) to, a preview of
        what each statement gains and loses with warnings to acknowledge, and a reason; then the move."""
        declarations = list(queryset.select_related("participant", "lead_provider", "cohort")[:2])
        if len(declarations) != 1:
            self.message_user(request, "Choose one declaration: each move is previewed on its own.", messages.ERROR)
            return None
        declaration = declarations[0]
        posted = "preview" in request.POST or "confirm" in request.POST
        form = MoveForm(request.POST if posted else None, statements=move_target_statements(declaration=declaration))
        preview, moved = move_from_form(self, request, form, declaration=declaration)
        if moved:
            return None
        return move_page(
            self,
            request,
            form,
            preview,
            title="Move a declaration's payment or clawback",
            declaration=declaration,
            action="move_to_statement",
            action_checkbox_name=ACTION_CHECKBOX_NAME,
        )

    @admin.action(description="Void for the lead provider", permissions=["change"])
    def void_for_provider(self, request: HttpRequest, queryset: QuerySet[Declaration]) -> HttpResponse | None:
        """Intermediate page: why; then each declaration is voided for its own lead provider, as the provider's
        API void would do it (a paid one awaits clawback on the provider's next output statement)."""
        declarations = list(
            queryset.select_related("participant", "lead_provider", "payment_statement", "clawback_statement")
        )
        form = VoidDeclarationForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            staff = request.user
            assert isinstance(staff, User)  # the admin site lets signed-in staff in only
            for declaration in declarations:
                try:
                    voided = declaration_void(
                        lead_provider=declaration.lead_provider,
                        declaration_id=declaration.pk,
                        voided_by=staff,
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    for message in error.messages:
                        self.message_user(request, f"Declaration {declaration.pk}: {message}", messages.ERROR)
                    continue
                outcome = "voided"
                if voided.clawback_statement is not None:
                    outcome = f"paid, so it awaits clawback on {voided.clawback_statement.name}"
                self.message_user(request, f"Declaration {declaration.pk}: {outcome}.", messages.SUCCESS)
            return None
        return self.action_page(
            request,
            action="void_for_provider",
            title="Void for the lead provider",
            template="admin/finance/declaration_void.html",
            form=form,
            chosen=[declaration.pk for declaration in declarations],
            confirm_label="Void",
            declarations=declarations,
        )
