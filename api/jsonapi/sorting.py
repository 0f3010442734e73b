"""`sort=created_at,-updated_at`: the API's sort keys mapped to model fields, always ending on `id` so
the order is total (a stable order is what makes page-by-page and cursor syncs exact)."""

from dataclasses import dataclass

from api.jsonapi.exceptions import BadRequest


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False

    @property
    def expression(self) -> str:
        return f"-{self.field}" if self.descending else self.field


def parse_sort(raw: str | None, allowed: dict[str, str], default: tuple[str, ...]) -> list[SortKey]:
    """The sort keys for a request: `raw` (the `sort` parameter) checked against `allowed`
    (API key -> model field), or `default` when absent or when the endpoint takes no sort."""
    keys: list[SortKey] = []
    if raw and raw.strip() and allowed:
        for item in raw.split(","):
            name = item.strip()
            descending = name.startswith("-")
            name = name.lstrip("+-")
            if name not in allowed:
                choices = ", ".join(sorted(allowed))
                raise BadRequest(f"The '#/sort' value '{item.strip()}' is not one of: {choices}.")
            keys.append(SortKey(allowed[name], descending))
    else:
        keys = [SortKey(field.lstrip("-"), field.startswith("-")) for field in default]
    if not any(key.field == "id" for key in keys):
        keys.append(SortKey("id"))
    return keys
