"""The back office's statement repairs (decision D26): the forms and pages of attaching a statement to a provider,
moving a declaration's payment or clawback, pricing with a contract and authorising for payment. Each page shows
what will change, asks why, and calls a finance service; the actions themselves are in finance/admin.py."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from ecf.models import Declaration, LeadProvider
from ecf.money import format_money
from finance.models import Statement
from finance.services.attachments import MovePreview, declaration_attach_to_statement, declaration_move_preview


def _reason_field(kept_in: str) -> forms.CharField:
    # Not stripped: the services judge a blank reason and say why.
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), strip=False, help_text=f"Kept in {kept_in} with your username."
    )


class DeclarationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Declaration) -> str:
        participant = obj.participant
        where = obj.clawback_statement or obj.payment_statement
        on = f" on {where.name}" if where is not None else ", on no statement"
        return (
            f"{participant.full_name} (TRN {participant.trn or 'none'}): {obj.declaration_type} "
            f"{obj.course_identifier}, {obj.get_state_display().lower()}{on} (declaration {obj.pk})"
        )


class StatementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Statement) -> str:
        return f"{obj.name}: cut-off {obj.deadline_date:%-d %B %Y}, paid {obj.payment_date:%-d %B %Y}"


class MoveForm(forms.Form):
    """Moving a declaration's payment or clawback: the declaration and the statement (one of them fixed by the
    page), why, and that the preview's warnings were read."""

    reason = _reason_field("the declaration's history")
    acknowledge = forms.BooleanField(required=False, label="I have read the warnings of the preview")

    def __init__(self, *args: Any, declarations: QuerySet[Declaration] | None = None,
                 statements: QuerySet[Statement] | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        if declarations is not None:
            self.fields["declaration"] = DeclarationChoiceField(
                declarations, widget=forms.RadioSelect, empty_label=None
            )
        if statements is not None:
            self.fields["statement"] = StatementChoiceField(statements, label="Move it to", empty_label=None)
        self.fields["reason"].required = False  # a preview needs none; the move does (the service says so)
        self.order_fields(["declaration", "statement", "reason", "acknowledge"])


class AttachToProviderForm(forms.Form):
    lead_provider = forms.ModelChoiceField(LeadProvider.objects.order_by("name"), label="Attach to")
    reason = _reason_field("the statement's history")


class RepriceForm(forms.Form):
    reason = _reason_field("each statement's history")


class AuthoriseForm(forms.Form):
    checks_done = forms.BooleanField(label="I have checked the totals and the declarations listed above")
    reason = _reason_field("the statement's history")


def form_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def move_from_form(
    model_admin: admin.ModelAdmin, request: HttpRequest, form: MoveForm, **fixed: Any
) -> tuple[MovePreview | None, bool]:
    """Preview the move a posted MoveForm describes (`fixed` gives the declaration or the statement the page is
    about) and, when confirmed, make it. Returns the preview and whether the move was made; refusals become the
    form's errors."""
    if not form.is_bound or not form.is_valid():
        return None, False
    chosen = {**form.cleaned_data, **fixed}
    try:
        preview = declaration_move_preview(declaration=chosen["declaration"], statement=chosen["statement"])
    except ValidationError as error:
        form_errors(form, error)
        return None, False
    if "confirm" not in request.POST:
        return preview, False
    try:
        declaration_attach_to_statement(
            declaration=preview.declaration,
            statement=preview.to_statement,
            reason=chosen["reason"],
            moved_by=request.user.get_username(),
            warnings_acknowledged=chosen["acknowledge"],
        )
    except ValidationError as error:
        form_errors(form, error)
        return preview, False
    model_admin.message_user(
        request,
        f"Declaration {preview.declaration.pk}: its {preview.line} moved to {preview.to_statement}.",
        messages.SUCCESS,
    )
    return preview, True


def move_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    form: MoveForm,
    preview: MovePreview | None,
    *,
    title: str,
    **context: Any,
) -> TemplateResponse:
    changes = None
    if preview is None or not preview.warnings:
        form.fields["acknowledge"].widget = forms.HiddenInput()  # asked for only when a preview warns
    if preview is not None:
        changes = {
            "from": None if preview.from_total_change is None else format_money(preview.from_total_change, signed=True),
            "to": format_money(preview.to_total_change, signed=True),
        }
    return TemplateResponse(
        request,
        "admin/finance/declaration_move.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            "form": form,
            "preview": preview,
            "changes": changes,
            **context,
        },
    )
