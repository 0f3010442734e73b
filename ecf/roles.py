"""Staff roles of the back office: which permissions each group holds, and the service that gives a
staff user a role.

The permission lists below are the one definition of each role. `sync_staff_roles` runs after every
`migrate` (and every `flush`) and sets each group's permissions to exactly its list, so a permission
granted or removed by hand in the admin is put back on the next deploy: change a role here, not there.
Superusers hold every permission and need no group. Deleting rows is left to superusers: every model keeps
an audited history, and a delete cascades (a participant takes its training records and declarations).

Why a `post_migrate` handler rather than a data migration: Django creates content types and permissions
in `post_migrate`, after every migration has run, so on a fresh database a data migration would find none
of the permissions it grants (it would have to re-implement their creation); the handler asks Django to
create them first, runs again after a test database is flushed, and a role change needs no new migration.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, router, transaction


def _model_permissions(model: str, *actions: str) -> tuple[str, ...]:
    """`_model_permissions("ecf.cohort", "add", "view")` -> ("ecf.add_cohort", "ecf.view_cohort")."""
    app_label, model_name = model.split(".")
    return tuple(f"{app_label}.{action}_{model_name}" for action in actions)


def _many(models: Iterable[str], *actions: str) -> tuple[str, ...]:
    return tuple(permission for model in models for permission in _model_permissions(model, *actions))


# Admin: reference data, participants and their training, partnerships, API tokens (not issuing them); no money.
# It holds no finance permission at all, not even "view": a viewer of statements or contracts could run
# their actions that declare no permission ("Price with the newest contract version", "Copy as a new
# version"), which move money. Declarations are shown (support answers questions about them) but not changed.
ADMIN_PERMISSIONS: tuple[str, ...] = (
    *_many(
        (
            "ecf.cohort",
            "ecf.schedule",
            "ecf.milestone",
            "ecf.leadprovider",
            "ecf.deliverypartner",
            "ecf.school",
            "ecf.schoolcohort",
            "ecf.participant",
            "ecf.participantidchange",
            "ecf.trainingrecord",
            "ecf.trainingperiod",
            "ecf.mentorassignment",
            "ecf.trainingstatuschange",
            "partnerships.providerrelationship",
            "partnerships.partnership",
        ),
        "add",
        "change",
        "view",
    ),
    # API tokens: seen, described and revoked ("Revoke selected tokens" is allowed by change_apitoken), but not
    # issued. A token acts as its provider (declarations, voids: money), so issuing one is its own permission,
    # `api.issue_apitoken`, in no role: a superuser grants it to named staff, and this sync never removes it
    # (it sets groups' permissions, not users').
    *_model_permissions("api.apitoken", "change", "view"),
    *_model_permissions("ecf.declaration", "view"),
    # The API write-request log is read only for everyone.
    *_model_permissions("api.apirequest", "view"),
)

# Finance: statements, contracts and their bands, adjustments (append-only: no change), authorising
# payment, declarations (voiding and moving payments happen through finance actions), merging duplicate
# participants (it moves their declarations and payments; the original service's duplicates tool was a finance
# page), and a view of the people, schools, providers and cohorts behind them so they can find things.
FINANCE_PERMISSIONS: tuple[str, ...] = (
    *_many(("finance.statement", "finance.contract", "finance.band"), "add", "change", "view"),
    *_model_permissions("finance.adjustment", "add", "view"),
    "finance.authorise_payment",
    *_model_permissions("ecf.declaration", "change", "view"),
    "ecf.merge_participant",
    *_many(
        ("ecf.participant", "ecf.trainingrecord", "ecf.school", "ecf.leadprovider", "ecf.cohort"),
        "view",
    ),
)


@dataclass(frozen=True)
class Role:
    key: str  # as typed on the command line
    group_name: str  # the auth group that carries the permissions
    permissions: tuple[str, ...]  # "app_label.codename", as `user.has_perm` takes them


ROLES: dict[str, Role] = {
    "admin": Role(key="admin", group_name="Admin", permissions=ADMIN_PERMISSIONS),
    "finance": Role(key="finance", group_name="Finance", permissions=FINANCE_PERMISSIONS),
}


def sync_staff_roles(
    sender: AppConfig | None = None,
    *,
    apps: Apps = global_apps,
    using: str = DEFAULT_DB_ALIAS,
    **kwargs: Any,
) -> None:
    """`post_migrate` handler: each role's group exists and holds exactly the role's permissions.

    Django creates an app's permissions when `post_migrate` is sent for that app, in INSTALLED_APPS order,
    so when this runs (for ecf) the later apps' permissions may not exist yet: they are created here first,
    with Django's own (idempotent) function."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    if not router.allow_migrate_model(using, group_model):
        return
    app_labels = {permission.split(".")[0] for role in ROLES.values() for permission in role.permissions}
    for app_label in sorted(app_labels):
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps)
    for role in ROLES.values():
        permissions = []
        for name in role.permissions:
            app_label, codename = name.split(".")
            found = list(
                permission_model.objects.using(using).filter(content_type__app_label=app_label, codename=codename)
            )
            if not found:
                raise ImproperlyConfigured(
                    f"The {role.group_name} role names a permission that does not exist: {name}."
                )
            permissions.extend(found)
        group, _ = group_model.objects.using(using).get_or_create(name=role.group_name)
        group.permissions.set(permissions)


@dataclass(frozen=True)
class StaffUserSaved:
    user: User
    created: bool
    previous_roles: tuple[str, ...]  # the group names of the roles the user held before
    generated_password: str | None  # a one-time password made here, to show once; None when none was made


def _split_name(full_name: str) -> tuple[str, str]:
    first, _, last = full_name.strip().partition(" ")
    return first, last.strip()


@transaction.atomic
def staff_user_save(
    *,
    email: str,
    role: str,
    full_name: str | None = None,
    password: str | None = None,
    reset_password: bool = False,
) -> StaffUserSaved:
    """Create a staff user (username = email, lower-cased) with the role, or give an existing one the role
    instead of any other staff role. A new user gets `password`, or a generated one returned to be shown
    once; an existing user's password is changed only when `reset_password` is asked for."""
    chosen = ROLES.get(role)
    if chosen is None:
        raise ValidationError(f"Unknown role {role!r}: choose one of {', '.join(sorted(ROLES))}.")
    address = email.strip().lower()
    validate_email(address)
    groups = {group.name: group for group in Group.objects.filter(name__in=[r.group_name for r in ROLES.values()])}
    if chosen.group_name not in groups:
        raise ValidationError(f"The {chosen.group_name} group does not exist yet: run `manage.py migrate` first.")

    user = User.objects.select_for_update().filter(username=address).first()
    created = user is None
    if user is None:
        user = User(username=address, email=address)
    elif password is not None and not reset_password:
        raise ValidationError(f"{address} already exists; its password is changed only when a reset is asked for.")
    if full_name is not None and full_name.strip():
        user.first_name, user.last_name = _split_name(full_name)
    user.is_staff = True

    generated = None
    if created or reset_password:
        if password is None:
            generated = password = secrets.token_urlsafe(18)
        validate_password(password, user)
        user.set_password(password)
    user.save()

    previous = tuple(sorted(user.groups.filter(pk__in=[g.pk for g in groups.values()]).values_list("name", flat=True)))
    user.groups.remove(*[group for name, group in groups.items() if name != chosen.group_name])
    user.groups.add(groups[chosen.group_name])
    return StaffUserSaved(user=user, created=created, previous_roles=previous, generated_password=generated)
