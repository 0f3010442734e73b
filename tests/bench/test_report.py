import io
import json
from datetime import date

import pytest

from bench.report import Figure, Report, Target


def test_ratio_is_times_slower_than_the_floor_for_times_and_for_rates():
    assert Figure("sync", "sync", 6.0, "s", floor=2.0).ratio == 3.0
    assert Figure("writes", "writes", 50.0, "decl/s", floor=200.0, higher_is_better=True).ratio == 4.0
    assert Figure("memory", "memory", 180.0, "MB").ratio is None


@pytest.mark.parametrize(
    ("figure", "met"),
    [
        (Figure("a", "a", 3.0, "s", floor=1.0, target=Target(3)), True),
        (Figure("b", "b", 3.3, "s", floor=1.0, target=Target(3)), False),
        (Figure("c", "c", 250.0, "MB", target=Target(300, on="value")), True),
        (Figure("d", "d", 7, "queries", target=Target(8, on="value"), conditions={"constant": False}), False),
        (Figure("e", "e", 1.0, "s", floor=1.0), None),
    ],
)
def test_a_figure_meets_its_target_only_with_every_condition(figure, met):
    assert figure.met is met


def test_the_report_prints_a_table_and_writes_every_figure_to_json(tmp_path):
    report = Report("small", date(2026, 12, 3), machine={"cpu_count": 2}, sizes={"participants": 20000})
    report.add(Figure("participants_full_sync", "1. full sync: participants", 6.0, "s", floor=2.5, target=Target(3)))
    report.add(Figure("worker_peak_memory", "7. worker peak memory", 310.0, "MB", target=Target(300, on="value")))
    report.notes.append("a note")

    out = io.StringIO()
    report.print_table(out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["figure", "value", "floor", "ratio", "target", "met?"]
    assert "2.40x" in lines[2]
    assert lines[2].endswith("yes")
    assert "≤ 300 MB" in lines[3]
    assert lines[3].endswith("NO")
    assert lines[-1] == "note: a note"

    path = report.write(tmp_path)
    assert path.name == "small-2026-12-03.json"
    written = json.loads(path.read_text())
    assert written["sizes"] == {"participants": 20000}
    assert written["machine"] == {"cpu_count": 2}
    assert [figure["ratio"] for figure in written["figures"]] == [2.4, None]
    assert [figure["met"] for figure in written["figures"]] == [True, False]
    assert written["figures"][0]["target"] == "≤ 3x floor"
