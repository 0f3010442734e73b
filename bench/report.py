"""The benchmark's output: figures with their floors, ratios and targets, printed as a table and written
as JSON (`bench/results/<size>-<date>.json`). No Django here: the report outlives the run's database."""

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TextIO

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Target:
    """What a figure must meet: its ratio to the floor (`on="ratio"`) or its own value (`on="value"`)
    at most `limit`."""

    limit: float
    on: Literal["ratio", "value"] = "ratio"

    def describe(self, unit: str, *, higher_is_better: bool = False) -> str:
        if self.on == "value":
            return f"≤ {self.limit:g} {unit}"
        # A rate's ratio is floor / value: at most `limit` means a value of at least 1 / `limit` times the floor's.
        return f"value ≥ {1 / self.limit:g}x floor" if higher_is_better else f"≤ {self.limit:g}x floor"


@dataclass
class Figure:
    """One measured figure. `floor` is what the database and a JSON encoder alone need for the same
    work, measured in the same run; `ratio` says how many times slower than the floor the figure is
    (for rates, where more is better, floor / value). `conditions` are further named checks the figure
    must pass to meet its target (say, "the same for every page size")."""

    key: str
    label: str
    value: float
    unit: str
    floor: float | None = None
    target: Target | None = None
    higher_is_better: bool = False
    conditions: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or not self.floor or not self.value:
            return None
        return self.floor / self.value if self.higher_is_better else self.value / self.floor

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        measured = self.ratio if self.target.on == "ratio" else self.value
        return measured is not None and measured <= self.target.limit and all(self.conditions.values())

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "target": self.target.describe(self.unit, higher_is_better=self.higher_is_better) if self.target else None,
            "ratio": self.ratio,
            "met": self.met,
        }


@dataclass
class Report:
    size: str
    day: date
    machine: dict[str, Any] = field(default_factory=dict)
    sizes: dict[str, int | str] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    run_seconds: float | None = None

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def as_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "date": self.day.isoformat(),
            "machine": self.machine,
            "sizes": self.sizes,
            "figures": [figure.as_json() for figure in self.figures],
            "notes": self.notes,
            "run_seconds": self.run_seconds,
        }

    def write(self, directory: Path = RESULTS_DIR) -> Path:
        path = directory / f"{self.size}-{self.day.isoformat()}.json"
        path.write_text(json.dumps(self.as_json(), indent=2, default=str) + "\n")
        return path

    def print_table(self, out: TextIO) -> None:
        header = ("figure", "value", "floor", "ratio", "target", "met?")
        rows = [header, *(_row(figure) for figure in self.figures)]
        widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
        for index, row in enumerate(rows):
            cells = [
                cell.ljust(width) if column in (0, 4) else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            out.write("  ".join(cells).rstrip() + "\n")
            if index == 0:
                out.write("  ".join("-" * width for width in widths) + "\n")
        for note in self.notes:
            out.write(f"note: {note}\n")


def say(message: str) -> None:
    """A progress line on standard error (the table goes to standard output)."""
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def _row(figure: Figure) -> tuple[str, str, str, str, str, str]:
    ratio = figure.ratio
    met = {True: "yes", False: "NO", None: ""}[figure.met]
    return (
        figure.label,
        _quantity(figure.value, figure.unit),
        _quantity(figure.floor, figure.unit) if figure.floor is not None else "",
        f"{ratio:.2f}x" if ratio is not None else "",
        figure.target.describe(figure.unit, higher_is_better=figure.higher_is_better) if figure.target else "",
        met,
    )


def _quantity(value: float, unit: str) -> str:
    digits = 0 if abs(value) >= 100 or float(value).is_integer() else 1 if abs(value) >= 10 else 3
    return f"{value:,.{digits}f} {unit}".strip()


def machine_facts() -> dict[str, Any]:
    """The machine the figures were measured on (Linux /proc), and the code they were measured for."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_field("/proc/cpuinfo", "model name"),
        "memory_mb": _memory_mb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
    }


def _proc_field(path: str, name: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == name:
                return value.strip()
    except OSError:
        return None
    return None


def _memory_mb() -> int | None:
    total = _proc_field("/proc/meminfo", "MemTotal")  # "24683940 kB"
    return int(total.split()[0]) // 1024 if total else None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=True, cwd=RESULTS_DIR.parent)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()
