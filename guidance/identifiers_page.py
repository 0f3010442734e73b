"""The API IDs page's generated parts: the summary, the diagram and, per identifier, every place it travels."""

from collections import defaultdict

from guidance import diagrams, openapi
from guidance.identifiers import IDENTIFIERS, Occurrence, occurrences, relations, resource_type
from guidance.tables import breakable_code

PREFIX = "/api/v3"

DIRECTIONS = {"response": "response", "request": "request body", "path": "path", "query": "query"}


def _by_identifier() -> dict[str, list[tuple[Occurrence, list[str]]]]:
    grouped: dict[str, list[tuple[Occurrence, list[str]]]] = defaultdict(list)
    for occurrence, labels in sorted(occurrences().items()):
        grouped[occurrence.identifier].append((occurrence, labels))
    return grouped


def summary_markdown() -> str:
    grouped = _by_identifier()
    rows = "\n".join(
        f"| [`{identifier.name}`](#{identifier.name.replace('_', '-')}) | {identifier.names} | "
        f"{', '.join(sorted({occurrence.resource for occurrence, _ in grouped[identifier.name]}))} |"
        for identifier in IDENTIFIERS
    )
    return f"| identifier | names | carried by resources |\n|---|---|---|\n{rows}\n"


def diagram_markdown() -> str:
    nodes = [diagrams.Node(i.name, i.name, i.names, i.column, i.row) for i in IDENTIFIERS]
    edges = [diagrams.Edge(r.carrier, r.carried, r.label, dashed=bool(r.label)) for r in relations()]
    listing = "\n".join(f"- `{r.carrier}` {'is a' if r.label else 'carries'} `{r.carried}`" for r in relations())
    description = "; ".join(f"{r.carrier} {'is a' if r.label else 'carries'} {r.carried}" for r in relations())
    figure = diagrams.svg("identifiers", "The API's identifiers and how they relate", description, nodes, edges)
    return (
        f"{figure}\n\nAn arrow from A to B means the resource (or enrolment) named by A carries B; a dashed arrow "
        f"means A's values are B's values. The same, as a list:\n\n{listing}\n"
    )


def _answering(resource: str) -> set[str]:
    return {operation.label for operation in openapi.operations() if resource_type(operation) == resource}


def _operations(occurrence: Occurrence, labels: list[str]) -> str:
    """The operations where it travels: "every answer" when that is every operation answering with the resource."""
    if occurrence.direction == "response" and set(labels) == _answering(occurrence.resource):
        return f"every {occurrence.resource} answer"
    return "<br>".join(breakable_code(label.replace(PREFIX, "", 1)) for label in sorted(set(labels)))


def details_markdown() -> str:
    grouped = _by_identifier()
    sections = []
    for identifier in IDENTIFIERS:
        rows = "\n".join(
            f"| {occurrence.resource} | {breakable_code(occurrence.attribute)} | {DIRECTIONS[occurrence.direction]} | "
            f"{_operations(occurrence, labels)} |"
            for occurrence, labels in grouped[identifier.name]
        )
        sections.append(
            f"## {identifier.name}\n\n{identifier.meaning}\n\n**How it can change.** {identifier.changes}\n\n"
            f"| resource | attribute | in | operations (paths under `{PREFIX}`) |\n|---|---|---|---|\n{rows}\n"
        )
    return "\n".join(sections)
