"""Every database constraint is proven by a failing insert in its app's model tests."""

from pathlib import Path

import pytest
from django.apps import apps

TESTS = Path(__file__).resolve().parent
DOMAIN_APPS = ("ecf", "partnerships", "finance", "api")


@pytest.mark.parametrize("app_label", DOMAIN_APPS)
def test_every_constraint_is_named_by_a_test(app_label):
    tested = (TESTS / app_label / "test_models.py").read_text()
    untested = sorted(
        constraint.name
        for model in apps.get_app_config(app_label).get_models()
        for constraint in model._meta.constraints
        if f'"{constraint.name}"' not in tested
    )
    assert untested == [], f"constraints without a failing-insert test in tests/{app_label}/test_models.py"
