"""The project's own system checks (`manage.py check`; `--deploy` adds the deployment ones).

- config.W001: behind a proxy (`BEHIND_PROXY`) with `TRUSTED_PROXY_COUNT=0`, every client has the proxy's
  address: they share one address's API rate-limit budget, and five wrong passwords lock a staff username out
  for everyone. Also logged when the WSGI application starts (gunicorn runs no checks).
- config.E001 (deploy): the database holds the sandbox seed's development superuser (`admin` / `admin`).
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DatabaseError

from sandbox.names import DEVELOPMENT_ADMIN

logger = logging.getLogger(__name__)

PROXY_TAG = "proxy"


@checks.register(PROXY_TAG)
def proxy_hides_client_addresses(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if not (settings.BEHIND_PROXY and settings.TRUSTED_PROXY_COUNT == 0):
        return []
    return [
        checks.Warning(
            "BEHIND_PROXY is on and TRUSTED_PROXY_COUNT is 0: every client shares the proxy's address, so one "
            "client can spend every client's API rate-limit budget, and five wrong passwords lock a staff "
            "username out for everyone.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app that append to X-Forwarded-For.",
            id="config.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def no_development_superuser(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    username, password = DEVELOPMENT_ADMIN
    try:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
    except DatabaseError:  # no database yet, or not migrated: it holds no user
        return []
    if user is None or not user.check_password(password):
        return []
    return [
        checks.Error(
            f"The database holds the sandbox's development superuser ({username!r} with its published password).",
            hint=f"Delete that user, or set a strong password: manage.py changepassword {username}",
            id="config.E001",
        )
    ]


def log_start_up_warnings() -> None:
    """Log what the start-up checks find, for servers that run none themselves (gunicorn)."""
    for message in checks.run_checks(tags=[PROXY_TAG]):
        logger.warning("%s: %s %s", message.id, message.msg, message.hint or "")
