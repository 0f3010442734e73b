"""Markdown tables for the generated blocks."""

from collections.abc import Iterable, Sequence


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"

    return "\n".join([line(headers), "|" + "---|" * len(headers), *(line(row) for row in rows)]) + "\n"


def errors_table(errors: Iterable[tuple[str, str]]) -> str:
    """422 errors as the API sends them: the title (the field) and the detail."""
    return table(("error title", "detail"), ((f"`{title}`", detail) for title, detail in errors))
