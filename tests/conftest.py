"""Fixtures shared by every test package."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from sandbox.seed import seed_sandbox


def _find_constraint(name: str) -> tuple[type[models.Model], models.BaseConstraint]:
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return model, constraint
    raise LookupError(f"No model declares a constraint named {name!r}.")


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The sandbox seeded once for the module that asks, inside a transaction rolled back when the module ends;
    each test runs in a savepoint of its own on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_sandbox(today=timezone.localdate())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def assert_violates() -> Callable[[str], AbstractContextManager[None]]:
    """`with assert_violates("declaration_one_live_per_slot"): <insert>` asserts that the block fails
    with an IntegrityError raised by that constraint, inside a savepoint so the test can go on using
    the database. For a field's `unique=True`, name it "app_label.Model.field".

    PostgreSQL names the violated constraint (or, for a field, its column); SQLite names CHECK
    constraints but reports unique violations by their columns, so those are matched by column."""

    def expected_fragment(name: str) -> str:
        if name.count(".") == 2:
            app_label, model_name, field_name = name.split(".")
            model = apps.get_model(app_label, model_name)
            field = model._meta.get_field(field_name)
            assert isinstance(field, models.Field)
            column = field.column
            if connection.vendor == "postgresql":
                return f"Key ({column})="
            return f"UNIQUE constraint failed: {model._meta.db_table}.{column}"
        model, constraint = _find_constraint(name)
        if isinstance(constraint, models.UniqueConstraint) and connection.vendor == "sqlite":
            columns = ", ".join(
                f"{model._meta.db_table}.{model._meta.get_field(field).column}"  # type: ignore[union-attr]
                for field in constraint.fields
            )
            return f"UNIQUE constraint failed: {columns}"
        return name

    @contextmanager
    def violates(name: str) -> Iterator[None]:
        fragment = expected_fragment(name)
        with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
            yield
        assert fragment in str(excinfo.value)

    return violates


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need its features (row locks under real concurrency); SQLite skips them."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
