from django.conf import settings
from django.http import HttpRequest


def environment(request: HttpRequest) -> dict[str, bool]:
    """Lets templates tell the sandbox from the live service."""
    return {"sandbox": settings.SANDBOX}
