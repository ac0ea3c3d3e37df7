"""The verdict on a step of tablets, on known figures: the restaurant's limits (tap p99 100 ms,
poll p99 50 ms, no failed request), 409s counted but no failure, and the climb's stop."""
from __future__ import annotations

import pytest

from bench.capacity import EXPECTED, Criteria, Kind, Step, climb, held, percentile, sizes, verdict


def step(tablets=100, tap_ms=(5.0,) * 98 + (100.0,) * 2, poll_ms=(2.0,) * 98 + (50.0,) * 2, statuses=None,
         **extra) -> Step:
    statuses = statuses or {"poll": {204: 60, 200: 40}, "tap": {200: 100}, "page": {200: 2}}
    kinds = {"tap": Kind(list(tap_ms), statuses["tap"], 100, frozenset(EXPECTED["tap"])),
             "poll": Kind(list(poll_ms), statuses["poll"], 100, frozenset(EXPECTED["poll"])),
             "page": Kind([30.0, 40.0], statuses["page"], 2, frozenset(EXPECTED["page"]))}
    return Step(tablets, 10.0, kinds, generator_cpu=extra.pop("generator_cpu", 2.0), wall_seconds=10.0, **extra)


def test_percentiles_by_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 99) == 99.0 and percentile(values, 100) == 100.0
    assert percentile([3.0, 1.0, 2.0], 99) == 3.0  # fewer than 100 values: p99 is the largest
    assert percentile([], 99) is None


def test_a_step_at_the_limits_passes():
    s = step()
    assert s.kinds["tap"].p(99) == 100.0 and s.kinds["poll"].p(99) == 50.0
    assert verdict(s) == []


@pytest.mark.parametrize(("changes", "missed"), [
    ({"tap_ms": (5.0,) * 98 + (101.0, 101.0)}, "tap p99 101 ms > 100"),
    ({"poll_ms": (2.0,) * 98 + (51.0, 51.0)}, "poll p99 51 ms > 50"),
    ({"statuses": {"poll": {204: 99, 500: 1}, "tap": {200: 100}, "page": {200: 2}}}, "1 failed"),
    ({"statuses": {"poll": {204: 99, 0: 1}, "tap": {200: 100}, "page": {200: 2}}}, "1 failed"),  # no answer
    ({"statuses": {"poll": {204: 100}, "tap": {200: 99, 403: 1}, "page": {200: 2}}}, "1 failed"),
    ({"unsent_taps": 3}, "3 failed"),  # tap moments with no party to tap
    ({"unreadable": 2}, "2 failed"),  # answers without a board version to follow
    ({"generator_cpu": 9.5}, "the load generator fell behind"),
    ({"recycler_error": "database is locked"}, "the recycler failed (database is locked)"),
])
def test_a_step_fails_on_any_one_criterion(changes, missed):
    assert verdict(step(**changes)) == [missed]


def test_a_409_is_counted_and_no_failure():
    s = step(statuses={"poll": {204: 100}, "tap": {200: 90, 409: 10}, "page": {200: 2}})
    assert s.conflicts == 10 and s.failed == 0 and verdict(s) == []


def test_requests_planned_but_never_answered_fail_the_step():
    s = step(statuses={"poll": {204: 80}, "tap": {200: 100}, "page": {200: 2}})
    assert verdict(s) == ["20 planned requests unanswered"]


def test_other_limits():
    strict = Criteria(tap_p99_ms=50.0, poll_p99_ms=10.0)
    assert verdict(step(), strict) == ["tap p99 100 ms > 50", "poll p99 50 ms > 10"]


def test_rates_and_the_generators_share_of_a_core():
    s = step()
    assert s.rate("poll") == 10.0 and s.planned_rate("tap") == 10.0 and s.generator_load == 0.2


def test_the_climb_stops_at_the_first_failing_step_and_reports_the_largest_passing():
    measured = []

    def measure(tablets: int) -> Step:
        measured.append(tablets)
        slow = tablets > 500
        return step(tablets, tap_ms=(150.0,) * 100 if slow else (5.0,) * 100)

    steps = climb(sizes(250, 250, 2000), measure, log=lambda *_: None)
    assert measured == [250, 500, 750]
    assert held(steps) == 500
    assert held(steps[-1:]) == 0


def test_step_sizes():
    assert sizes(250, 250, 1000) == [250, 500, 750, 1000]
    assert sizes(10, 10, 25) == [10, 20]
    with pytest.raises(ValueError):
        sizes(0, 10, 20)


def test_a_step_from_the_tablets_output():
    data = {"tablets": 3, "seconds": 2.0, "wall_seconds": 2.5, "planned": {"poll": 3, "tap": 1},
            "latencies_ms": {"poll": [1.0, 2.0, 3.0], "tap": [9.0], "page": []},
            "statuses": {"poll": {"204": 2, "200": 1}, "tap": {"409": 1}, "page": {}},
            "lags_ms": [0.1, 0.2], "failures": [], "unsent_taps": 0, "unreadable": 0, "cpu_seconds": 0.1}
    s = Step.from_json(data)
    assert s.kinds["poll"].statuses == {204: 2, 200: 1} and s.kinds["page"].planned == 0
    assert s.conflicts == 1 and s.failed == 0 and s.kinds["tap"].p(50) == 9.0
    assert verdict(s) == []
