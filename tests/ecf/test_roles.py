"""Staff roles: each group holds exactly the permissions ecf/roles.py lists, and the back office lets each
role do its own work and refuses it the other's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from ecf.choices import DeclarationState
from ecf.roles import ADMIN_PERMISSIONS, ROLES, Role, sync_staff_roles
from finance.choices import StatementStatus
from finance.models import Statement
from tests.api.factories import ApiTokenFactory
from tests.ecf.factories import DeclarationFactory, LeadProviderFactory, ParticipantFactory, TrainingRecordFactory
from tests.finance.factories import BandFactory, StatementFactory

pytestmark = pytest.mark.django_db


def group_permissions(group_name: str) -> set[str]:
    permissions = Group.objects.get(name=group_name).permissions.select_related("content_type")
    return {f"{permission.content_type.app_label}.{permission.codename}" for permission in permissions}


def staff_client(role: str) -> Client:
    user = User.objects.create_user(f"{role}@example.com", password="unused", is_staff=True)
    user.groups.add(Group.objects.get(name=ROLES[role].group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def payable_statement() -> Statement:
    statement = StatementFactory.create(
        year=2025,
        month=2,
        deadline_date=dt.date(2025, 1, 31),
        payment_date=dt.date(2025, 2, 25),
        status=StatementStatus.PAYABLE,
    )
    BandFactory.create(contract=statement.contract, max=2000, per_participant=Decimal("1000"))
    DeclarationFactory.create(
        training_record=TrainingRecordFactory.create(cohort=statement.cohort),
        lead_provider=statement.lead_provider,
        payment_statement=statement,
        state=DeclarationState.PAYABLE,
    )
    return statement


def authorise(client: Client, statement: Statement) -> int:
    """Confirm "Authorise for payment" on its confirmation page (its check and reason given)."""
    response = client.post(
        reverse("admin:finance_statement_changelist"),
        {
            "action": "authorise_for_payment",
            "_selected_action": [statement.pk],
            "checks_done": "on",
            "reason": "Checked",
            "confirm": "1",
        },
    )
    return response.status_code


# The groups after migrate


@pytest.mark.parametrize("role", ROLES.values(), ids=lambda role: role.key)
def test_each_group_holds_exactly_its_roles_permissions(role: Role) -> None:
    assert group_permissions(role.group_name) == set(role.permissions)


def test_admin_holds_no_finance_permission() -> None:
    assert [permission for permission in ADMIN_PERMISSIONS if permission.startswith("finance.")] == []


@pytest.mark.parametrize("role", ROLES.values(), ids=lambda role: role.key)
def test_no_role_deletes_anything(role: Role) -> None:
    assert [permission for permission in role.permissions if ".delete_" in permission] == []


def test_migrate_puts_back_a_permission_changed_by_hand() -> None:
    group = Group.objects.get(name="Admin")
    group.permissions.add(Permission.objects.get(codename="authorise_payment"))
    group.permissions.remove(Permission.objects.get(codename="view_participant"))

    sync_staff_roles()

    assert group_permissions("Admin") == set(ADMIN_PERMISSIONS)


def test_a_role_naming_an_unknown_permission_fails_the_migrate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ROLES, "admin", Role(key="admin", group_name="Admin", permissions=("ecf.fly_participant",)))

    with pytest.raises(ImproperlyConfigured, match=r"Admin role names a permission that does not exist: ecf\.fly"):
        sync_staff_roles()


# Admin in the back office


def test_admin_opens_participants_and_api_tokens() -> None:
    client = staff_client("admin")
    participant = ParticipantFactory.create()

    assert client.get(reverse("admin:ecf_participant_changelist")).status_code == 200
    assert client.get(reverse("admin:ecf_participant_change", args=[participant.pk])).status_code == 200
    assert client.get(reverse("admin:api_apitoken_changelist")).status_code == 200
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 302  # issuing is not the role's
    assert client.get(reverse("admin:api_apirequest_changelist")).status_code == 200


def test_admin_revokes_an_api_token() -> None:
    token = ApiTokenFactory.create()

    staff_client("admin").post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke_tokens", "_selected_action": [token.pk]}
    )

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_admin_is_refused_the_statement_add_page() -> None:
    assert staff_client("admin").get(reverse("admin:finance_statement_add")).status_code == 403


def test_admin_cannot_authorise_payment(payable_statement: Statement) -> None:
    client = staff_client("admin")

    assert client.get(reverse("admin:finance_statement_changelist")).status_code == 403
    assert authorise(client, payable_statement) == 403
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAYABLE


def test_admin_sees_declarations_but_cannot_change_them() -> None:
    client = staff_client("admin")
    declaration = DeclarationFactory.create()

    assert client.get(reverse("admin:ecf_declaration_change", args=[declaration.pk])).status_code == 200
    assert client.post(reverse("admin:ecf_declaration_change", args=[declaration.pk]), {}).status_code == 403


# Finance in the back office


def test_finance_authorises_payment(payable_statement: Statement) -> None:
    client = staff_client("finance")

    page = client.get(reverse("admin:finance_statement_changelist")).content.decode()
    authorise(client, payable_statement)

    assert "authorise_for_payment" in page
    payable_statement.refresh_from_db()
    assert payable_statement.status == StatementStatus.PAID


def test_finance_is_refused_adding_an_api_token() -> None:
    client = staff_client("finance")

    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    response = client.post(reverse("admin:api_apitoken_add"), {"lead_provider": LeadProviderFactory.create().pk})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_finance_finds_participants_but_cannot_change_them() -> None:
    client = staff_client("finance")
    participant = ParticipantFactory.create()

    assert client.get(reverse("admin:ecf_participant_changelist")).status_code == 200
    assert client.get(reverse("admin:ecf_participant_add")).status_code == 403
    response = client.post(reverse("admin:ecf_participant_change", args=[participant.pk]), {"full_name": "Changed"})
    assert response.status_code == 403
