from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import slugify

from ecf.admin import DeclarationAdmin, HistoryAdmin, TrainingRecordAdmin
from ecf.choices import FundingEligibility
from ecf.models import Declaration, TrainingRecord
from finance.admin_repairs import (
    AttachToProviderForm,
    AuthoriseForm,
    MoveForm,
    RepriceForm,
    move_from_form,
    move_page,
)
from finance.calculators import money
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
)


def _breakdown_html(statement: Statement) -> str:
    """What `statement` pays, line by line: the figures it was paid with once paid, the calculators' otherwise."""
    figures = statement.paid_breakdown or statement_breakdown(statement=statement).as_json()
    sections = [("ECTs" if figures["mentors"] else "ECTs and mentors", _rounded(figures["ects"]))]
    if figures["mentors"]:
        sections.append(("Mentors (flat rate)", _rounded(figures["mentors"])))
    return render_to_string(
        "admin/finance/statement_breakdown.html",
        {
            "sections": sections,
            "total": money(Decimal(figures["total"])),
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


def _one_csv(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Statement],
    kind: str,
    export: Callable[..., str],
) -> HttpResponse | None:
    statements = list(queryset.select_related("lead_provider", "cohort")[:2])
    if len(statements) != 1:
        model_admin.message_user(request, "Choose one statement to export.", messages.ERROR)
        return None
    statement = statements[0]
    return _csv_response(export(statement=statement), f"{statement.lead_provider.name}-{statement.name}-{kind}")


def _rounded(section: dict[str, Any]) -> dict[str, Any]:
    """A breakdown section with every amount rounded to pence, for display."""
    rounded: dict[str, Any] = {}
    for key, value in section.items():
        if isinstance(value, list):
            rounded[key] = [_rounded(line) for line in value]
        elif isinstance(value, str) and key not in {"declaration_type", "band"}:
            rounded[key] = money(Decimal(value))
        else:
            rounded[key] = value
    return rounded


class BandInline(admin.TabularInline):
    model = Band
    extra = 0

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

    def get_readonly_fields(self, request: HttpRequest, obj: Contract | None = None) -> list[str]:
        # A contract that prices statements is never edited: copy it as a new version instead.
        if obj is not None and obj.statements.exists():
            return [field.name for field in Contract._meta.fields]
        return []

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
        "per_participant",
        "output_payment_percentage",
        "service_fee_percentage",
    ]
    list_select_related = ["contract__lead_provider", "contract__cohort"]
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
    fields = ["description", "amount", "created_at"]
    readonly_fields = ["description", "amount", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(HistoryAdmin):
    list_display = [
        "lead_provider",
        "cohort",
        "year",
        "month",
        "deadline_date",
        "payment_date",
        "output_fee",
        "status",
        "marked_as_paid_at",
    ]
    list_select_related = ["lead_provider", "cohort"]
    list_filter = ["status", "output_fee", "lead_provider", "cohort", "year"]
    search_fields = ["=id", "lead_provider__name"]
    # Every field carries money (D26): the calendar command makes statements, finance services move them
    # (attach to a provider, authorise for payment, price with a contract); the form only shows them.
    rule_fields = tuple(field.name for field in Statement._meta.fields)
    readonly_fields = ["attach_link", "authorise_link", "payment_breakdown"]
    ordering = ["-payment_date", "lead_provider__name"]
    date_hierarchy = "payment_date"
    inlines = [AdjustmentInline]
    actions = [
        "authorise_for_payment",
        "attach_to_provider",
        "export_declarations",
        "export_breakdown",
        "price_with_newest_contract",
    ]

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
            for statement in statements:
                try:
                    statement_authorise_payment(
                        statement=statement,
                        authorised_by=request.user.get_username(),
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    self.message_user(request, f"{statement}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    self.message_user(request, f"{statement}: authorised for payment.", messages.SUCCESS)
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
            for statement in statements:
                try:
                    attached = statement_attach_to_provider(
                        statement=statement,
                        lead_provider=form.cleaned_data["lead_provider"],
                        reason=form.cleaned_data["reason"],
                        attached_by=request.user.get_username(),
                    )
                except ValidationError as error:
                    self.message_user(request, f"{statement}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    self.message_user(
                        request, f"{attached.name}: now {attached}, priced with {attached.contract}.", messages.SUCCESS
                    )
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
        return _one_csv(self, request, queryset, "declarations", statement_declarations_csv)

    @admin.action(description="Export the breakdown (CSV)")
    def export_breakdown(self, request: HttpRequest, queryset: QuerySet[Statement]) -> HttpResponse | None:
        return _one_csv(self, request, queryset, "breakdown", statement_breakdown_csv)

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
        return [attach, authorise, *super().get_urls()]

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
    list_display = ["statement", "description", "amount", "created_at"]
    list_select_related = ["statement__lead_provider", "statement__cohort"]
    list_filter = ["statement__lead_provider", "statement__cohort"]
    search_fields = ["description", "statement__lead_provider__name", "=statement__id"]
    raw_id_fields = ["statement"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Adjustment | None = None) -> list[str]:
        # Append-only ledger: a wrong adjustment is corrected by another one, not by an edit.
        return ["statement", "description", "amount"] if obj is not None else []

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


# Voiding moves money (finance.services.declarations), so its action lives here, on the declaration admin
# re-registered as a subclass (as the training record admin above).
admin.site.unregister(Declaration)


@admin.register(Declaration)
class FinanceDeclarationAdmin(DeclarationAdmin):
    actions = [*DeclarationAdmin.actions, "void_for_provider", "move_to_statement"]

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
