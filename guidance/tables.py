"""Markdown tables for the generated blocks."""

import re
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"

    return "\n".join([line(headers), "|" + "---|" * len(headers), *(line(row) for row in rows)]) + "\n"


def errors_table(errors: Iterable[tuple[str, str]]) -> str:
    """422 errors as the API sends them: the title (the field) and the detail."""
    return table(("error title", "detail"), ((f"`{title}`", detail) for title, detail in errors))


def breakable_code(text: str) -> str:
    """Inline code as HTML that may wrap after `.`, `/` and `]` (long paths in narrow table cells), and nowhere
    else: copying it gives the text unchanged."""
    return '<code class="app-code">' + re.sub(r"([./\]])", r"\1<wbr>", escape(text)) + "</code>"


def day(value: date) -> str:
    """`1 Sep 2021`, kept on one line (non-breaking spaces) in narrow table columns."""
    return value.strftime("%-d\u00a0%b\u00a0%Y")
