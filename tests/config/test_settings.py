import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
A_SECRET_KEY = "a-real-secret-from-the-environment"


def load_settings(**environment: str) -> subprocess.CompletedProcess[str]:
    """Load the real settings in a new process with only `environment` (of the settings' own variables)."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "SANDBOX"}}
    env.update(environment, DJANGO_SETTINGS_MODULE="config.settings")
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG, s.SANDBOX)"
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True)


def test_without_any_variable_the_settings_are_production_and_refuse_the_development_key():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_with_only_a_secret_key_debug_and_sandbox_are_off():
    result = load_settings(SECRET_KEY=A_SECRET_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"


def test_development_settings_come_from_an_explicit_debug():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


@pytest.mark.parametrize(("value", "expected"), [("1", "False True"), ("0", "False False")])
def test_sandbox_flag_can_be_set_explicitly(value, expected):
    assert load_settings(SANDBOX=value, SECRET_KEY=A_SECRET_KEY).stdout.strip() == expected


def test_admin_shows_the_sandbox_banner(admin_client, settings, db):
    settings.SANDBOX = True
    assert b"SANDBOX" in admin_client.get("/admin/").content
    settings.SANDBOX = False
    assert b"SANDBOX" not in admin_client.get("/admin/").content


def test_a_staff_session_lasts_a_working_day(client, admin_user):
    response = client.post("/admin/login/", {"username": admin_user.username, "password": "password"})

    assert response.status_code == 302
    assert client.session.get_expiry_age() == 9 * 3600
    assert client.cookies["sessionid"]["max-age"] == 9 * 3600
