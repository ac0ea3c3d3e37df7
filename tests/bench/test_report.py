"""The bench's table: the tablets one server holds against the backend's goal, one row per step."""
from __future__ import annotations

from types import SimpleNamespace

from bench.capacity import EXPECTED, Kind, Step
from bench.report import section, step_row, tablets_section


def _step(tablets: int, tap_p99: float, conflicts: int = 0) -> Step:
    kinds = {"poll": Kind([3.0] * 100, {204: 50, 200: 50}, 100, frozenset(EXPECTED["poll"])),
             "tap": Kind([8.0] * 98 + [tap_p99] * 2, {200: 100 - conflicts, 409: conflicts}, 100,
                         frozenset(EXPECTED["tap"])),
             "page": Kind([40.0], {200: 1}, 1, frozenset(EXPECTED["page"]))}
    return Step(tablets, 10.0, kinds, lags_ms=[0.5] * 10, generator_cpu=3.0, wall_seconds=10.0, server_cpu=15.0,
                others_cores=0.25, transitions=100 - conflicts)


def _result(backend: str, steps: list[Step]):
    return SimpleNamespace(backend=backend, steps=steps, parties=156, tables=21, pages=[], export=None,
                           browser=None, data={"reservations": 700_000}, build_seconds=0, schema="flask db upgrade")


def test_a_step_row_gives_rates_percentiles_conflicts_and_cpu():
    row = step_row(_step(500, 60.0, conflicts=3))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:4] == ["500", "10 (10)", "10.0 (10.0)", "1"]
    assert cells[4:7] == ["3.0 / 3.0", "8.0 / 60", "40 / 40"]
    assert cells[7:10] == ["97 / 97", "3", "0"]
    assert cells[10:] == ["1.50", "0.30 (0.5 ms)", "0.25", "passed"]


def test_the_largest_passing_step_against_the_goal():
    steps = [_step(250, 20.0), _step(500, 40.0), _step(750, 140.0)]
    lines = tablets_section(_result("PostgreSQL", steps), 30)
    assert lines[0].startswith("**Tablets one server holds: 500** (goal ≥ 500: met). Steps of 30 s")
    assert lines[-1].endswith("| **failed**: tap p99 140 ms > 100 |")
    sqlite = tablets_section(_result("SQLite (embedded file)", steps), 30)
    assert sqlite[0].startswith("**Tablets one server holds: 500** (goal ≥ 1,000: **not met**)")
    none = tablets_section(_result("SQLite (embedded file)", steps[2:]), 30)
    assert none[0].startswith("**Tablets one server holds: fewer than 750** (goal ≥ 1,000: **not met**)")


def test_a_whole_section_without_pages_or_browser():
    text = section(_result("SQLite (embedded file)", [_step(250, 20.0)]), "Scale()", 30)
    assert text.startswith("### SQLite (embedded file)\n\n**Tablets one server holds: 250**")
    assert "| manager page, one request at a time |" in text and "Data: reservations 700,000" in text


def test_a_busy_machine_is_said_to_be_busy():
    from bench.report import busy

    quiet, loaded = _step(250, 20.0), _step(500, 20.0)
    quiet.others_cores, loaded.others_cores = 0.05, 1.4
    assert busy([_result("SQLite", [quiet])], (0.5, 0.5, 0.5)) == ""
    warning = busy([_result("SQLite", [quiet, loaded])], (0.5, 0.5, 0.5))
    assert warning.startswith("**A busy machine**: other processes used up to 1.40 of its")
    assert busy([_result("SQLite", [quiet])], (1000.0, 15.0, 14.0)).endswith(
        "(load average 1000.0 at the start); these figures are lower than the machine's own.")
