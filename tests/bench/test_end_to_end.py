"""python -m bench, tiny: the small data set served by gunicorn as run.sh does, two short steps of
simulated tablets (Locust, in a process of its own), the manager's pages and the export, measured
over HTTP, in well under a minute."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]

# Locust is looked for, not imported: importing it patches this process's standard library for gevent.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("locust") is None,
                                reason="needs the bench's load generator (requirements-bench.txt)")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@pytest.mark.timeout(240)
def test_a_tiny_run_measures_tablets_pages_and_the_export(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--small", "--seconds", "5", "--first", "6", "--step", "6", "--most", "12",
         "--repeat", "3", "--no-browser", "--no-doc", "--sqlite-only", "--results", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=230, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    table = next(tmp_path.glob("bench-*.md")).read_text()
    assert "**Tablets one server holds: " in table and "(goal ≥ 1,000: " in table

    steps = [_cells(line) for line in table.splitlines() if line.startswith(("| 6 |", "| 12 |"))]
    assert steps and steps[0][0] == "6"
    for cells in steps:
        taps_ok, recorded = (int(n.replace(",", "")) for n in cells[7].split(" / "))
        assert taps_ok == recorded  # every tap answered 200 was a party's step in the database
        assert cells[9] == "0"  # nothing failed
    last = json.loads((tmp_path / "tablets-out.json").read_text())
    tablets = int(steps[-1][0])
    assert 2 * tablets <= last["planned"]["poll"] <= 3 * tablets  # a poll every 2 s for 5 s
    assert last["statuses"]["poll"].get("204", 0) > 0  # the tablets follow the token: unchanged boards answer 204
    assert sum(last["statuses"]["poll"].values()) == last["planned"]["poll"]

    pages = [_cells(line) for line in table.splitlines() if line.startswith(tuple(f"| {p.name} |" for p in PAGES))]
    assert len(pages) == len(PAGES) and all(cells[1] == "3" and cells[-1] == "200" for cells in pages)
    assert "CSV export of the whole lost-and-found log (300 items" in table and "status 200" in table


@pytest.mark.timeout(120)
def test_the_generator_check_runs_tablets_against_the_stand_in(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench", "--generator-check", "--most", "20", "--seconds", "3",
                           "--results", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=110,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    row = next(_cells(line) for line in done.stdout.splitlines() if line.startswith("| 20 |"))
    assert row[9] == "0"  # nothing failed
    assert "the load generator: " in done.stdout and "% of one core" in done.stdout
    out = json.loads((tmp_path / "tablets-out.json").read_text())
    assert sum(out["statuses"]["poll"].values()) == out["planned"]["poll"] >= 20  # every planned poll answered
    assert out["unsent_taps"] == 0 and out["statuses"]["tap"].get("200", 0) == out["planned"].get("tap", 0)
    assert out["parties_known"] == 300  # the desk lost no party
