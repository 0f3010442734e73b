"""Issuing API tokens is its own permission, held by no role; every token records who made it; every API write
is logged with its token, so it can be traced to the token's maker; the plaintext is shown once on the page and
never travels in a cookie."""

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from api.models import ApiRequest, ApiToken, TokenSource
from api.tokens import NOT_ALLOWED_TO_ISSUE, api_token_create, token_digest
from ecf.choices import DeclarationState
from ecf.models import LeadProvider
from ecf.roles import ROLES, sync_staff_roles
from tests.api.v3.test_declaration_writes import AT_NOW, URL
from tests.backoffice import messages_of, sign_in
from tests.ecf.factories import LeadProviderFactory
from tests.finance.test_services_declarations import existing, next_statement, trained

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_apitoken_add")


def grant_issuing(user: User) -> User:
    """What a superuser does on the staff member's page: the one permission, to this user alone."""
    user.user_permissions.add(Permission.objects.get(content_type__app_label="api", codename="issue_apitoken"))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


def issue(client: Client, lead_provider: LeadProvider) -> str:
    """Issue a token through the back office's add form; return the plaintext the answer shows."""
    response = client.post(ADD, {"lead_provider": lead_provider.pk, "description": "Provider's system"})
    assert response.status_code == 200, response
    return response.context["plaintext"]


def test_no_role_holds_the_issuing_permission() -> None:
    assert all("api.issue_apitoken" not in role.permissions for role in ROLES.values())
    assert all("api.add_apitoken" not in role.permissions for role in ROLES.values())


def test_a_grant_to_a_named_staff_member_survives_the_role_sync() -> None:
    client = Client()
    user = grant_issuing(sign_in(client, "admin"))

    sync_staff_roles()

    assert User.objects.get(pk=user.pk).has_perm("api.issue_apitoken")


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_staff_without_the_permission_are_told_why_and_nothing_is_made(method: str) -> None:
    client = Client()
    sign_in(client, "admin")
    lead_provider = LeadProviderFactory.create()

    response = getattr(client, method)(ADD, {"lead_provider": lead_provider.pk}, follow=True)

    assert response.redirect_chain == [(reverse("admin:api_apitoken_changelist"), 302)]
    assert messages_of(response) == [NOT_ALLOWED_TO_ISSUE]
    assert ADD not in response.content.decode()  # no "Add API token" button either
    assert not ApiToken.objects.exists()


def test_the_service_refuses_staff_without_the_permission() -> None:
    user = sign_in(Client(), "admin")

    with pytest.raises(PermissionDenied, match="Can issue API tokens"):
        api_token_create(lead_provider=LeadProviderFactory.create(), created_by=user)
    assert not ApiToken.objects.exists()


def test_admin_staff_cannot_void_a_paid_declaration_through_the_api(settings) -> None:
    """Issue 15, reproduction 4: Admin staff make a token and void a paid declaration with it. Refused: without
    the permission no token is made, and without a token the API refuses the void."""
    settings.SANDBOX = True
    client = Client()
    sign_in(client, "admin")
    lead_provider = LeadProviderFactory.create(name="Teach First")
    record = trained(lead_provider)
    next_statement(lead_provider, record)
    paid = existing(lead_provider, record, DeclarationState.PAID)

    response = client.post(ADD, {"lead_provider": lead_provider.pk}, follow=True)
    void = Client().put(f"{URL}/{paid.pk}/void", headers=AT_NOW)

    assert messages_of(response) == [NOT_ALLOWED_TO_ISSUE]
    assert not ApiToken.objects.exists()
    assert void.status_code == 401
    paid.refresh_from_db()
    assert paid.state == DeclarationState.PAID


def test_a_write_with_a_token_is_traced_to_the_staff_member_who_made_it(settings) -> None:
    settings.SANDBOX = True
    staff = Client()
    user = grant_issuing(sign_in(staff, "admin"))
    user.first_name, user.last_name = "Grace", "Hopper"
    user.save()
    lead_provider = LeadProviderFactory.create(name="Teach First")
    record = trained(lead_provider)
    next_statement(lead_provider, record)
    paid = existing(lead_provider, record, DeclarationState.PAID)

    plaintext = issue(staff, lead_provider)
    void = Client().put(f"{URL}/{paid.pk}/void", headers={**AT_NOW, "Authorization": f"Bearer {plaintext}"})

    assert void.status_code == 200
    token = ApiToken.objects.get(token_hash=token_digest(plaintext))
    assert (token.created_by, token.created_via) == (user, TokenSource.BACK_OFFICE)
    logged = ApiRequest.objects.get(path=f"{URL}/{paid.pk}/void")
    assert (logged.token, logged.lead_provider) == (token, lead_provider)
    superuser = Client()
    superuser.force_login(User.objects.create_superuser("root", password="unused"))
    page = superuser.get(reverse("admin:api_apirequest_changelist")).content.decode()
    assert f'<a href="{reverse("admin:api_apitoken_change", args=[token.pk])}">{token.prefix}…</a>' in page
    assert "Grace Hopper (admin@example.com)" in page
    assert plaintext not in page


def test_the_plaintext_is_shown_once_on_the_page_and_never_in_a_cookie(admin_client: Client) -> None:
    lead_provider = LeadProviderFactory.create()

    response = admin_client.post(ADD, {"lead_provider": lead_provider.pk, "description": "Production"})

    plaintext = response.context["plaintext"]
    token = ApiToken.objects.get()
    assert token.token_hash == token_digest(plaintext)
    assert response.content.decode().count(plaintext) == 1
    assert "no-store" in response["Cache-Control"]
    assert all(plaintext not in morsel.OutputString() for morsel in response.cookies.values())
    assert all(plaintext not in value for header, value in response.items() if header.lower() == "set-cookie")
    # Nor on any later page: the next one shows no message carrying it.
    later = admin_client.get(reverse("admin:api_apitoken_changelist"))
    assert plaintext not in later.content.decode()
    assert all(plaintext not in str(message) for message in later.context["messages"])


@pytest.mark.parametrize(
    ("command", "args", "source"),
    [
        ("create_api_token", ["--lead-provider", "Ambition Institute"], TokenSource.CREATE_COMMAND),
        ("issue_development_tokens", [], TokenSource.DEVELOPMENT_COMMAND),
    ],
)
def test_a_command_names_itself_as_the_maker(settings, command: str, args: list[str], source: str) -> None:
    settings.DEBUG = True
    LeadProviderFactory.create(name="Ambition Institute")

    call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())

    token = ApiToken.objects.get()
    assert (token.created_by, token.created_via) == (None, source)
    assert token.maker == TokenSource(source).label
