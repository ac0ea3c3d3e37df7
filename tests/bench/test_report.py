"""The table compares each row with the floor measured beside it (bench/run.Floor)."""
from __future__ import annotations

from bench.load import Run
from bench.report import table, targets
from bench.run import BackendResult, Floor, Row


class FakeFloor(Floor):
    """Floor's bookkeeping without a server: each measurement gives the next rate of `rates`."""

    def __init__(self, rates):
        self.rates = iter(rates)
        self.runs = []

    def measure(self) -> float:
        self.runs.append(Run(requests=int(next(self.rates)), duration_us=1_000_000))
        return self.runs[-1].rps


def test_a_row_gets_the_higher_floor_of_just_before_and_just_after_it():
    floor = FakeFloor([3000.0, 2000.0, 2100.0])
    render, action = Row("render", "page", rps=330.0), Row("action", "tap", rps=210.0)
    floor.measure()  # 3,000 before the page
    floor.beside(render)  # 2,000 after the page, before the taps
    floor.beside(action)  # 2,100 after the taps
    assert (render.floor_rps, action.floor_rps) == (3000.0, 2100.0)


def test_the_shares_and_targets_use_the_floor_beside_each_row():
    result = BackendResult("SQLite")
    result.rows = [Row("floor", "floor", rps=3000.0),
                   Row("render", "page", rps=340.0, p99_ms=20.0, floor_rps=2000.0),  # 17% of its own floor
                   Row("action", "tap", rps=250.0, floor_rps=3000.0)]  # 8.3%
    result.board_statements = {10: 6, 300: 6}
    checks = targets(result)
    assert checks["render"][1] == "yes"  # 11% of the run's first floor, 17% of the one beside it
    assert checks["action"][1] == "**NO**: 8.3% of floor"
    text = table(result, scale="small")
    assert "| 17% (2,000) |" in text
    assert "| 8% (3,000) |" in text


def test_a_row_without_a_floor_beside_it_is_compared_with_the_runs_floor():
    result = BackendResult("SQLite")
    result.rows = [Row("floor", "floor", rps=2000.0), Row("action", "tap", rps=250.0)]
    result.board_statements = {300: 6}
    assert targets(result)["action"][1] == "yes"  # 12.5%


def test_a_share_just_under_its_target_is_not_written_as_the_target():
    result = BackendResult("SQLite")
    result.rows = [Row("floor", "floor", rps=3322.0), Row("action", "tap", rps=321.0)]
    result.board_statements = {300: 6}
    assert targets(result)["action"][1] == "**NO**: 9.7% of floor"  # the 16:48 run's SQLite row
