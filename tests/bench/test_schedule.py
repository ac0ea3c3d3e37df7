"""The simulated tablets' schedule: each tablet starts at its own moment of every cycle, so a step
sends a steady stream (a restaurant) and not bursts of tablets in lockstep."""
from __future__ import annotations

from collections import Counter

from bench.schedule import Cadence, TabletPlan, moments, planned, plans


def test_polls_are_spread_over_the_two_seconds():
    offsets = [plan.poll for plan in plans(1000, seed=7)]
    assert all(0 <= o < 2.0 for o in offsets)
    assert len(set(offsets)) == len(offsets)  # no two tablets in lockstep
    per_tenth = Counter(int(o * 10) for o in offsets)  # 20 bins of 100 ms, 50 polls each on average
    assert sorted(per_tenth) == list(range(20))
    assert max(per_tenth.values()) < 80 and min(per_tenth.values()) > 25


def test_taps_and_pages_start_anywhere_in_their_own_cycles():
    all_plans = plans(1000, seed=7)
    taps, pages = [p.tap for p in all_plans], [p.page for p in all_plans]
    assert 0 <= min(taps) < 1 and 19 < max(taps) < 20
    assert 0 <= min(pages) < 10 and 590 < max(pages) < 600
    tap_seconds = Counter(int(t) for t in taps)
    assert len(tap_seconds) == 20 and max(tap_seconds.values()) < 80  # 50 a second on average


def test_the_same_seed_gives_the_same_tablets():
    assert plans(50, seed=3) == plans(50, seed=3)
    assert plans(50, seed=3) != plans(50, seed=4)


def test_one_tablets_requests_in_time_order():
    plan = TabletPlan(0, poll=0.5, tap=3.0, page=100.0)
    got = list(moments(plan, 7.0))
    assert got == [(0.5, "poll"), (2.5, "poll"), (3.0, "tap"), (4.5, "poll"), (6.5, "poll")]
    assert list(moments(plan, 0.5)) == []  # the step ends before the first poll's moment
    short = Cadence(poll=1.0, tap=2.0, page=5.0)
    assert Counter(kind for _, kind in moments(TabletPlan(0, 0.0, 0.0, 0.0), 10.0, short)) == \
        Counter(poll=10, tap=5, page=2)


def test_the_planned_rates_are_the_cadences():
    all_plans = plans(1000, seed=11)
    counts = planned(all_plans, 30.0)
    assert counts["poll"] == 15_000  # every tablet polls 15 times in 30 s, whatever its offset
    assert 1000 <= counts["tap"] <= 2000 and abs(counts["tap"] - 1500) < 100
    assert abs(counts["page"] - 50) < 25
