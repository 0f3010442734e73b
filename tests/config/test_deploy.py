"""Production settings pass Django's deployment checklist, and HTTPS redirects spare the health checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "SANDBOX",
    "ALLOWED_HOSTS",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "BEHIND_PROXY",
    "DJANGO_SETTINGS_MODULE",
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


def test_check_deploy_is_clean_in_production():
    result = run_in_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr


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
