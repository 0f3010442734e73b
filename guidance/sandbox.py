"""The sandbox page's generated parts: the seed's named scenarios, the rate limits in force, and the sandbox clock
header with the error it answers."""

import ast
import inspect
import textwrap
from dataclasses import dataclass

from django.conf import settings

from api.middleware import SandboxClockMiddleware
from finance.sandbox.scenarios import ProviderScenarios

CLOCK_HEADER = SandboxClockMiddleware.HEADER.removeprefix("HTTP_").replace("_", "-").title()


@dataclass(frozen=True)
class Scenario:
    labels: tuple[str, ...]  # the name prefixes of the participants it seeds
    about: str


def _label(node: ast.expr) -> str:
    """A scenario label as written: a string, or an f-string with its placeholders named."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else f"<{ast.unparse(part.value)}>"  # type: ignore[attr-defined]
            for part in node.values
        )
    return ast.unparse(node)


def scenarios() -> list[Scenario]:
    """The seed's scenarios in the order it runs them, read from `ProviderScenarios.scenarios`: each one's
    participant labels (the first argument of its `self.person(...)` calls) and its docstring."""
    found = []
    for method in ProviderScenarios.scenarios(ProviderScenarios.__new__(ProviderScenarios)):
        function = getattr(method, "__func__", method)
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        labels = tuple(
            _label(call.args[0])
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "person"
            and call.args
        )
        about = " ".join((inspect.getdoc(function) or "").split())
        found.append(Scenario(labels, about))
    return found


def scenarios_markdown() -> str:
    rows = []
    for scenario in scenarios():
        names = "; ".join(f"“{label}: …”" for label in scenario.labels)
        rows.append(f"| {names} | {scenario.about} |")
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
