"""Production settings pass Django's deployment checklist (and the project's own checks, config/checks.py), and
HTTPS redirects spare the health checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import Client

from config.checks import PROXY_TAG

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "SANDBOX",
    "ALLOWED_HOSTS",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "BEHIND_PROXY",
    "TRUSTED_PROXY_COUNT",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
}


def run_in_production(code: list[str], **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION_VARIABLES}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),  # 86 random characters
        ALLOWED_HOSTS="example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(environment)
    return subprocess.run([sys.executable, *code], cwd=PROJECT, env=env, capture_output=True, text=True)


CHECK_DEPLOY = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run_in_production(CHECK_DEPLOY, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_a_database_holding_the_development_superuser(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    user = "import django; django.setup(); from django.contrib.auth import get_user_model; User = get_user_model(); "
    assert run_in_production(["manage.py", "migrate", "-v0"], DATABASE_URL=database).returncode == 0
    seeded = user + "User.objects.create_superuser('admin', 'admin@example.com', 'admin')"
    assert run_in_production(["-c", seeded], DATABASE_URL=database).returncode == 0

    refused = run_in_production(CHECK_DEPLOY, DATABASE_URL=database)

    assert refused.returncode != 0
    assert "config.E001" in refused.stderr
    secured = user + "u = User.objects.get(username='admin'); u.set_password('a-long-password-of-its-own'); u.save()"
    assert run_in_production(["-c", secured], DATABASE_URL=database).returncode == 0
    clean = run_in_production(CHECK_DEPLOY, DATABASE_URL=database)
    assert clean.returncode == 0, clean.stdout + clean.stderr


@pytest.mark.parametrize(("behind_proxy", "trusted", "warned"), [(True, 0, True), (True, 1, False), (False, 0, False)])
def test_a_proxy_hiding_every_clients_address_is_warned_of(settings, behind_proxy, trusted, warned):
    settings.BEHIND_PROXY = behind_proxy
    settings.TRUSTED_PROXY_COUNT = trusted

    ids = [message.id for message in checks.run_checks(tags=[PROXY_TAG])]

    assert ids == (["config.W001"] if warned else [])


def test_the_production_server_warns_at_start_up_when_every_client_shares_one_address():
    result = run_in_production(["-c", "import config.wsgi"], BEHIND_PROXY="1")

    assert result.returncode == 0, result.stderr
    assert "WARNING config.checks [-] config.W001: BEHIND_PROXY is on and TRUSTED_PROXY_COUNT is 0" in result.stderr


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, "
    "s.STORAGES['staticfiles']['BACKEND'])"
)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "31536000 True None whitenoise.storage.CompressedManifestStaticFilesStorage"),
        (
            {"SECURE_HSTS_SECONDS": "60", "SECURE_SSL_REDIRECT": "0", "BEHIND_PROXY": "1"},
            "60 False ('HTTP_X_FORWARDED_PROTO', 'https') whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
        ({"DEBUG": "1"}, "0 False None django.contrib.staticfiles.storage.StaticFilesStorage"),
    ],
)
def test_https_settings_come_from_the_environment(environment, expected):
    result = run_in_production(["-c", SHOW], **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("path", "status"),
    [("/healthcheck", 200), ("/admin/login/", 301)],
)
def test_ssl_redirect_spares_only_the_health_checks(settings, path, status):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(path)  # a new client builds its middleware from the settings above
    assert response.status_code == status
    if status == 301:
        assert response["Location"] == f"https://testserver{path}"
