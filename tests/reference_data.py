"""Reads the public reference data that lies beside the checkout (`../shared/reference/data`).

Tests use it to prove that the calendar rules reproduce the published facts; when the folder is
absent (a checkout on its own) those tests are skipped rather than faked.
"""

import csv
from datetime import date
from pathlib import Path

import pytest

REFERENCE_DATA = Path(__file__).resolve().parents[2] / "shared" / "reference" / "data"


def read_reference_csv(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DATA / name
    if not path.exists():
        pytest.skip(f"reference data {path} is not beside this checkout")
    with path.open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if any(row.values())]


def parse_date(value: str) -> date | None:
    if not value:
        return None
    year, month, day = (int(part) for part in value.replace("/", "-").split("-"))
    return date(year, month, day)


def parse_required_date(value: str) -> date:
    parsed = parse_date(value)
    assert parsed is not None, "a required date is missing from the reference data"
    return parsed
