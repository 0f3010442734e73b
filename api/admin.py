from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from api.models import ApiRequest, ApiToken
from api.tokens import NOT_ALLOWED_TO_ISSUE, api_token_create, api_token_revoke, may_issue_tokens
from ecf.admin import HistoryAdmin


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["lead_provider", "description"]


@admin.register(ApiToken)
class ApiTokenAdmin(HistoryAdmin):
    """Tokens are made and revoked through `api.tokens`; the hash is never shown, the plaintext once, on the page
    that answers the add form (never in a message, which the cookie storage would carry in a cookie).
    Issuing needs `api.issue_apitoken` (held by no role), not the model's "add" permission."""

    add_form = ApiTokenAddForm
    list_display = [
        "prefix",
        "lead_provider",
        "description",
        "maker",
        "created_at",
        "last_used_at",
        "revoked_at",
        "active",
    ]
    list_select_related = ["lead_provider", "created_by"]
    list_filter = ["lead_provider", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "description", "lead_provider__name"]
    ordering = ["lead_provider__name", "-created_at"]
    actions = ["revoke_tokens"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("lead_provider", "description")
        return ("prefix", "lead_provider", "description", "maker", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("prefix", "lead_provider", "maker", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_issue_tokens(request.user)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        if not may_issue_tokens(request.user):
            if not self.has_view_permission(request):
                raise PermissionDenied
            # Staff who see tokens are told why they cannot make one; nothing is made.
            self.message_user(request, NOT_ALLOWED_TO_ISSUE, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:api_apitoken_changelist"))
        return super().add_view(request, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: ApiToken | None = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        staff = request.user
        assert isinstance(staff, User)  # the admin site lets signed-in staff in only
        token, plaintext = api_token_create(
            lead_provider=obj.lead_provider, description=obj.description, created_by=staff
        )
        # Point the admin's unsaved object at the new row, for its log entry and the page that shows it.
        obj.pk = token.pk
        obj.refresh_from_db()
        obj.plaintext = plaintext  # type: ignore[attr-defined]  # for response_add, on this instance only

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None) -> HttpResponse:
        """The plaintext, shown on this page alone: it is stored nowhere (no message, cookie or session)."""
        # Admin views are sent with Cache-Control: no-store already (never_cache).
        return TemplateResponse(
            request,
            "admin/api/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "title": "API token issued",
                "opts": self.model._meta,
                "token": obj,
                "plaintext": obj.plaintext,  # type: ignore[attr-defined]
            },
        )

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.display(boolean=True, description="Active")
    def active(self, obj: ApiToken) -> bool:
        return obj.is_active

    @admin.display(description="Made by", ordering="created_by__username")
    def maker(self, obj: ApiToken) -> str:
        return obj.maker

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, f"Revoked {len(queryset)} token(s).", messages.SUCCESS)


# The request log's list columns; a row's page shows them, then what was sent and what went wrong.
REQUEST_LOG_COLUMNS: tuple[str, ...] = (
    "created_at",
    "lead_provider",
    "token_link",
    "token_maker",
    "method",
    "path",
    "status_code",
    "resource_id",
)


@admin.register(ApiRequest)
class ApiRequestAdmin(admin.ModelAdmin):
    """The write-request log, for support: read only. Rows are written by `api.request_log` alone."""

    list_display = REQUEST_LOG_COLUMNS
    list_select_related = ["lead_provider", "token__created_by"]
    list_filter = ["lead_provider", "method", "status_code"]
    search_fields = ["path", "=resource_id", "=token__prefix"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = readonly_fields = (*REQUEST_LOG_COLUMNS, "request_body", "response_errors")

    @admin.display(description="Token", ordering="token__prefix")
    def token_link(self, entry: ApiRequest) -> str:
        if entry.token is None:
            return "-"
        url = reverse("admin:api_apitoken_change", args=[entry.token.pk])
        return format_html('<a href="{}">{}…</a>', url, entry.token.prefix)

    @admin.display(description="Token made by")
    def token_maker(self, entry: ApiRequest) -> str:
        return entry.token.maker if entry.token is not None else "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiRequest | None = None) -> bool:
        return False
