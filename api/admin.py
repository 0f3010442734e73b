from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from api.models import ApiRequest, ApiToken
from api.tokens import api_token_create, api_token_revoke
from ecf.admin import HistoryAdmin


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["lead_provider", "description"]


@admin.register(ApiToken)
class ApiTokenAdmin(HistoryAdmin):
    """Tokens are made and revoked through `api.tokens`; the hash is never shown, the plaintext once."""

    add_form = ApiTokenAddForm
    list_display = [
        "prefix",
        "lead_provider",
        "description",
        "created_at",
        "last_used_at",
        "revoked_at",
        "active",
    ]
    list_select_related = ["lead_provider"]
    list_filter = ["lead_provider", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "description", "lead_provider__name"]
    ordering = ["lead_provider__name", "-created_at"]
    actions = ["revoke_tokens"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("lead_provider", "description")
        return ("prefix", "lead_provider", "description", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("prefix", "lead_provider", "created_at", "last_used_at", "revoked_at")

    def get_form(self, request: HttpRequest, obj: ApiToken | None = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, plaintext = api_token_create(lead_provider=obj.lead_provider, description=obj.description)
        # Point the admin's unsaved object at the new row, for its log entry and redirect.
        obj.pk = token.pk
        obj.refresh_from_db()
        messages.warning(request, f"Copy this token now, it will not be shown again: {plaintext}")

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.display(boolean=True, description="Active")
    def active(self, obj: ApiToken) -> bool:
        return obj.is_active

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, f"Revoked {len(queryset)} token(s).", messages.SUCCESS)


@admin.register(ApiRequest)
class ApiRequestAdmin(admin.ModelAdmin):
    """The write-request log, for support: read only. Rows are written by `api.request_log` alone."""

    list_display = ["created_at", "lead_provider", "method", "path", "status_code", "resource_id"]
    list_select_related = ["lead_provider"]
    list_filter = ["lead_provider", "method", "status_code"]
    search_fields = ["path", "=resource_id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = readonly_fields = (
        "created_at",
        "lead_provider",
        "method",
        "path",
        "status_code",
        "resource_id",
        "request_body",
        "response_errors",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiRequest | None = None) -> bool:
        return False
