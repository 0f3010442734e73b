from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app only to register its system checks (config/checks.py)."""

    name = "config"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers the checks)
