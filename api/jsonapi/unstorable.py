"""Text the database cannot store: a NUL character (PostgreSQL's text types refuse it) or an unpaired UTF-16
surrogate (valid in a JSON string as `\\ud800`, but not Unicode that can be encoded, so PostgreSQL's driver, and
the JSON renderer echoing it in an error, both fail). Any such string in a request is refused as a 400 before
it reaches a serializer, a service or the database, on every database alike."""

import re
from typing import Any

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
WHY = "contains a character the API cannot store (a NUL or an unpaired surrogate)"

Path = tuple[str | int, ...]


def unstorable_path(value: Any) -> Path | None:
    """The path (keys and indexes) to a string in `value`, a key included, that holds unstorable text; None when
    there is none. Walked without recursion: a body may nest as deep as the JSON parser allows."""
    pending: list[tuple[Path, Any]] = [((), value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if UNSTORABLE.search(key):
                    return (*path, key)
                pending.append(((*path, key), child))
        elif isinstance(item, list):
            pending.extend(((*path, index), child) for index, child in enumerate(item))
    return None


def body_error(path: Path) -> str:
    """The 400's detail, naming an attribute as every other error does (`'#/declaration_type'`), and anything
    else by its JSON pointer."""
    shown = path[2:] if len(path) >= 3 and path[:2] == ("data", "attributes") else path
    pointer = "/".join(_printable(str(step)) for step in shown)
    return f"The '#/{pointer}' value {WHY}."


def _printable(text: str) -> str:
    return UNSTORABLE.sub("\ufffd", text)
