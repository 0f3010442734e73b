from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API access"

    def ready(self) -> None:
        from api import freshness

        freshness.connect()
