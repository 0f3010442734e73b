"""The sandbox page's generated parts: the seed's named scenarios, the attributes of the request that adds test
participants, the rate limits in force, and the sandbox clock header with the error it answers."""

from django.conf import settings

from api.middleware import SandboxClockMiddleware
from guidance import openapi
from guidance.tables import table
from sandbox.scenarios import SCENARIOS

ADD_PARTICIPANTS = "POST /api/v3/sandbox/participants"

CLOCK_HEADER = SandboxClockMiddleware.HEADER.removeprefix("HTTP_").replace("_", "-").title()


def scenarios_markdown() -> str:
    """The seed's declared scenarios (`sandbox.scenarios.SCENARIOS`), as a table."""
    rows = [f"| “{scenario.label}: …” | {scenario.description} |" for scenario in SCENARIOS]
    return "| participants named | notes |\n|---|---|\n" + "\n".join(rows) + "\n"


def add_participants_attributes_markdown() -> str:
    """The attributes `POST /api/v3/sandbox/participants` takes and what each means, from the OpenAPI document."""
    operation = next(op for op in openapi.operations() if op.label == ADD_PARTICIPANTS)
    body = operation.request_schema()
    assert body is not None, f"{ADD_PARTICIPANTS} documents no request body"
    data = openapi.resolve(openapi.resolve(body)["properties"]["data"])
    attributes = openapi.resolve(data["properties"]["attributes"])["properties"]
    rows = []
    for name, schema in attributes.items():
        # The document lists an enum's values after its description; here they follow it on one line.
        description = schema.get("description", "").split("\n\n* ")[0].strip()
        values = openapi.enum_values(schema) if openapi.resolve(schema).get("type") != "array" else []
        if values:
            description += " One of " + ", ".join(f"`{value}`" for value in values) + "."
        rows.append((f"`{name}`", description))
    return table(("attribute", "what to send"), rows)


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
