"""The sandbox page's generated parts: the seed's named scenarios, the rate limits in force, and the sandbox clock
header with the error it answers."""

from django.conf import settings

from api.middleware import SandboxClockMiddleware
from sandbox.scenarios import SCENARIOS

CLOCK_HEADER = SandboxClockMiddleware.HEADER.removeprefix("HTTP_").replace("_", "-").title()


def scenarios_markdown() -> str:
    """The seed's declared scenarios (`sandbox.scenarios.SCENARIOS`), as a table."""
    rows = [f"| “{scenario.label}: …” | {scenario.description} |" for scenario in SCENARIOS]
    return "| participants named | notes |\n|---|---|\n" + "\n".join(rows) + "\n"


def _window() -> str:
    seconds = settings.API_RATE_LIMIT_WINDOW_SECONDS
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"


def rate_limits_markdown() -> str:
    return (
        f"| who | requests per {_window()} |\n|---|---|\n"
        f"| each API token | {settings.API_RATE_LIMIT_PER_TOKEN:,} |\n"
        f"| each address, for requests without a token (these pages too) | {settings.API_RATE_LIMIT_PER_IP:,} |\n"
    )


def clock_header_markdown() -> str:
    return f"`{CLOCK_HEADER}`"
