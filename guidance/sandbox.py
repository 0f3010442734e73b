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


def _loop_values(tree: ast.AST) -> dict[str, list[str]]:
    """Names bound by `for a, b in ((literal, ...), ...)` loops, with the literal strings each takes."""
    values: dict[str, list[str]] = {}
    for loop in ast.walk(tree):
        if not (isinstance(loop, ast.For) and isinstance(loop.iter, ast.Tuple | ast.List)):
            continue
        targets = loop.target.elts if isinstance(loop.target, ast.Tuple) else [loop.target]
        for position, target in enumerate(targets):
            items = [item.elts[position] if isinstance(item, ast.Tuple) else item for item in loop.iter.elts]
            if isinstance(target, ast.Name) and all(
                isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items
            ):
                values[target.id] = [str(item.value) for item in items]  # type: ignore[attr-defined]
    return values


def _labels(node: ast.expr, loops: dict[str, list[str]]) -> list[str]:
    """A scenario's label as written: a string, or an f-string expanded over the literal values of its loop."""
    if isinstance(node, ast.Constant):
        return [str(node.value)]
    if not isinstance(node, ast.JoinedStr):
        return [ast.unparse(node)]
    labels = [""]
    for part in node.values:
        if isinstance(part, ast.Constant):
            labels = [label + str(part.value) for label in labels]
        else:
            expression = ast.unparse(part.value)  # type: ignore[attr-defined]
            labels = [label + value for label in labels for value in loops.get(expression, [f"[{expression}]"])]
    return labels


def scenarios() -> list[Scenario]:
    """The seed's scenarios in the order it runs them, read from `ProviderScenarios.scenarios`: each one's
    participant labels (the first argument of its `self.person(...)` calls) and its docstring."""
    found = []
    for method in ProviderScenarios.scenarios(ProviderScenarios.__new__(ProviderScenarios)):
        function = getattr(method, "__func__", method)
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        loops = _loop_values(tree)
        labels = tuple(
            label
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "person"
            and call.args
            for label in _labels(call.args[0], loops)
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
