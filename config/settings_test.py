"""Test settings: the real settings with development defaults, made faster. Nothing else."""

import os

# Tests run with development settings, as `make test` sets them (DEBUG at start-up, and so SANDBOX); the test
# runner switches DEBUG off while tests run. Processes a test starts inherit them unless it sets their own.
os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
