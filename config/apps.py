from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app only to register its system checks (config/checks.py) and its database
    connection set-up (config/postgres.py)."""

    name = "config"

    def ready(self) -> None:
        from config import checks, postgres  # noqa: F401  (registers the checks and the signal receiver)
